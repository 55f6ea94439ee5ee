// One watched deployment: each poll asks the server whether it is live and ready (OIP v2), scrapes its metrics (or
// queries Prometheus), follows its prediction and feedback logs, and turns all of it into a DeploymentStatus
// against the budgets. The data is kept (bounded) for the dashboard's series. Used by the extension (on a
// schedule), `mlship status` (one poll) and the polling benchmark. A poll never throws: every failure becomes the
// state and its reason.
import { isAbsolute, join } from 'node:path';
import type { DeploymentConfig } from '../config/manifest';
import { readSnapshotRows } from '../formats/tabular';
import { dataFormatOf } from '../registry/catalog';
import { NOT_CHECKED, type DashboardData, type DeploymentStatus, type FeatureDriftScore, type WindowDetail, type WindowScore } from '../../shared/deployments';
import { errorMessage } from '../util/concurrency';
import { partitionPoint } from '../util/search';
import { DEFAULT_LOOKBACK_MS, DEFAULT_MIN_RECORDS, driftSeries, hasInputs, HISTOGRAM_FEATURES, planDriftWindows, widenedStart, windowKey, windowOf, type DriftSettings, type DriftWindow, type PlannedWindow } from './driftSeries';
import { detectMetric, feedbackByRequest, keepLatest, scoreStored, type QualityMetric } from './feedback';
import { assessHealth, type Budgets } from './health';
import { ConnectorError, type HttpOptions } from './http';
import { METRIC } from './metricNames';
import { OipClient, probe, type OipModelMetadata, type ProbeResult } from './oip';
import { FeedbackSource, PredictionSource, type LogProblem } from './predictionLog';
import { histogramQuantile, PrometheusApiClient } from './prometheus';
import { PredictionStore } from './recordStore';
import type { FeedbackRecord, PredictionRecord, Timed } from './records';
import { scrapeMetrics, unitToMs, type ScrapePoint } from './scrape';
import { buildDashboard, logLatencies, recentThroughput, SlidingTally, summarizeTally, THROUGHPUT_WINDOW_MS, type MetricsSeries } from './series';

export interface MonitorOptions {
  /** Folder that relative paths (logs, baseline) are resolved against: the workspace folder of mlship.yaml. */
  root: string;
  /** The deployment's auth token (from SecretStorage), sent as a Bearer token to its servers. */
  token?: () => Promise<string | undefined>;
  now?: () => number;
  /** The drift engine, bound to the deployment's baseline. */
  drift?: DriftSettings;
  /** Without `drift`: why there is no drift (e.g. no baseline), shown in its place. */
  driftUnavailable?: string;
  /** Column order of the model's single 2-D input (for probes and KServe logs). */
  featureNames?: string[];
  /** The snapshot Probe Now takes rows from (absolute): the drift baseline (probeRowsSource). Default: the deployment's `baseline:`. */
  probeSnapshot?: string;
  /** The window the status (p95, rates, drift) is computed over, ms. Default 5 minutes. */
  statusWindowMs?: number;
  /** How far back the current throughput looks, ms (at most the status window). Default 1 minute. */
  throughputWindowMs?: number;
  /** How much history is kept for the dashboard, ms. Default 24 hours. */
  historyMs?: number;
  /** At most this many prediction records are kept. Default 200,000. */
  maxRecords?: number;
  /** Where the first read of a log starts: only its last `tailBytes` (default: the whole file). */
  tailBytes?: number;
  /** Bad log lines and other details worth a log entry. */
  onProblem?: (message: string) => void;
  local?: boolean;
}

const DEFAULT_STATUS_WINDOW = 5 * 60_000;
const DEFAULT_HISTORY = 24 * 3600_000;
/** Logged inputs per scoring request at most (a window is never split). */
const SCORE_BATCH_RECORDS = 20_000;
type StatusDrift = { drift: FeatureDriftScore | null; driftedFeatures?: string[]; note?: string };

/** How long the status window's drift score is reused while less than a tenth of the window is new. */
const STATUS_DRIFT_REUSE_MS = 30_000;

function reasonOf(err: unknown): string {
  return err instanceof ConnectorError ? err.message : errorMessage(err);
}

const formatDuration = (ms: number): string => (ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`);

/** A metric with the deployment's selector (`{job="x"}`) and any extra matchers: `m{job="x",code=~"5.."}`. */
export function withSelector(metric: string, selector: string | undefined, ...extra: string[]): string {
  const matchers = [(selector ?? '').trim().replace(/^\{|\}$/g, '').trim(), ...extra].filter((m) => m !== '');
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(',')}}`;
}

export class DeploymentMonitor {
  private readonly scrapes: ScrapePoint[] = [];
  /** No scrape arrived stamped earlier than the one before it (the clock did not go back). */
  private scrapesOrdered = true;
  /** Sorted by time, in columns (recordStore.ts); their inputs are kept in inputRecords only. */
  private readonly records = new PredictionStore();
  /** The records that logged their inputs (sorted), what drift compares with the baseline. */
  private readonly inputRecords = new PredictionStore();
  /** Drift scores of windows already compared, by the records they hold (insertion order, bounded). */
  private readonly driftMemo = new Map<string, WindowScore | null>();
  /** The status window's last score: when, up to which logged input, and what it gave. */
  private statusDriftMemo: { at: number; lastT: number; result: StatusDrift } | undefined;
  private detailMemo: { key: string; detail: WindowDetail | null } | undefined;
  private readonly recordKeys = new Set<string>();
  /**
   * The model version of the newest record the model answered (path `model`): what the deployment serves when its server
   * does not say. A fallback's record names the version that answered it (a previous version) or none, never the model's.
   */
  private loggedVersion: { version: string; t: number } | undefined;
  /** Counts over the status window's records, moved along as records arrive and age out. */
  private readonly statusTally = new SlidingTally();
  /**
   * Quality from feedback, kept up to date as records arrive (first feedback per request counts); `byId` gives the
   * sequence number (PredictionStore.firstSeq + index) of the last kept record of each request id.
   */
  private readonly quality = {
    metric: undefined as QualityMetric | undefined,
    predictions: 0,
    sum: 0,
    /** How many requests have a score (`sum` is over them); it outlives `scored`, which forgets trimmed requests. */
    count: 0,
    /** Sum and count of the scores of the model's own answers (path `model`); the fallback's are the rest. */
    modelSum: 0,
    modelScored: 0,
    /** The score of each request still in the store, so later feedback on it replaces its score. */
    scored: new Map<string, { score: number; model: boolean }>(),
    byId: new Map<string, number>(),
    waiting: new Map<string, FeedbackRecord>(),
  };
  private feedback: Timed<FeedbackRecord>[] = [];
  /** feedbackByRequest(this.feedback), kept up to date as feedback arrives (rebuilt when it is trimmed). */
  private latestFeedback = new Map<string, Timed<FeedbackRecord>>();
  private readonly predictions: PredictionSource | undefined;
  private readonly feedbackSource: FeedbackSource | undefined;
  private metadata: OipModelMetadata | undefined;
  private metadataAt = 0;
  private current: DeploymentStatus;
  private readonly now: () => number;
  private problemsReported = 0;
  /** Whether the prediction log has ever been found: a log that does not exist yet is no fault until it has. */
  private logSeen = false;

  constructor(
    readonly config: DeploymentConfig,
    private readonly options: MonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
    const tail = options.tailBytes !== undefined ? { tailBytes: options.tailBytes } : {};
    const p = config.predictions;
    if (p?.jsonl) this.predictions = new PredictionSource({ file: this.resolve(p.jsonl) }, { format: p.format ?? 'mlship', tail, ...(options.featureNames ? { featureNames: options.featureNames } : {}) });
    else if (p?.url) this.predictions = new PredictionSource({ url: p.url }, { format: p.format ?? 'mlship', ...(options.featureNames ? { featureNames: options.featureNames } : {}) });
    const f = config.feedback;
    if (f?.jsonl) this.feedbackSource = new FeedbackSource({ file: this.resolve(f.jsonl) }, { tail });
    else if (f?.url) this.feedbackSource = new FeedbackSource({ url: f.url });
    this.current = {
      name: config.name,
      state: 'unknown',
      reason: NOT_CHECKED,
      reasons: [],
      checks: [],
      p95Ms: null,
      errorRate: null,
      fallbackRate: null,
      lowConfidenceShare: null,
      throughput: null,
      drift: null,
      quality: null,
      checkedAt: new Date(this.now()).toISOString(),
      ...(config.model ? { model: config.model } : {}),
      ...(options.local ? { local: true } : {}),
      ...(config.inference?.url ? { url: config.inference.url } : {}),
    };
  }

  get status(): DeploymentStatus {
    return this.current;
  }

  get budgets(): Budgets {
    return this.config.budgets ?? {};
  }

  /** Seconds between polls (mlship.yaml's poll_interval_s, default 10). */
  get intervalMs(): number {
    return (this.config.poll_interval_s ?? 10) * 1000;
  }

  private resolve(path: string): string {
    return isAbsolute(path) ? path : join(this.options.root, path);
  }

  private async http(signal?: AbortSignal): Promise<HttpOptions> {
    const token = await this.options.token?.();
    return { timeoutMs: this.config.inference?.timeout_ms ?? 5000, ...(token ? { token } : {}), ...(signal ? { signal } : {}) };
  }

  private client(http: HttpOptions): OipClient | undefined {
    const inf = this.config.inference;
    if (!inf) return undefined;
    const model = inf.model ?? this.config.model?.replace(/^models:\//, '').split(/[@/]/)[0] ?? this.config.name;
    return new OipClient({ url: inf.url, model, ...(inf.version ? { version: inf.version } : {}) }, http);
  }

  private reportProblems(problems: readonly LogProblem[]): void {
    for (const p of problems.slice(0, 20)) {
      if (this.problemsReported++ > 200) return;
      this.options.onProblem?.(`${p.source}:${p.line}: ${p.message}`);
    }
  }

  /** One poll; never throws. */
  async poll(signal?: AbortSignal): Promise<DeploymentStatus> {
    const http = await this.http(signal);
    const started = this.now();
    const sourceProblems: string[] = [];
    let reachable: { ok: true } | { ok: false; reason: string } = { ok: true };
    let ready: boolean | undefined;
    let modelVersion = this.current.modelVersion;
    const client = this.client(http);
    if (client) {
      try {
        // A model that answers ready is served by a live server (OIP v2): one request instead of two on every poll of
        // a healthy deployment. Any other answer asks whether the server is live, for the state and reason that gives,
        // except from a server that let the first request time out or sent more than the body cap: it is not asked to
        // do that again (the reason names the model's ready URL instead of the live one).
        const modelReady = await client.modelReady().catch((err: unknown) => {
          if (err instanceof ConnectorError && (err.kind === 'timeout' || err.kind === 'too-large')) throw err;
          return undefined;
        });
        if (modelReady !== true && !(await client.live())) reachable = { ok: false, reason: `${this.config.inference?.url} answers but says it is not live` };
        else {
          ready = modelReady ?? (await client.ready());
          if (!this.metadata || started - this.metadataAt > 60_000) {
            this.metadata = await client.modelMetadata().catch(() => this.metadata);
            this.metadataAt = started;
          }
          modelVersion = this.config.inference?.version ?? this.metadata?.versions?.[0] ?? modelVersion;
        }
      } catch (err) {
        reachable = { ok: false, reason: reasonOf(err) };
      }
    }

    let promSeries: { p95: number | null; errorRate: number | null; throughput: number | null } | undefined;
    // Whether a live source (the server or its metrics) answered this poll.
    let answered = !!client && reachable.ok;
    const m = this.config.metrics;
    if (m?.scrape) {
      try {
        const point = await scrapeMetrics(m.scrape, http, m.latency_histogram ? { latencyMetric: m.latency_histogram } : {}, this.now);
        if (point.t < (this.scrapes[this.scrapes.length - 1]?.t ?? -Infinity)) this.scrapesOrdered = false;
        this.scrapes.push(point);
        answered = true;
      } catch (err) {
        const reason = `metrics: ${reasonOf(err)}`;
        if (!client) reachable = { ok: false, reason: reasonOf(err) };
        else sourceProblems.push(reason);
      }
    } else if (m?.prometheus) {
      try {
        promSeries = await this.prometheusNow(http);
        answered = true;
      } catch (err) {
        sourceProblems.push(`Prometheus: ${reasonOf(err)}`);
      }
    }

    let logMissing = false;
    if (this.predictions) {
      try {
        const r = await this.predictions.read();
        this.addRecords(r.records);
        this.reportProblems(r.problems);
        logMissing = r.missing;
        if (!r.missing) this.logSeen = true;
        else if (this.logSeen) sourceProblems.push(`prediction log ${this.predictions.name} not found`);
      } catch (err) {
        sourceProblems.push(`prediction log: ${reasonOf(err)}`);
      }
    }
    if (this.feedbackSource) {
      try {
        const r = await this.feedbackSource.read();
        for (const f of r.records) {
          // One at a time: spreading a first read of a long log into push() overflows the call stack.
          this.feedback.push(f);
          keepLatest(this.latestFeedback, f);
          this.scoreFeedback(f.record);
        }
        this.reportProblems(r.problems);
      } catch (err) {
        sourceProblems.push(`feedback log: ${reasonOf(err)}`);
      }
    }
    // The status window ends now, after the reads (a scrape is stamped when it arrives).
    const now = this.now();
    this.trim(now);
    if (!modelVersion && this.loggedVersion) modelVersion = this.loggedVersion.version;

    const window = this.options.statusWindowMs ?? DEFAULT_STATUS_WINDOW;
    const from = this.firstAfter(now - window);
    const inWindow = this.scrapesAfter(now - window - this.intervalMs * 2);
    const summary = summarizeTally(inWindow, this.statusTally.advance(this.records, from), () => logLatencies(this.records, from), window);
    let p95 = promSeries ? promSeries.p95 : summary.p95Ms;
    // A single scrape (mlship status, or the first poll): the histogram since the server started.
    if (p95 === null && !promSeries && this.scrapes.length === 1) {
      const only = this.scrapes[0]?.latency;
      const v = only ? histogramQuantile(0.95, only) : Number.NaN;
      p95 = Number.isFinite(v) ? v : null;
    }
    const errorRate = promSeries ? promSeries.errorRate : summary.errorRate;
    // The requests of the last minute, not the status window's average: it falls to 0 soon after traffic stops.
    const throughput = promSeries ? promSeries.throughput : summary.throughput === null ? null : recentThroughput(inWindow, this.records, now, this.throughputWindow());
    const fallbackRate = summary.fallbackRate;
    const lowConfidenceShare = summary.lowConfidenceShare;

    const { drift, driftedFeatures, note: driftNote } = await this.statusDrift(now, window);

    const q = this.quality;
    const fallbackScored = q.count - q.modelScored;
    const quality =
      q.metric && q.count > 0
        ? {
            metric: q.metric,
            value: q.sum / q.count,
            coverage: q.predictions > 0 ? q.count / q.predictions : null,
            model: q.modelScored > 0 ? q.modelSum / q.modelScored : null,
            fallback: fallbackScored > 0 ? (q.sum - q.modelSum) / fallbackScored : null,
          }
        : null;
    const waiting = answered || from < this.records.length ? undefined : this.nothingLogged(logMissing, window);
    const health = assessHealth({ reachable, ...(ready !== undefined ? { ready } : {}), p95Ms: p95, drift, fallbackRate, errorRate, sourceProblems, budgets: this.budgets, ...(waiting ? { waiting } : {}) });
    this.current = {
      ...this.current,
      state: health.state,
      reason: health.reason,
      reasons: health.reasons,
      checks: health.checks,
      ...(modelVersion ? { modelVersion } : {}),
      p95Ms: p95,
      errorRate,
      fallbackRate,
      lowConfidenceShare,
      throughput,
      drift,
      ...(driftedFeatures ? { driftedFeatures } : {}),
      ...(driftNote ? { driftNote } : {}),
      quality,
      checkedAt: new Date(now).toISOString(),
    };
    if (!driftNote) delete this.current.driftNote;
    if (!driftedFeatures) delete this.current.driftedFeatures;
    return this.current;
  }

  /**
   * Why there is nothing to call healthy when no server or metrics answered and no prediction was logged in the status
   * window: the log does not exist yet, or it is quiet. Undefined without a prediction log.
   */
  private nothingLogged(logMissing: boolean, windowMs: number): string | undefined {
    if (!this.predictions) return undefined;
    if (logMissing) return `no predictions logged yet (${this.config.predictions?.jsonl ?? this.predictions.name} does not exist yet)`;
    return `no predictions logged in the last ${formatDuration(windowMs)}`;
  }

  /** The scrapes later than `t`: found by bisection while they arrived in time order (24 h of them at 5 s are 17,280). */
  private scrapesAfter(t: number): ScrapePoint[] {
    const scrapes = this.scrapes;
    if (!this.scrapesOrdered) return scrapes.filter((sc) => sc.t > t);
    return scrapes.slice(partitionPoint(scrapes.length, (k) => (scrapes[k] as ScrapePoint).t <= t));
  }

  /** Index of the first record later than `t` (records are sorted). */
  private firstAfter(t: number): number {
    return this.records.firstAfter(t);
  }

  private driftNotice(): string {
    return this.options.driftUnavailable ?? 'no baseline to compare with';
  }

  /**
   * Drift over the status window (widened back to the last `minRecords` logged inputs within the lookback): the
   * highest per-feature PSI, for the drift_psi budget, and the features the drift report's method flags.
   */
  private async statusDrift(now: number, windowMs: number): Promise<StatusDrift> {
    const d = this.options.drift;
    if (!d) return { drift: null, note: this.driftNotice() };
    if (!this.config.predictions) return { drift: null, note: 'no prediction log to read inputs from' };
    const min = d.minRecords ?? DEFAULT_MIN_RECORDS;
    const lookback = Math.max(d.lookbackMs ?? DEFAULT_LOOKBACK_MS, windowMs);
    const records = this.inputRecords;
    const hi = records.firstAfter(now);
    const lo = records.firstAfter(now - windowMs);
    // A few new inputs barely move a window of hundreds: the last score stands until a tenth of the window is new
    // or STATUS_DRIFT_REUSE_MS has passed, so a poll every few seconds does not sample and rescore the same window.
    const last = this.statusDriftMemo;
    const from = widenedStart(records, lo, hi, min, now - lookback);
    if (last && from !== undefined && now >= last.at && now - last.at < STATUS_DRIFT_REUSE_MS && hi - records.firstAfter(last.lastT) < (hi - from) / 10) return last.result;
    if (from === undefined) {
      const have = hi - records.firstAfter(now - lookback);
      return { drift: null, note: have === 0 && this.records.length > 0 ? 'the prediction log has no inputs to compare' : `${have} of the ${min} logged inputs needed (last ${Math.round(lookback / 60_000)} min)` };
    }
    try {
      // The same records as a window scored before (no new logged input since): its score, without copying its inputs.
      const key = windowKey(records, from, hi);
      const score = this.driftMemo.has(key) ? this.driftMemo.get(key) : (await this.scoreWindows([windowOf(records, from, hi)]))[0];
      let result: StatusDrift;
      if (!score) result = { drift: null, note: 'the logged inputs share no column with the baseline' };
      else {
        let drift: FeatureDriftScore | null = null;
        for (const f of score.features) if (f.psi !== null && (!drift || f.psi > drift.score)) drift = { feature: f.feature, score: f.psi, statistic: 'psi' };
        result = { drift, driftedFeatures: [...score.features.filter((f) => f.drifted).map((f) => f.feature), ...(score.unscored ?? []).map((u) => u.feature)], ...(drift ? {} : { note: 'no PSI for the logged inputs' }) };
      }
      this.statusDriftMemo = { at: now, lastT: records.time(hi - 1), result };
      return result;
    } catch (err) {
      return { drift: null, note: `drift could not be computed: ${errorMessage(err)}` };
    }
  }

  /**
   * Scores the windows not scored before and remembers them. Requests carry at most SCORE_BATCH_RECORDS inputs, so
   * the first look at a long, busy window is not one huge message (and the extension host breathes in between).
   */
  private async scoreWindows(windows: readonly PlannedWindow[]): Promise<(WindowScore | null)[]> {
    const scorer = this.options.drift?.scorer;
    if (!scorer) return windows.map(() => null);
    // A window planned without its inputs was one already scored (planDriftWindows' `scored`).
    const missing = [...new Map(windows.filter((w): w is DriftWindow => !this.driftMemo.has(w.key) && w.inputs !== undefined).map((w) => [w.key, w])).values()];
    let i = 0;
    while (i < missing.length) {
      const batch: DriftWindow[] = [];
      let size = 0;
      for (let w = missing[i]; w && (batch.length === 0 || size + w.inputs.rows <= SCORE_BATCH_RECORDS); w = missing[++i]) {
        batch.push(w);
        size += w.inputs.rows;
      }
      const scores = await scorer.score(batch.map((w) => w.inputs));
      batch.forEach((w, k) => this.driftMemo.set(w.key, scores[k] ?? null));
    }
    const out = windows.map((w) => this.driftMemo.get(w.key) ?? null);
    // Oldest first out, never one of this call's windows.
    if (this.driftMemo.size > 4096) {
      const keep = new Set(windows.map((w) => w.key));
      for (const k of [...this.driftMemo.keys()].filter((x) => !keep.has(x)).slice(0, 1024)) this.driftMemo.delete(k);
    }
    return out;
  }

  /** Per-feature drift over time in a dashboard window, and the window compared as a whole. */
  private async driftOverTime(window: { start: number; end: number; stepMs?: number }): Promise<{ drift?: DashboardData['drift']; note?: string }> {
    const d = this.options.drift;
    if (!d) return { note: this.driftNotice() };
    if (!this.config.predictions) return { note: 'No prediction log is configured, so there are no inputs to compare with the baseline.' };
    try {
      const baseline = await d.scorer.baseline();
      const minRecords = d.minRecords ?? DEFAULT_MIN_RECORDS;
      // Windows scored before, and the whole window compared in detail before, are planned without copying their inputs.
      const detailed = this.detailMemo;
      const plan = planDriftWindows(this.inputRecords, window.start, window.end, {
        ...(window.stepMs ? { stepMs: window.stepMs } : {}),
        minRecords,
        lookbackMs: d.lookbackMs ?? DEFAULT_LOOKBACK_MS,
        scored: (key) => this.driftMemo.has(key),
        detailed: (key) => detailed?.key === key,
      });
      const present = plan.windows.filter((w): w is PlannedWindow => w !== null);
      const scored = await this.scoreWindows(present);
      const byKey = new Map(present.map((w, i) => [w.key, scored[i] ?? null]));
      const scores = plan.windows.map((w) => (w ? (byKey.get(w.key) ?? null) : null));
      let detail: WindowDetail | null = null;
      if (plan.all) {
        if (plan.all.inputs) {
          detail = await d.scorer.detail(plan.all.inputs, HISTOGRAM_FEATURES);
          this.detailMemo = { key: plan.all.key, detail };
        } else detail = detailed?.detail ?? null;
      }
      return { drift: driftSeries({ plan, scores, detail, baseline: { ...baseline, reason: d.reason }, mode: d.mode, minRecords, ...(this.budgets.drift_psi !== undefined ? { psiBudget: this.budgets.drift_psi } : {}) }) };
    } catch (err) {
      return { note: `Drift could not be computed: ${errorMessage(err)}` };
    }
  }

  private addRecords(records: readonly Timed<PredictionRecord>[]): void {
    const fromUrl = !this.config.predictions?.jsonl;
    let unordered = false;
    const q = this.quality;
    for (const r of records) {
      if (fromUrl) {
        const key = `${r.record.request_id}|${r.record.ts}`;
        if (this.recordKeys.has(key)) continue;
        this.recordKeys.add(key);
      }
      unordered = this.records.push(r, false) || unordered;
      if (r.record.path === 'model' && r.record.model_version !== '' && r.t >= (this.loggedVersion?.t ?? -Infinity)) this.loggedVersion = { version: r.record.model_version, t: r.t };
      if (hasInputs(r)) this.inputRecords.push(r);
      q.predictions++;
      q.byId.set(r.record.request_id, this.records.firstSeq + this.records.length - 1);
      const waiting = q.waiting.get(r.record.request_id);
      if (waiting) {
        q.waiting.delete(r.record.request_id);
        this.scoreFeedback(waiting);
      }
    }
    // Logs are mostly in time order; sort only when they are not.
    if (unordered) {
      this.records.sortByTime();
      this.inputRecords.sortByTime();
      this.statusTally.reset();
      q.byId.clear();
      // Sequence numbers follow the new order.
      for (let i = 0; i < this.records.length; i++) q.byId.set(this.records.requestId(i), this.records.firstSeq + i);
    }
    if (q.metric === undefined && this.records.length >= 20) q.metric = detectMetric(this.records);
  }

  private scoreFeedback(f: FeedbackRecord): void {
    const q = this.quality;
    const seq = q.byId.get(f.request_id);
    if (seq === undefined) {
      if (q.waiting.size < 50_000) q.waiting.set(f.request_id, f);
      return;
    }
    q.metric ??= detectMetric(this.records);
    const score = scoreStored(this.records, seq - this.records.firstSeq, f.label, q.metric);
    if (score === undefined) return;
    const model = this.records.path(seq - this.records.firstSeq) === 'model';
    const before = q.scored.get(f.request_id);
    if (before) {
      q.sum -= before.score;
      if (before.model) {
        q.modelSum -= before.score;
        q.modelScored--;
      }
    } else q.count++;
    q.sum += score;
    if (model) {
      q.modelSum += score;
      q.modelScored++;
    }
    q.scored.set(f.request_id, { score, model });
  }

  private trim(now: number): void {
    const history = this.options.historyMs ?? DEFAULT_HISTORY;
    const oldest = now - history;
    const max = this.options.maxRecords ?? 200_000;
    const records = this.records;
    // Amortised: trim when a tenth over the limit, or when the oldest record left the history window.
    const cut = Math.max(this.firstAfter(oldest - 1), records.length > max * 1.1 ? records.length - max : 0);
    if (cut > 0 && (cut >= records.length / 10 || records.length > max * 1.1)) {
      const q = this.quality;
      for (let i = 0; i < cut; i++) {
        const id = records.requestId(i);
        // A later record of the same request id keeps the join. Feedback on a request no longer in the store is not
        // scored (it waits for a record that will not come), so its score can no longer be replaced: it stays in the
        // sums and counts, and the map forgets it.
        if (q.byId.get(id) === records.firstSeq + i) {
          q.byId.delete(id);
          q.scored.delete(id);
        }
      }
      records.dropFirst(cut);
      this.statusTally.dropped(cut);
      this.inputRecords.dropFirst(records.length > 0 ? this.inputRecords.firstAfter(records.time(0) - 1) : this.inputRecords.length);
      if (this.recordKeys.size > 2 * max) this.recordKeys.clear();
    }
    // Amortised too: once a tenth of the history window past it, not each poll once the first feedback has aged out.
    if (this.feedback.length > max * 1.1 || ((this.feedback[0]?.t ?? now) < oldest - history / 10 && this.feedback.length > 1000)) {
      this.feedback = this.feedback.filter((f) => f.t >= oldest).slice(-max);
      this.latestFeedback = feedbackByRequest(this.feedback);
    }
    while (this.scrapes.length > 0 && (this.scrapes[0] as ScrapePoint).t < oldest) this.scrapes.shift();
    if (this.scrapes.length > 20_000) this.scrapes.splice(0, this.scrapes.length - 20_000);
  }

  private prometheusClient(http: HttpOptions): PrometheusApiClient | undefined {
    return this.config.metrics?.prometheus ? new PrometheusApiClient(this.config.metrics.prometheus, http) : undefined;
  }

  private latencyMetric(): string {
    return this.config.metrics?.latency_histogram ?? METRIC.latency;
  }

  /** PromQL for the dashboard's latency and traffic over `range` (e.g. "5m"). */
  queries(range: string): { quantile: (q: number) => string; throughput: string; lastThroughput: string; errorRate: string; scale: number } {
    const metric = this.latencyMetric();
    const sel = this.config.metrics?.selector;
    return {
      quantile: (q) => `histogram_quantile(${q}, sum by (le) (rate(${withSelector(`${metric}_bucket`, sel)}[${range}])))`,
      throughput: `sum(rate(${withSelector(`${metric}_count`, sel)}[${range}]))`,
      // The rate between the last two samples in the range.
      lastThroughput: `sum(irate(${withSelector(`${metric}_count`, sel)}[${range}]))`,
      // No error series at all means no errors: `or vector(0)` keeps the ratio defined.
      errorRate: `(sum(rate(${withSelector(METRIC.requests, sel, 'code=~"[45].."')}[${range}])) or vector(0)) / sum(rate(${withSelector(METRIC.requests, sel)}[${range}]))`,
      scale: unitToMs(metric),
    };
  }

  /** How far back the current throughput looks, ms: a minute, or the status window when that is shorter. */
  private throughputWindow(): number {
    return Math.min(this.options.throughputWindowMs ?? THROUGHPUT_WINDOW_MS, this.options.statusWindowMs ?? DEFAULT_STATUS_WINDOW);
  }

  private async prometheusNow(http: HttpOptions): Promise<{ p95: number | null; errorRate: number | null; throughput: number | null }> {
    const client = this.prometheusClient(http) as PrometheusApiClient;
    const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;
    const range = seconds(this.options.statusWindowMs ?? DEFAULT_STATUS_WINDOW);
    const q = this.queries(range);
    const first = async (query: string): Promise<number | null> => {
      const r = await client.query(query);
      const v = r[0]?.value;
      return v !== undefined && Number.isFinite(v) ? v : null;
    };
    const p95 = await first(q.quantile(0.95));
    // The rate over the last minute; when Prometheus scrapes less often than that (no two samples in it), the rate
    // between the last two samples of the status window: the latest complete interval.
    const throughput = (await first(this.queries(seconds(this.throughputWindow())).throughput)) ?? (await first(q.lastThroughput));
    const errorRate = await first(q.errorRate).catch(() => null);
    return { p95: p95 === null ? null : p95 * q.scale, errorRate, throughput };
  }

  /** Latency and traffic over a window from Prometheus's query_range, for the dashboard. */
  async prometheusRange(start: number, end: number, stepMs: number, http: HttpOptions): Promise<MetricsSeries> {
    const client = this.prometheusClient(http);
    if (!client) throw new Error(`${this.config.name} has no metrics.prometheus URL.`);
    const step = Math.max(1, Math.round(stepMs / 1000));
    const q = this.queries(`${Math.max(2 * step, 30)}s`);
    // Evaluated at whole multiples of the step, as the dashboard's buckets are: the same instants at every rebuild.
    const range = { start: Math.floor(start / 1000 / step) * step, end: Math.ceil(end / 1000), step };
    const timestamps: number[] = [];
    for (let t = range.start; t <= range.end; t += step) timestamps.push(t * 1000);
    const fetchSeries = async (query: string, scale = 1): Promise<(number | null)[]> => {
      const result = await client.queryRange({ query, ...range });
      const byT = new Map((result[0]?.points ?? []).map(([t, v]) => [Math.round(t * 1000), v]));
      return timestamps.map((t) => {
        const v = byT.get(t);
        return v !== undefined && Number.isFinite(v) ? v * scale : null;
      });
    };
    return {
      timestamps,
      p50: await fetchSeries(q.quantile(0.5), q.scale),
      p95: await fetchSeries(q.quantile(0.95), q.scale),
      p99: await fetchSeries(q.quantile(0.99), q.scale),
      throughput: await fetchSeries(q.throughput),
      errorRate: await fetchSeries(q.errorRate).catch(() => timestamps.map(() => null)),
    };
  }

  /** The dashboard's series over a window, from what this monitor has collected (and Prometheus, when configured). */
  async dashboard(window: { start: number; end: number; stepMs?: number; maxPoints?: number }): Promise<DashboardData> {
    let prometheus: MetricsSeries | undefined;
    if (this.config.metrics?.prometheus) {
      const span = window.end - window.start;
      prometheus = await this.prometheusRange(window.start, window.end, window.stepMs ?? Math.max(1000, span / 120), await this.http());
    }
    const drift = await this.driftOverTime(window);
    return buildDashboard({
      deployment: this.config.name,
      ...window,
      scrapes: this.scrapes,
      ...(prometheus ? { prometheus } : {}),
      predictions: this.records,
      feedback: this.latestFeedback,
      budgets: this.budgets,
      ...(drift.drift ? { drift: drift.drift } : {}),
      ...(drift.note ? { driftNote: drift.note } : {}),
    });
  }

  /** Probe Now: sends `rows` rows of the baseline snapshot (`probeSnapshot`, else `baseline:`) to the model and times the answer. */
  async probe(rows = 8): Promise<ProbeResult> {
    const http = await this.http();
    const client = this.client(http);
    if (!client) return { ok: false, latencyMs: 0, rows: 0, error: `${this.config.name} has no inference URL to probe.` };
    const path = this.options.probeSnapshot ?? (this.config.baseline ? this.resolve(this.config.baseline) : undefined);
    if (!path) return { ok: false, latencyMs: 0, rows: 0, error: `${this.config.name} has no baseline snapshot to take probe rows from.` };
    const format = dataFormatOf(path);
    if (!format) return { ok: false, latencyMs: 0, rows: 0, error: `${this.options.probeSnapshot ?? this.config.baseline} is not a CSV, TSV, JSONL or Parquet snapshot.` };
    try {
      const metadata = this.metadata ?? (await client.modelMetadata());
      this.metadata = metadata;
      const data = await readSnapshotRows(path, format, rows);
      return await probe(client, metadata, data, { ...(this.options.featureNames ? { featureNames: this.options.featureNames } : {}) });
    } catch (err) {
      return { ok: false, latencyMs: 0, rows: 0, error: reasonOf(err) };
    }
  }

  /** What the monitor holds, for the text summary and tests. */
  get collected(): { scrapes: number; predictions: number; feedback: number; scoredRequests: number } {
    return { scrapes: this.scrapes.length, predictions: this.records.length, feedback: this.feedback.length, scoredRequests: this.quality.scored.size };
  }

  async close(): Promise<void> {
    await Promise.all([this.predictions?.close(), this.feedbackSource?.close()]);
  }
}
