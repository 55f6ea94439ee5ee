// Drift over time for the dashboard and the status: which windows of logged inputs to compare with the baseline, and
// the per-feature series built from their scores. A drift point covers its own bucket (coarser than the dashboard's,
// at most DRIFT_POINTS per window); a bucket with fewer than `minRecords` logged inputs is widened back in time to the
// last `minRecords` of them (within `lookbackMs`), because on a handful of rows sampling noise alone moves a
// Wasserstein distance past 0.1. A bucket with no logged inputs is a gap. Windows are keyed by the records they hold,
// so a window already scored is never scored again.
import type { DashboardDrift, FeatureDriftSeries, FeatureWindowScore, Series, WindowDetail, WindowScore } from '../../shared/deployments';
import type { InputColumns } from '../../shared/driftWorker';
import type { Predictions } from './feedback';
import { asStore, type PredictionStore } from './recordStore';
import type { PredictionRecord, Timed } from './records';

/** A window with more logged inputs is compared on an evenly spaced sample of this many. */
export const MAX_WINDOW_RECORDS = 2000;

/**
 * The drift engine as the monitor sees it: LiveDrift in this process (liveDrift.ts) or in the live drift worker
 * (driftProcess.ts). Kept here, apart from the engine, so the monitor does not load the engine where it never runs.
 */
export interface DriftScorer {
  /** The baseline, profiled once; rejects with a message for people when it cannot be read. */
  baseline(): Promise<{ name: string; rows: number }>;
  /** Scores windows of logged inputs, in columns (null for a window sharing no column with the baseline). */
  score(windows: readonly InputColumns[]): Promise<(WindowScore | null)[]>;
  /** One window in detail: explanations and the distributions of the `top` most drifted features. */
  detail(inputs: InputColumns, top: number): Promise<WindowDetail | null>;
}

/** At most `max` records, evenly spaced (deterministic, so the same window always gives the same score). */
export function evenSample<T>(records: readonly T[], max = MAX_WINDOW_RECORDS): readonly T[] {
  if (records.length <= max) return records;
  return sampleRange(0, records.length, max, (i) => records[i] as T);
}

/** `pick` of the indices evenSample would keep of [from, to): all of them, or `max` evenly spaced ones. */
export function sampleRange<U>(from: number, to: number, max: number, pick: (index: number) => U): U[] {
  const n = to - from;
  const k = Math.min(n, max);
  const out = new Array<U>(k);
  for (let i = 0; i < k; i++) out[i] = pick(from + (n <= max ? i : Math.floor((i * n) / max)));
  return out;
}

export interface DriftSettings {
  scorer: DriftScorer;
  /** Why this baseline, e.g. "training data of credit-risk 2 (lineage)". */
  reason: string;
  mode: 'evidently' | 'effect-size';
  /** Fewest logged inputs a drift point compares. Default 500. */
  minRecords?: number;
  /** How far back a point may reach for them. Default 1 hour. */
  lookbackMs?: number;
}

export const DEFAULT_MIN_RECORDS = 500;
export const DEFAULT_LOOKBACK_MS = 3600_000;
/** Drift points per window at most. */
export const DRIFT_POINTS = 120;
/** Features whose baseline-vs-live histograms the dashboard shows. */
export const HISTOGRAM_FEATURES = 4;

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);

/** The smallest of 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min, 2 min, 5 min … 1 day that is at least `ms`. */
export function niceStep(ms: number): number {
  return NICE_STEPS.find((s) => s >= ms) ?? Math.ceil(ms / 86_400_000) * 86_400_000;
}

export interface DriftWindow {
  /** Identifies the records the window holds (first and last time, count). */
  key: string;
  /** Logged inputs in the window. */
  records: number;
  /** Their inputs, or an evenly spaced sample of MAX_WINDOW_RECORDS of them, in columns (recordsOf() reads them). */
  inputs: InputColumns;
}

/** Where the window [lo, hi) starts once widened back to `minRecords` records no earlier than `notBefore`; undefined when there are fewer. */
export function widenedStart(records: Predictions, lo: number, hi: number, minRecords: number, notBefore: number): number | undefined {
  let from = lo;
  if (hi - from < minRecords) from = Math.max(asStore(records).firstAfter(notBefore - 1), hi - minRecords);
  return hi - from < minRecords || hi <= from ? undefined : from;
}

/**
 * The logged inputs of records [lo, hi), widened back to the last `minRecords` ones no earlier than `notBefore`;
 * undefined when there are fewer than that.
 */
export function widenedWindow(records: Predictions, lo: number, hi: number, minRecords: number, notBefore: number): DriftWindow | undefined {
  const store = asStore(records);
  const from = widenedStart(store, lo, hi, minRecords, notBefore);
  return from === undefined ? undefined : windowOf(store, from, hi);
}

/** The key of the window of records [from, hi): known before its inputs are copied, so a scored window is not copied again. */
export function windowKey(store: PredictionStore, from: number, hi: number): string {
  return `${store.time(from)}|${store.time(hi - 1)}|${hi - from}`;
}

/** The window of records [from, hi) with its inputs (or a sample of them) in columns. */
export function windowOf(store: PredictionStore, from: number, hi: number): DriftWindow {
  // Sampled here already, so a long window is never copied whole to the process that scores it; the sampled
  // records' inputs are copied from the store's columns into the window's, with no object per record.
  const inputs = store.inputColumns(sampleRange(from, hi, MAX_WINDOW_RECORDS, (i) => i));
  return { key: windowKey(store, from, hi), records: hi - from, inputs };
}

/** Whether a record logged its inputs (what drift compares with the baseline). */
export function hasInputs(r: Timed<PredictionRecord>): boolean {
  for (const k in r.record.inputs) if (Object.hasOwn(r.record.inputs, k)) return true;
  return false;
}

/** The records that carry logged inputs (sorted, as the monitor keeps them). */
export function withInputs(records: readonly Timed<PredictionRecord>[]): Timed<PredictionRecord>[] {
  return records.filter(hasInputs);
}

/** A window of a plan: without its inputs when the caller said it already has what they give (a score, a detail). */
export type PlannedWindow = Omit<DriftWindow, 'inputs'> & { inputs?: InputColumns };

export interface DriftPlan {
  timestamps: number[];
  stepMs: number;
  /** Per drift point: the window to score, or null (no logged inputs there, or too few even when widened). */
  windows: (PlannedWindow | null)[];
  /** Points whose bucket has logged inputs but too few to compare. */
  short: number;
  /** The logged inputs of the whole selected window, for the detail comparison (null when fewer than minRecords). */
  all: PlannedWindow | null;
  /** Logged inputs in the selected window. */
  inWindow: number;
}

/** The window of records [from, hi) of a plan: its inputs copied only when `known` does not have its key. */
function plannedWindow(store: PredictionStore, from: number, hi: number, known: ((key: string) => boolean) | undefined): PlannedWindow {
  const key = windowKey(store, from, hi);
  return known?.(key) ? { key, records: hi - from } : windowOf(store, from, hi);
}

export interface PlanOptions {
  stepMs?: number;
  minRecords?: number;
  lookbackMs?: number;
  maxPoints?: number;
  /**
   * Windows whose score the caller already has (by key): planned without copying their inputs, so a dashboard rebuilt
   * after every poll copies the inputs of the new windows only.
   */
  scored?: (key: string) => boolean;
  /** The same for the whole window's detail comparison. */
  detailed?: (key: string) => boolean;
}

/** Drift points over [start, end): buckets aligned to multiples of their step, so points stay put as time moves. */
export function planDriftWindows(predictions: Predictions, start: number, end: number, options: PlanOptions = {}): DriftPlan {
  const records = asStore(predictions);
  const minRecords = options.minRecords ?? DEFAULT_MIN_RECORDS;
  const lookback = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const step = niceStep(Math.max(options.stepMs ?? 1000, (end - start) / (options.maxPoints ?? DRIFT_POINTS)));
  const t0 = Math.floor(start / step) * step;
  const count = Math.max(1, Math.ceil((end - t0) / step));
  const timestamps = Array.from({ length: count }, (_, i) => t0 + i * step);
  const windows: (PlannedWindow | null)[] = [];
  let short = 0;
  for (const b of timestamps) {
    const lo = records.firstAfter(b - 1);
    const hi = records.firstAfter(b + step - 1);
    if (hi === lo) {
      windows.push(null);
      continue;
    }
    const from = widenedStart(records, lo, hi, minRecords, b + step - lookback);
    if (from === undefined) short++;
    windows.push(from === undefined ? null : plannedWindow(records, from, hi, options.scored));
  }
  const lo = records.firstAfter(start - 1);
  const hi = records.firstAfter(end - 1);
  const from = hi > lo ? widenedStart(records, lo, hi, minRecords, start) : undefined;
  const all = from === undefined ? null : plannedWindow(records, from, hi, options.detailed);
  return { timestamps, stepMs: step, windows, short, all, inWindow: hi - lo };
}

const nulls = (n: number): Series => new Array<number | null>(n).fill(null);

/** How far past its threshold a score is (> 1: drifted), for ordering features. */
function severity(f: Pick<FeatureWindowScore, 'score' | 'threshold' | 'scoreKind'>): number {
  if (f.scoreKind === 'p-value') return f.score <= 0 ? 100 : Math.min(100, Math.log(f.score) / Math.log(f.threshold));
  return f.threshold > 0 ? f.score / f.threshold : 0;
}

export interface DriftSeriesInput {
  plan: DriftPlan;
  scores: readonly (WindowScore | null)[];
  detail: WindowDetail | null;
  baseline: { name: string; rows: number; reason: string };
  mode: 'evidently' | 'effect-size';
  minRecords: number;
  psiBudget?: number;
}

/** The dashboard's drift section from the scored windows. */
export function driftSeries(input: DriftSeriesInput): DashboardDrift {
  const { plan, scores, detail } = input;
  const n = plan.timestamps.length;
  const byFeature = new Map<string, FeatureDriftSeries>();
  const records = nulls(n);
  let worst = new Map<string, number>();
  scores.forEach((w, i) => {
    if (!w) return;
    records[i] = plan.windows[i]?.records ?? w.records;
    for (const f of w.features) {
      let s = byFeature.get(f.feature);
      if (!s) {
        s = { feature: f.feature, method: f.method, scoreKind: f.scoreKind, threshold: f.threshold, scores: nulls(n), psi: nulls(n) };
        byFeature.set(f.feature, s);
      }
      s.scores[i] = Number.isFinite(f.score) ? f.score : null;
      s.psi[i] = f.psi;
      worst.set(f.feature, Math.max(worst.get(f.feature) ?? 0, severity(f)));
    }
  });
  // The window's comparison decides the method shown and the order (the report's own order: drifted first).
  if (detail) {
    worst = new Map(detail.features.map((f, i) => [f.feature, detail.features.length - i]));
    for (const f of detail.features) {
      const s = byFeature.get(f.feature) ?? { feature: f.feature, method: f.method, scoreKind: f.scoreKind, threshold: f.threshold, scores: nulls(n), psi: nulls(n) };
      s.method = f.method;
      s.scoreKind = f.scoreKind;
      s.threshold = f.threshold;
      s.window = { score: f.score, psi: f.psi, status: f.drifted ? 'drift' : 'stable', explanation: detail.explanations[f.feature] ?? f.feature };
      byFeature.set(f.feature, s);
    }
  }
  const features = [...byFeature.values()].sort((a, b) => (worst.get(b.feature) ?? 0) - (worst.get(a.feature) ?? 0) || a.feature.localeCompare(b.feature));
  const out: DashboardDrift = {
    baseline: input.baseline,
    timestamps: plan.timestamps,
    stepMs: plan.stepMs,
    records,
    minRecords: input.minRecords,
    features,
    histograms: detail?.histograms ?? [],
    windowRecords: plan.inWindow,
    mode: input.mode,
    ...(input.psiBudget !== undefined ? { psiBudget: input.psiBudget } : {}),
    ...(detail?.unscored?.length ? { unscored: detail.unscored } : {}),
  };
  const scored = scores.filter((s) => s !== null).length;
  if (plan.inWindow === 0) out.note = 'No prediction in this window logged its inputs.';
  else if (scored === 0 && plan.short > 0) out.note = `Too few logged inputs to compare yet: ${plan.inWindow} in this window, and each drift point needs ${input.minRecords}.`;
  else if (scored === 0 && !detail) out.note = 'The logged inputs share no column with the baseline.';
  return out;
}
