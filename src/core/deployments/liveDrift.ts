// Drift of a live deployment: windows of the prediction log's logged `inputs` compared with the deployment's baseline
// profile by the drift engine — the same methods, statistic names and thresholds as the drift report — plus each
// feature's PSI, the statistic of the `drift_psi` budget. Pure and synchronous: the extension runs it in the
// profiling worker process (`mlship worker`), `mlship status` in its own process.
import { isAbsolute, join } from 'node:path';
import type { Profile } from '../../shared/drift';
import type { DeploymentConfig, DriftManifest } from '../config/manifest';
import { deploymentBaseline } from '../drift/baseline';
import type { ModelEntry, ModelVersionEntry } from '../registry/types';
import type { FeatureHistogram, FeatureWindowScore, WindowDetail, WindowScore } from '../../shared/deployments';
import { columnPsi, compareProfiles, DEFAULT_DRIFT_CONFIG, type DriftConfig } from '../drift/compare';
import { driftConfigFrom, typeOverrides } from '../drift/config';
import { loadSide, profileWindow } from '../drift/run';

/** A window with more logged inputs is compared on an evenly spaced sample of this many. */
export const MAX_WINDOW_RECORDS = 2000;

/** The drift engine as the monitor sees it: LiveDrift in this process, or in a worker process. */
export interface DriftScorer {
  /** The baseline, profiled once; rejects with a message for people when it cannot be read. */
  baseline(): Promise<{ name: string; rows: number }>;
  /** Scores windows of logged inputs (null for a window sharing no column with the baseline). */
  score(windows: readonly (readonly Readonly<Record<string, unknown>>[])[]): Promise<(WindowScore | null)[]>;
  /** One window in detail: explanations and the distributions of the `top` most drifted features. */
  detail(inputs: readonly Readonly<Record<string, unknown>>[], top: number): Promise<WindowDetail | null>;
}

/** What the baseline is, for people. */
export interface BaselineSummary {
  name: string;
  rows: number;
  columns: string[];
}

/** At most `max` records, evenly spaced (deterministic, so the same window always gives the same score). */
export function evenSample<T>(records: readonly T[], max = MAX_WINDOW_RECORDS): readonly T[] {
  if (records.length <= max) return records;
  return Array.from({ length: max }, (_, i) => records[Math.floor((i * records.length) / max)] as T);
}

export class LiveDrift {
  private readonly byName: Map<string, Profile['columns'][number]>;

  constructor(
    private readonly baseline: Profile,
    private readonly config: DriftConfig = DEFAULT_DRIFT_CONFIG,
  ) {
    this.byName = new Map(baseline.columns.map((c) => [c.name, c]));
  }

  get summary(): BaselineSummary {
    return { name: this.baseline.source.name, rows: this.baseline.rows, columns: this.baseline.columns.map((c) => c.name) };
  }

  /** Per-feature drift of one window; null when its records share no column with the baseline. */
  score(inputs: readonly Readonly<Record<string, unknown>>[]): WindowScore | null {
    const d = this.compare(inputs, 0);
    return d && { records: d.records, compared: d.compared, features: d.features };
  }

  /** Per-feature drift of one window with explanations, and the distributions of the `top` most drifted features. */
  detail(inputs: readonly Readonly<Record<string, unknown>>[], top = 4): WindowDetail | null {
    return this.compare(inputs, top);
  }

  private compare(inputs: readonly Readonly<Record<string, unknown>>[], top: number): WindowDetail | null {
    const sample = evenSample(inputs);
    // Only the baseline's columns that the log carries: the log holds the model's inputs, not the label or ids.
    const present = new Set<string>();
    for (const r of sample.slice(0, 200)) for (const k of Object.keys(r)) if (this.byName.has(k)) present.add(k);
    if (present.size === 0) return null;
    const baseline: Profile = { ...this.baseline, columns: this.baseline.columns.filter((c) => present.has(c.name)) };
    const current = profileWindow(baseline, sample, this.config, 'live window');
    const report = compareProfiles(baseline, current, this.config, { baselineFromProfile: true });
    const currentByName = new Map(current.columns.map((c) => [c.name, c]));
    const features: FeatureWindowScore[] = [];
    const explanations: Record<string, string> = {};
    const histograms: FeatureHistogram[] = [];
    // The report lists columns drifted first, then by how far past their threshold.
    for (const c of report.columns) {
      if (c.status === 'skipped' || c.method === undefined || c.score === undefined || c.threshold === undefined) continue;
      const base = this.byName.get(c.column);
      const cur = currentByName.get(c.column);
      const psi = base && cur ? columnPsi(base, cur) : undefined;
      const scoreKind = c.scoreKind ?? 'distance';
      const drifted = c.status === 'drift';
      features.push({ feature: c.column, method: c.method, scoreKind, score: c.score, threshold: c.threshold, drifted, psi: psi !== undefined && Number.isFinite(psi) ? psi : null });
      explanations[c.column] = c.explanation;
      if (histograms.length < top && c.chart) histograms.push({ feature: c.column, status: drifted ? 'drift' : 'stable', method: c.method, scoreKind, score: c.score, threshold: c.threshold, explanation: c.explanation, chart: c.chart });
    }
    return { records: inputs.length, compared: sample.length, features, explanations, histograms };
  }
}

/**
 * LiveDrift on a baseline file — a data snapshot (profiled once, cached by content hash in `cacheDir`) or a saved
 * profile JSON.
 */
export async function openLiveDrift(baselinePath: string, config: DriftConfig = DEFAULT_DRIFT_CONFIG, cacheDir?: string): Promise<{ live: LiveDrift; cached: boolean }> {
  const side = await loadSide(baselinePath, { options: { rowLimit: config.rowLimit }, types: typeOverrides(config) }, cacheDir);
  return { live: new LiveDrift(side.profile, config), cached: side.cached };
}

/** A DriftScorer running LiveDrift in this process (`mlship status`, the worker process, tests). */
export function inProcessScorer(open: () => Promise<LiveDrift>): DriftScorer {
  let opened: Promise<LiveDrift> | undefined;
  // A baseline that could not be read is tried again on the next call (the file may appear or be fixed).
  const live = (): Promise<LiveDrift> =>
    (opened ??= open().catch((err: unknown) => {
      opened = undefined;
      throw err;
    }));
  return {
    baseline: async () => {
      const s = (await live()).summary;
      return { name: s.name, rows: s.rows };
    },
    score: async (windows) => {
      const l = await live();
      return windows.map((w) => l.score(w));
    },
    detail: async (inputs, top) => (await live()).detail(inputs, top),
  };
}

/** Where a deployment's drift comes from: its baseline file (absolute) and why that one; or why there is none. */
export type DeploymentDriftSource = { baseline: string; reason: string; mode: DriftConfig['mode'] } | { unavailable: string };

/**
 * The baseline a deployment's logged inputs are compared with (deploymentBaseline: its own `baseline:`, else
 * drift.baselines.<model>, else the training snapshot of the version it serves, else drift.baseline), resolved
 * against the workspace folder `root`.
 */
export function deploymentDriftSource(config: Pick<DeploymentConfig, 'baseline' | 'model'>, drift: DriftManifest | undefined, served: { model: ModelEntry; version: ModelVersionEntry } | undefined, root: string): DeploymentDriftSource {
  const choice = deploymentBaseline(config, drift, served);
  if (!choice) return { unavailable: 'no baseline: set baseline: on the deployment, or drift.baselines in mlship.yaml' };
  return { baseline: isAbsolute(choice.relPath) ? choice.relPath : join(root, choice.relPath), reason: choice.reason, mode: driftConfigFrom(drift).mode };
}
