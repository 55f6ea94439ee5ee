// Drift of a live deployment: windows of the prediction log's logged `inputs` compared with the deployment's baseline
// profile by the drift engine — the same methods, statistic names and thresholds as the drift report — plus each
// feature's PSI, the statistic of the `drift_psi` budget. Pure and synchronous: the extension runs it in the
// profiling worker process (`mlship worker`), `mlship status` in its own process.
import type { Profile } from '../../shared/drift';
import type { FeatureHistogram, FeatureWindowScore, UnscoredFeature, WindowDetail, WindowScore } from '../../shared/deployments';
import { columnPsi, compareProfiles, DEFAULT_DRIFT_CONFIG, type DriftConfig } from '../drift/compare';
import { typeOverrides } from '../drift/config';
import { loadSide, profileWindow } from '../drift/run';
import { evenSample, type DriftScorer } from './driftSeries';
import { recordsOf } from './inputColumns';

/** What the baseline is, for people. */
export interface BaselineSummary {
  name: string;
  rows: number;
  columns: string[];
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
    return d && { records: d.records, compared: d.compared, features: d.features, ...(d.unscored ? { unscored: d.unscored } : {}) };
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
    const unscored: UnscoredFeature[] = [];
    // The report lists columns drifted first, then by how far past their threshold.
    for (const c of report.columns) {
      if (c.status === 'skipped') continue;
      if (c.method === undefined || c.score === undefined || c.threshold === undefined) {
        // Flagged with no test (every logged value missing, or none of the baseline's type): drifted all the same.
        if (c.status === 'drift') {
          unscored.push({ feature: c.column, explanation: c.explanation });
          explanations[c.column] = c.explanation;
        }
        continue;
      }
      const base = this.byName.get(c.column);
      const cur = currentByName.get(c.column);
      const psi = base && cur ? columnPsi(base, cur) : undefined;
      const scoreKind = c.scoreKind ?? 'distance';
      const drifted = c.status === 'drift';
      features.push({ feature: c.column, method: c.method, scoreKind, score: c.score, threshold: c.threshold, drifted, psi: psi !== undefined && Number.isFinite(psi) ? psi : null });
      explanations[c.column] = c.explanation;
      if (histograms.length < top && c.chart) histograms.push({ feature: c.column, status: drifted ? 'drift' : 'stable', method: c.method, scoreKind, score: c.score, threshold: c.threshold, explanation: c.explanation, chart: c.chart });
    }
    return { records: inputs.length, compared: sample.length, features, explanations, histograms, ...(unscored.length ? { unscored } : {}) };
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
      return windows.map((w) => l.score(recordsOf(w)));
    },
    detail: async (inputs, top) => (await live()).detail(recordsOf(inputs), top),
  };
}
