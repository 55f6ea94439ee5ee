// What the deployment dashboard draws, as plain data: one spec per chart (series aligned with their timestamps, gaps
// as null, budget and threshold lines), the header cards, min/max decimation for long series, data-table rows and
// CSV. No DOM here, so it is unit-tested under node (test/unit/webview/dashboardShape.test.ts).
import type { DashboardView } from '../../src/shared/dashboardMessages';
import { qualityByPath, type BudgetCheck, type DashboardData, type FeatureDriftSeries, type Series } from '../../src/shared/deployments';
import { namedVersion } from '../../src/shared/versionNames';

export type Unit = 'ms' | 'rps' | 'share' | 'p-value' | 'distance' | 'value';
export type Tone = 'ok' | 'warning' | 'error' | 'muted';

export interface TimeChartSpec {
  id: string;
  title: string;
  /** One line under the title: the latest value against its budget, a coverage, a method. */
  subtitle: string;
  unit: Unit;
  xs: number[];
  /** The window drawn (ms since the epoch), the same for every chart so they line up. */
  start: number;
  end: number;
  series: { label: string; values: Series }[];
  /** Horizontal budget or threshold lines. */
  limits: { label: string; value: number }[];
  /** Shown instead of the chart when there is nothing to draw: what to do about it. */
  empty?: string;
  /** A drifted feature (drift cards). */
  flagged?: boolean;
  yMin?: number;
  yMax?: number;
  /** The y axis reaches at least this far (so a flat zero reads as zero on a meaningful scale). */
  ySuggestedMax?: number;
}

export interface Card {
  label: string;
  value: string;
  tone: Tone;
  title?: string;
}

export interface Point {
  x: number;
  y: number | null;
}

const MINUTE = 60_000;

/** The theme's chart colours a chart's series take in turn (timeChart.ts's palette: blue, orange, green, purple, foreground). */
export const SERIES_COLOURS = 5;

/**
 * How series `i` of a chart is drawn: the palette colour `slot`, and dotted once every colour is taken, so that the
 * 6th to 8th features of the PSI chart do not read as the 1st to 3rd.
 */
export function seriesStyle(i: number): { slot: number; dotted: boolean } {
  return { slot: i % SERIES_COLOURS, dotted: i >= SERIES_COLOURS };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

export function formatValue(unit: Unit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'ms':
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ms`;
    case 'rps':
      return `${v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} req/s`;
    case 'share':
      return `${(v * 100).toFixed(v !== 0 && Math.abs(v) < 0.1 ? 1 : 0)} %`;
    case 'p-value':
      return v < 0.001 ? v.toExponential(1) : v.toFixed(3);
    case 'distance':
      return v.toFixed(3);
    default:
      return Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3);
  }
}

/**
 * Notes as sentences, one after the other: each starts with a capital and ends with exactly one full stop (one already
 * there is kept, not doubled; a note ending in ? or ! keeps that).
 */
export function sentences(...notes: string[]): string {
  return notes
    .map((n) => n.trim())
    .filter((n) => n.length > 0)
    .map((n) => {
      const s = `${n[0]?.toUpperCase() ?? ''}${n.slice(1)}`.replace(/\.+$/, '');
      return /[?!…]$/.test(s) ? s : `${s}.`;
    })
    .join(' ');
}

const two = (n: number): string => String(n).padStart(2, '0');

const TICK_STEPS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200].map((s) => s * 1000);

/** A round time step for the x axis: at most `maxTicks` ticks over the span (2 min for 15 min, 10 min for 1 h, 3 h for 24 h). */
export function tickStep(spanMs: number, maxTicks = 8): number {
  return TICK_STEPS.find((s) => spanMs / s <= maxTicks) ?? 86_400_000;
}

/** Tick positions at whole multiples of `stepMs` in local time, inside [start, end]. */
export function roundTicks(start: number, end: number, stepMs: number): number[] {
  const offset = new Date(start).getTimezoneOffset() * 60_000;
  const first = Math.ceil((start - offset) / stepMs) * stepMs + offset;
  const ticks: number[] = [];
  for (let t = first; t <= end && ticks.length < 100; t += stepMs) ticks.push(t);
  return ticks;
}

/** An axis tick: seconds only when the step is under a minute. */
export function formatTick(t: number, stepMs: number): string {
  return formatTime(t, stepMs < 60_000 ? 0 : 2 * 60 * MINUTE);
}

/** Point radii for drawn points: a value with gaps on both sides gets a dot, since a line needs two points. */
export function isolatedRadii(points: readonly Point[], radius = 2.5): number[] {
  return points.map((p, i) => (p.y !== null && (points[i - 1]?.y ?? null) === null && (points[i + 1]?.y ?? null) === null ? radius : 0));
}

/** Axis and table time: HH:MM, with seconds for windows under an hour; the date too beyond a day. */
export function formatTime(t: number, spanMs: number): string {
  const d = new Date(t);
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (spanMs <= 60 * MINUTE) return `${hm}:${two(d.getSeconds())}`;
  if (spanMs > 24 * 60 * MINUTE) return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${hm}`;
  return hm;
}

function toneOf(check: BudgetCheck | undefined): Tone {
  if (!check) return 'muted';
  return check.status === 'breach' ? 'error' : check.status === 'near' ? 'warning' : check.status === 'ok' ? 'ok' : 'muted';
}

// ---------------------------------------------------------------------------------------------------------------
// Series

export function isEmpty(values: Series): boolean {
  for (const v of values) if (v !== null) return false;
  return true;
}

/** The last non-null value of a series. */
export function latest(values: Series): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * Min/max decimation: at most `maxPoints` points. Each group of consecutive buckets keeps its lowest and highest value,
 * in time order, so spikes survive; a group with no value becomes one null point, so a gap stays a gap.
 */
export function decimate(xs: readonly number[], ys: Series, maxPoints: number): Point[] {
  const n = Math.min(xs.length, ys.length);
  if (n <= maxPoints || maxPoints < 4) {
    const out = new Array<Point>(n);
    for (let i = 0; i < n; i++) out[i] = { x: xs[i] as number, y: ys[i] ?? null };
    return out;
  }
  const groups = Math.floor(maxPoints / 2);
  const size = n / groups;
  const out: Point[] = [];
  for (let g = 0; g < groups; g++) {
    const from = Math.floor(g * size);
    const to = Math.min(n, Math.floor((g + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = ys[i];
      if (v === null || v === undefined) continue;
      if (lo < 0 || v < (ys[lo] as number)) lo = i;
      if (hi < 0 || v > (ys[hi] as number)) hi = i;
    }
    if (lo < 0) {
      out.push({ x: xs[from] as number, y: null });
    } else if (lo === hi) {
      out.push({ x: xs[lo] as number, y: ys[lo] as number });
    } else {
      const [a, b] = lo < hi ? [lo, hi] : [hi, lo];
      out.push({ x: xs[a] as number, y: ys[a] as number }, { x: xs[b] as number, y: ys[b] as number });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Charts

function windowOf(data: DashboardData): { start: number; end: number } {
  const start = data.timestamps[0] ?? Date.now();
  const last = data.timestamps[data.timestamps.length - 1] ?? start;
  return { start, end: last + data.stepMs };
}

/**
 * What an empty traffic chart says: replay needs an endpoint that answers; without one, predictions arrive only as the
 * feature logs them.
 */
const noTrafficText = (view: DashboardView): string =>
  view.status.state === 'unreachable'
    ? sentences(`No requests in this window: ${view.name} is unreachable (${view.status.reason})`, 'Traffic shows once it answers again; check that it is up and its URL in mlship.yaml')
    : view.sources.inference
      ? 'No requests in this window yet. Send traffic (Replay Snapshot Traffic on the deployment) or pick a longer window.'
      : 'No predictions logged in this window yet. They appear as the feature writes its prediction log; or pick a longer window.';

/** The time-series charts of traffic and quality, in the order the page shows them. */
export function mainCharts(view: DashboardView, data: DashboardData): TimeChartSpec[] {
  const { start, end } = windowOf(data);
  const xs = data.timestamps;
  const base = { xs, start, end };
  const s = view.sources;
  const noSource = !s.metrics && !s.predictions && !s.inference;
  const noTraffic = noTrafficText(view);
  const charts: TimeChartSpec[] = [];

  const budgetMs = data.latency.budgetMs ?? data.budgets.latency_p95_ms;
  const lat: TimeChartSpec = {
    ...base,
    id: 'latency',
    title: 'Latency',
    subtitle: `last p95 ${formatValue('ms', latest(data.latency.p95))}${budgetMs !== undefined ? ` · budget ${formatValue('ms', budgetMs)}` : ' · no latency_p95_ms budget'}${data.latency.source !== 'none' ? ` · from ${data.latency.source === 'log' ? 'the prediction log' : data.latency.source === 'prometheus' ? 'Prometheus' : data.latency.logBuckets ? '/metrics (before its first scrapes: the prediction log)' : '/metrics'}` : ''}`,
    unit: 'ms',
    series: [
      { label: 'p50', values: data.latency.p50 },
      { label: 'p95', values: data.latency.p95 },
      { label: 'p99', values: data.latency.p99 },
    ],
    limits: budgetMs !== undefined ? [{ label: 'p95 budget', value: budgetMs }] : [],
    yMin: 0,
  };
  if (noSource) lat.empty = 'No latency source: give the deployment metrics: { scrape: …/metrics } or a prediction log with latency_ms (predictions: { jsonl: … }) in mlship.yaml.';
  else if (isEmpty(data.latency.p95) && isEmpty(data.latency.p50)) lat.empty = noTraffic;
  charts.push(lat);

  const thr: TimeChartSpec = { ...base, id: 'throughput', title: 'Throughput', subtitle: `${formatValue('rps', latest(data.throughput))} now`, unit: 'rps', series: [{ label: 'requests/s', values: data.throughput }], limits: [], yMin: 0 };
  if (isEmpty(data.throughput)) thr.empty = noSource ? lat.empty ?? noTraffic : noTraffic;
  charts.push(thr);

  const err: TimeChartSpec = { ...base, id: 'errors', title: 'Error rate', subtitle: `${formatValue('share', latest(data.errorRate))} of requests failed in the last bucket`, unit: 'share', series: [{ label: 'errors', values: data.errorRate }], limits: [], yMin: 0, ySuggestedMax: 0.1 };
  if (isEmpty(data.errorRate)) err.empty = noSource ? lat.empty ?? noTraffic : noTraffic;
  charts.push(err);

  const fbBudget = data.budgets.fallback_rate;
  const fb: TimeChartSpec = {
    ...base,
    id: 'fallback',
    title: 'Fallback and low confidence',
    // Over the whole window, as the quality chart's figures: the latest bucket may have just begun.
    subtitle: `fallback ${formatValue('share', data.windowSummary.fallbackRate)}${fbBudget !== undefined ? ` (budget ${formatValue('share', fbBudget)})` : ''} · low confidence ${formatValue('share', data.windowSummary.lowConfidenceShare)} in this window`,
    unit: 'share',
    series: [
      { label: 'fallback rate', values: data.fallbackRate },
      { label: 'low-confidence share', values: data.lowConfidenceShare },
    ],
    limits: fbBudget !== undefined ? [{ label: 'fallback budget', value: fbBudget }] : [],
    yMin: 0,
    ySuggestedMax: Math.max(0.1, (fbBudget ?? 0) * 1.5),
  };
  if (isEmpty(data.fallbackRate) && isEmpty(data.lowConfidenceShare)) fb.empty = s.predictions ? noTraffic : 'No prediction log: fallback and confidence come from it. Add predictions: { jsonl: logs/<name>.jsonl } to the deployment in mlship.yaml.';
  charts.push(fb);

  const p = data.predictions;
  const pred: TimeChartSpec = { ...base, id: 'predictions', title: 'Predictions', subtitle: '', unit: p.kind === 'values' ? 'value' : 'share', series: [], limits: [] };
  if (p.kind === 'labels') {
    pred.series = p.labels.map((l) => ({ label: l, values: p.shares[l] ?? [] }));
    pred.subtitle = 'share of each predicted label';
    pred.yMin = 0;
  } else if (p.kind === 'values') {
    pred.series = [
      { label: 'p10', values: p.p10 },
      { label: 'p50', values: p.p50 },
      { label: 'p90', values: p.p90 },
    ];
    pred.subtitle = 'p10 / p50 / p90 of predicted values';
  }
  if (pred.series.every((x) => isEmpty(x.values))) pred.empty = s.predictions || s.metrics ? noTraffic : 'No prediction log or metrics: predictions come from the log (output) or /metrics (mlship_prediction_labels_total).';
  charts.push(pred);

  const q = data.quality;
  // The whole window's quality with the whole window's count (the latest bucket may hold a handful of answers).
  const w = data.windowSummary.quality;
  const metricUnit: Unit = q.metric === 'accuracy' ? 'share' : 'value';
  const quality: TimeChartSpec = {
    ...base,
    id: 'quality',
    title: q.metric === 'accuracy' ? 'Accuracy from feedback' : 'MAE from feedback',
    subtitle: `${q.metric === 'accuracy' ? 'accuracy' : 'MAE'} ${formatValue(metricUnit, w.value)}${q.model && q.fallback ? ` (model ${formatValue(metricUnit, w.model)}, fallback ${formatValue(metricUnit, w.fallback)})` : ''} over ${w.withFeedback.toLocaleString('en-US')} predictions with feedback in this window${w.coverage !== null ? ` (${formatValue('share', w.coverage)} of predictions)` : ''}`,
    unit: metricUnit,
    series: [
      // During a rollout the model's answers and the fallback's are shown apart: that comparison is what a raise rests on.
      ...(q.model && q.fallback
        ? [
            { label: q.metric === 'accuracy' ? 'model accuracy' : 'model MAE', values: q.model },
            { label: q.metric === 'accuracy' ? 'fallback accuracy' : 'fallback MAE', values: q.fallback },
          ]
        : [{ label: q.metric === 'accuracy' ? 'accuracy' : 'MAE', values: q.values }]),
      ...(q.metric === 'accuracy' ? [{ label: 'feedback coverage', values: q.coverage }] : []),
    ],
    limits: [],
    yMin: 0,
    ...(q.metric === 'accuracy' ? { yMax: 1 } : {}),
  };
  if (isEmpty(q.values)) {
    quality.empty =
      view.status.state === 'unreachable' && s.inference
        ? noTraffic
        : s.inference
          ? 'No feedback yet. Post outcomes to POST /v2/models/<model>/feedback ({"request_id": …, "label": …}), or replay a snapshot with feedback from its label column.'
          : s.feedback
            ? 'No feedback yet. It appears as outcomes are recorded in the feedback log (the scaffolded feature\'s record_feedback / recordFeedback writes them).'
            : 'No feedback source: add feedback: { jsonl: logs/<name>-feedback.jsonl } to the deployment in mlship.yaml.';
  }
  charts.push(quality);
  return charts;
}

/** Features shown one by one: those drifted over the window first, then the most drifted stable ones. */
export function topFeatures(features: readonly FeatureDriftSeries[], n: number): FeatureDriftSeries[] {
  const drifted = features.filter((f) => f.window?.status === 'drift');
  const rest = features.filter((f) => f.window?.status !== 'drift');
  return [...drifted, ...rest].slice(0, n);
}

/** Drift over time: PSI of every feature against the drift_psi budget, then one chart per top feature with its method's threshold. */
export function driftCharts(view: DashboardView, data: DashboardData, perFeature = 4): { overview?: TimeChartSpec; features: TimeChartSpec[]; empty?: string } {
  const d = data.drift;
  if (!d) {
    const why = data.driftNote ?? view.status.driftNote;
    const what = !view.sources.baseline
      ? 'No baseline for drift: give the deployment baseline: <snapshot> in mlship.yaml, or use Set as Baseline on a data snapshot.'
      : !view.sources.predictions
        ? 'Give the deployment a prediction log (predictions: { jsonl: logs/<name>.jsonl } in mlship.yaml) to see drift.'
        : 'Drift shows once the prediction log has logged inputs (records with inputs) to compare with the baseline.';
    return { features: [], empty: why ? sentences(why, what) : what };
  }
  const { start, end } = windowOf(data);
  const base = { xs: d.timestamps, start, end };
  const psiLimit = d.psiBudget ?? data.budgets.drift_psi;
  const shown = d.features.slice(0, 8);
  const overview: TimeChartSpec = {
    ...base,
    id: 'drift-psi',
    title: 'Drift over time (PSI per feature)',
    subtitle: `${d.features.length} features against ${d.baseline.name} · ${psiLimit !== undefined ? `drift_psi budget ${psiLimit}` : 'no drift_psi budget'}${d.features.length > shown.length ? ` · the ${shown.length} most drifted shown` : ''}`,
    unit: 'distance',
    series: shown.map((f) => ({ label: f.feature, values: f.psi })),
    limits: psiLimit !== undefined ? [{ label: 'drift_psi budget', value: psiLimit }] : [],
    yMin: 0,
  };
  if (shown.every((f) => isEmpty(f.psi))) overview.empty = d.note ?? `Too few logged inputs yet: each point compares at least ${d.minRecords} records with the baseline.`;
  const features = topFeatures(d.features, perFeature).map((f): TimeChartSpec => {
    const drifted = f.window?.status === 'drift';
    const spec: TimeChartSpec = {
      ...base,
      id: `drift-${f.feature}`,
      title: f.feature,
      subtitle: `${f.method} ${f.scoreKind} ${f.window ? formatValue(f.scoreKind, f.window.score) : '–'} · drift ${f.scoreKind === 'p-value' ? 'below' : 'at or above'} ${f.threshold}${f.window?.explanation ? ` · ${f.window.explanation}` : ''}`,
      unit: f.scoreKind,
      series: [{ label: `${f.method} ${f.scoreKind}`, values: f.scores }],
      limits: [{ label: 'threshold', value: f.threshold }],
      flagged: drifted,
      yMin: 0,
      ...(f.scoreKind === 'p-value' ? { yMax: 1 } : {}),
    };
    if (isEmpty(f.scores)) spec.empty = d.note ?? 'No drift points in this window yet.';
    return spec;
  });
  return { overview, features, ...(d.note ? { empty: d.note } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Header

export function headerCards(view: DashboardView): Card[] {
  const st = view.status;
  const check = (b: BudgetCheck['budget']) => st.checks.find((c) => c.budget === b);
  const withLimit = (value: string, c: BudgetCheck | undefined, unit: Unit) => (c?.limit !== undefined ? `${value} / ${formatValue(unit, c.limit)}` : value);
  const cards: Card[] = [];
  const lat = check('latency_p95_ms');
  cards.push({ label: 'p95 latency', value: withLimit(formatValue('ms', st.p95Ms), lat, 'ms'), tone: toneOf(lat), ...(lat ? { title: lat.message } : {}) });
  cards.push({ label: 'Throughput', value: formatValue('rps', st.throughput), tone: 'muted' });
  cards.push({ label: 'Errors', value: formatValue('share', st.errorRate), tone: st.errorRate !== null && st.errorRate >= 0.05 ? 'warning' : 'muted' });
  const fb = check('fallback_rate');
  cards.push({ label: 'Fallback', value: withLimit(formatValue('share', st.fallbackRate), fb, 'share'), tone: toneOf(fb), ...(fb ? { title: fb.message } : {}) });
  cards.push({ label: 'Low confidence', value: formatValue('share', st.lowConfidenceShare), tone: 'muted' });
  const dr = check('drift_psi');
  const drifted = st.driftedFeatures ?? [];
  cards.push({
    label: 'Drift',
    value: st.drift ? `${st.drift.feature} PSI ${st.drift.score.toFixed(3)}${dr?.limit !== undefined ? ` / ${dr.limit}` : ''}` : 'not measured',
    tone: st.drift ? (drifted.length > 0 && toneOf(dr) === 'ok' ? 'warning' : toneOf(dr)) : 'muted',
    title: st.drift ? (drifted.length ? `Drifted: ${drifted.join(', ')}` : 'No feature drifted') : (st.driftNote ?? 'No drift measured'),
  });
  const q = st.quality;
  const showQuality = (v: number): string => formatValue(q?.metric === 'accuracy' ? 'share' : 'value', v);
  cards.push({
    label: q?.metric === 'mae' ? 'MAE (feedback)' : 'Accuracy (feedback)',
    value: q && q.value !== null ? (qualityByPath(q, showQuality) ?? `${showQuality(q.value)} · ${formatValue('share', q.coverage)} with feedback`) : 'no feedback yet',
    tone: 'muted',
    ...(q && q.value !== null ? { title: `${showQuality(q.value)} over all answers with feedback (${formatValue('share', q.coverage)} of predictions)` } : {}),
  });
  // As the deployment's Model row reads: `credit-risk@champion · version 2`.
  const model = st.model?.replace(/^models:\//, '');
  const modelText = [model, st.modelVersion ? namedVersion(st.modelVersion) : undefined].filter(Boolean).join(' · ');
  cards.push({ label: 'Model', value: modelText || 'unknown', tone: 'muted', ...(st.model ? { title: st.model } : {}) });
  const r = view.rollout;
  cards.push(
    r.kind === 'linked'
      ? { label: 'Rollout', value: r.killSwitch ? `${r.flagKey}: off (kill switch; ${formatPercent(r.percent)} when on)` : `${r.flagKey}: ${formatPercent(r.effectivePercent)}`, tone: r.killSwitch ? 'warning' : 'muted', title: `flagd flag "${r.flagKey}" in ${r.file}` }
      : { label: 'Rollout', value: 'no flag linked', tone: 'muted', title: r.reason },
  );
  return cards;
}

function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

/** The budgets line of the header: "budgets: p95 50 ms · drift PSI 0.2 · fallback 5 %". */
export function budgetsLine(data: DashboardData | undefined, view: DashboardView): string {
  // A stopped or removed deployment is not watched: its budgets are not checked, whatever mlship.yaml sets.
  if (view.gone) return view.deploymentId.startsWith('local:') ? 'Stopped: budgets are not checked while the local deployment is not running.' : 'Not watched: budgets are not checked.';
  const b = data?.budgets ?? Object.fromEntries(view.status.checks.filter((c) => c.limit !== undefined).map((c) => [c.budget, c.limit]));
  const parts = [
    b.latency_p95_ms !== undefined ? `p95 ${formatValue('ms', b.latency_p95_ms)}` : undefined,
    b.drift_psi !== undefined ? `drift PSI ${b.drift_psi}` : undefined,
    b.fallback_rate !== undefined ? `fallback ${formatValue('share', b.fallback_rate)}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return parts.length ? `Budgets: ${parts.join(' · ')}` : 'No budgets set: add budgets: { latency_p95_ms, drift_psi, fallback_rate } to the deployment in mlship.yaml.';
}

// ---------------------------------------------------------------------------------------------------------------
// Tables and CSV

/** Data-table rows of a chart, newest first, at most `limit` (rows with no value at all are skipped). */
export function tableOf(spec: TimeChartSpec, limit = 200): { columns: string[]; rows: string[][]; total: number } {
  const span = spec.end - spec.start;
  const rows: string[][] = [];
  let total = 0;
  for (let i = spec.xs.length - 1; i >= 0; i--) {
    if (spec.series.every((s) => s.values[i] === null || s.values[i] === undefined)) continue;
    total++;
    if (rows.length < limit) rows.push([formatTime(spec.xs[i] as number, span), ...spec.series.map((s) => formatValue(spec.unit, s.values[i]))]);
  }
  return { columns: ['Time', ...spec.series.map((s) => s.label)], rows, total };
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

/** One chart as CSV: an ISO time column and one column per series (raw values; empty where there is no data). */
export function chartCsv(spec: TimeChartSpec): string {
  const lines = [['time', ...spec.series.map((s) => s.label), ...spec.limits.map((l) => l.label)].map(csvCell).join(',')];
  for (let i = 0; i < spec.xs.length; i++) {
    lines.push([new Date(spec.xs[i] as number).toISOString(), ...spec.series.map((s) => csvNumber(s.values[i])), ...spec.limits.map((l) => csvNumber(l.value))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Every chart in one CSV, long format: chart, series, time, value (empty value: no data in that bucket). */
export function allCsv(specs: readonly TimeChartSpec[]): string {
  const lines = ['chart,series,time,value'];
  for (const spec of specs) {
    for (const s of spec.series) {
      for (let i = 0; i < spec.xs.length; i++) lines.push([csvCell(spec.title), csvCell(s.label), new Date(spec.xs[i] as number).toISOString(), csvNumber(s.values[i])].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A file name from a deployment and a chart: "credit-risk-prod-latency-15m.csv". */
export function exportName(deployment: string, what: string, window: string, ext: 'csv' | 'png'): string {
  const clean = (s: string) => s.replace(/[^\w.-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return `${clean(deployment)}-${clean(what)}-${window}.${ext}`.slice(0, 180);
}

/** What the page is made of: while it stays the same, a new view updates the page in place. */
export function layoutOf(v: DashboardView, specs: readonly TimeChartSpec[], texts: { intro?: string; verdict?: { id: string }; note?: string }): { main: string; drift: string } {
  const shape = (s: TimeChartSpec) => [s.id, s.series.map((x) => x.label), s.limits.length, !!s.empty, s.flagged !== undefined];
  const isDrift = (s: TimeChartSpec): boolean => s.id.startsWith('drift');
  return {
    // The traffic and quality charts.
    main: JSON.stringify([v.deploymentId, v.window, !!v.error, !!v.gone, !!v.data, specs.filter((s) => !isDrift(s)).map(shape)]),
    // The drift section: its charts (the most drifted features), histograms and texts.
    drift: JSON.stringify([specs.filter(isDrift).map(shape), v.data?.drift?.histograms.map((h) => h.feature), !!texts.intro, texts.verdict?.id, !!texts.note]),
  };
}
