// The drift report panel's content, built from a DriftReport (or a Profile) and formatted here, so the webview only
// renders it and the formatting is unit-tested.
import type { CannotCompare, ColumnDrift, ColumnProfile, DriftChart, DriftReport, Profile } from '../../shared/drift';
import type { ChartView, ColumnView, ProfileView, ReportView } from '../../shared/driftMessages';
import { formatScore, formatThreshold, methodLabel, missingText } from '../drift/report';
import { describeNumber, percent } from '../drift/text';
import { groupDigits } from '../formats/randomAccess';

function pValueText(p: number): string {
  return p === 0 ? '< 1e-300' : p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}

export function chartView(chart: DriftChart | undefined): ChartView | undefined {
  if (!chart) return undefined;
  if (chart.kind === 'categories') return { kind: 'categories', labels: [...chart.labels], baseline: chart.baseline, current: chart.current };
  const labels: string[] = [];
  for (let i = 0; i + 1 < chart.edges.length; i++) labels.push(`${describeNumber(chart.edges[i] as number)} – ${describeNumber(chart.edges[i + 1] as number)}`);
  return { kind: 'histogram', labels, baseline: chart.baseline, current: chart.current };
}

function columnFacts(c: ColumnDrift, r: DriftReport): [string, string][] {
  const m = c.metrics;
  const facts: [string, string][] = [];
  if (m.ksStatistic !== undefined) facts.push(['KS statistic', describeNumber(m.ksStatistic)]);
  if (m.ksPValue !== undefined) facts.push(['KS p-value', pValueText(m.ksPValue)]);
  if (m.wassersteinNormalized !== undefined) facts.push(['Wasserstein / std', describeNumber(m.wassersteinNormalized)]);
  if (m.jensenShannon !== undefined) facts.push(['Jensen–Shannon', describeNumber(m.jensenShannon)]);
  if (m.psi !== undefined) facts.push(['PSI', describeNumber(m.psi)]);
  if (m.chiSquarePValue !== undefined) facts.push(['chi-square p-value', pValueText(m.chiSquarePValue)]);
  if (m.unseenShare !== undefined) facts.push(['new categories', `${m.newCategories ?? 0} (${percent(m.unseenShare)} of values)`]);
  const missing = missingText(c, r);
  if (missing) facts.push(['missing', missing]);
  if (c.estimate) facts.push(['exactness', c.bound !== undefined ? `estimate from sketches, ±${describeNumber(c.bound)}` : 'estimate from sketches']);
  if (c.note) facts.push(['note', c.note]);
  return facts;
}

function columnView(c: ColumnDrift, r: DriftReport, prediction: boolean): ColumnView {
  const v: ColumnView = {
    column: c.column, type: c.type, status: c.status, method: methodLabel(c), score: formatScore(c), threshold: formatThreshold(c),
    explanation: c.explanation, severity: c.severity, facts: columnFacts(c, r),
  };
  const chart = chartView(c.chart);
  if (chart) v.chart = chart;
  if (prediction) v.prediction = true;
  return v;
}

const CANNOT_COMPARE_LABELS: Readonly<Record<CannotCompare['reason'], string>> = {
  'unreadable': 'cannot compare: a file cannot be read',
  'no-rows': 'cannot compare: no rows',
  'no-common-column': 'cannot compare: no column in common',
  'no-comparable-column': 'cannot compare: no comparable column',
};

/**
 * The verdict in a few words (the report panel's Verdict card): "cannot compare" and why, "too few rows", or whether
 * the dataset drifted. Reports saved before `cannotCompare` existed say "cannot compare" from `unreadable`.
 */
export function verdictLabel(r: DriftReport): string {
  const cannot = r.summary.cannotCompare;
  if (cannot) return CANNOT_COMPARE_LABELS[cannot.reason];
  if (r.unreadable?.length) return CANNOT_COMPARE_LABELS.unreadable;
  if (r.summary.tooFewRows) return `too few rows to judge (${r.summary.datasetDrift ? 'drift' : 'no drift'} on these)`;
  return r.summary.datasetDrift ? 'dataset drift' : 'no dataset drift';
}

function sideText(s: DriftReport['baseline']): string {
  return `${s.name} (${groupDigits(s.rows)} rows${s.fromProfile ? ', saved profile' : ''})`;
}

export function driftReportView(r: DriftReport, baselineReason?: string): ReportView {
  const columns = [...r.columns.map((c) => columnView(c, r, false)), ...(r.prediction ? [columnView(r.prediction, r, true)] : [])];
  const estimates = r.columns.filter((c) => c.estimate).length;
  const view: ReportView = {
    kind: 'report',
    title: `Drift: ${r.current.name} vs ${r.baseline.name}`,
    subtitle: `Baseline ${sideText(r.baseline)}${baselineReason ? ` — ${baselineReason}` : ''} · current ${sideText(r.current)} · ${r.mode === 'effect-size' ? 'effect-size' : 'Evidently'} methods`,
    verdict: r.summary.verdict,
    datasetDrift: r.summary.datasetDrift,
    cards: [
      ['Rows', `${groupDigits(r.baseline.rows)} → ${groupDigits(r.current.rows)}`],
      ['Columns', `${r.summary.compared} compared of ${r.current.columns}`],
      ['Drifted', `${r.summary.drifted} (${percent(r.summary.share)})`],
      ['Verdict', verdictLabel(r)],
    ],
    columns,
    schemaChanges: r.schemaChanges.map((s) => `${s.change}: ${s.column}${s.change === 'retyped' ? ` (${s.from} → ${s.to})` : s.change === 'added' ? ` (${s.to})` : ` (${s.from})`}`),
    problems: r.problems.map((p) => `${p.side}: ${p.file ? `${p.file.split(/[\\/]/).pop()}${p.line !== undefined ? `:${p.line}` : ''}: ` : p.line !== undefined ? `line ${p.line}: ` : ''}${p.message}`),
  };
  if (r.summary.cannotCompare || r.unreadable?.length || r.summary.tooFewRows) view.cannotJudge = true;
  if (estimates) view.note = `${estimates} score${estimates === 1 ? ' is an estimate' : 's are estimates'} from sketches (more than ${groupDigits(r.rowLimit)} rows); ± is the largest error the sketch allows.`;
  return view;
}

function profileFacts(c: ColumnProfile): [string, string][] {
  const facts: [string, string][] = [
    ['count', groupDigits(c.count)],
    ['missing', `${groupDigits(c.missing)} (${percent(c.count ? c.missing / c.count : 0)})`],
    ['distinct', `${c.distinct.exact ? '' : '≈'}${groupDigits(c.distinct.estimate)}`],
  ];
  if (c.invalid) facts.push(['invalid', groupDigits(c.invalid)]);
  const n = c.numeric;
  if (n && c.type === 'datetime') facts.push(['range', `${new Date(n.min).toISOString().slice(0, 10)} … ${new Date(n.max).toISOString().slice(0, 10)}`]);
  else if (n) {
    const count = n.kll.n;
    facts.push(['min', describeNumber(n.min)], ['mean', describeNumber(n.mean)], ['std', describeNumber(count > 1 ? Math.sqrt(n.m2 / (count - 1)) : 0)], ['max', describeNumber(n.max)]);
  }
  if (c.lengths && c.type !== 'categorical') facts.push(['length', `${describeNumber(c.lengths.min)} – ${describeNumber(c.lengths.max)} (mean ${describeNumber(c.lengths.mean)})`]);
  if (c.frequent && c.frequent.items.length) {
    const total = c.frequent.total || 1;
    facts.push(['most frequent', c.frequent.items.slice(0, 3).map(([v, k]) => `${v.length > 24 ? `${v.slice(0, 23)}…` : v} (${percent(k / total)})`).join(', ')]);
  }
  return facts;
}

function profileSummary(c: ColumnProfile): string {
  const n = c.numeric;
  if (n && c.type === 'datetime') return `${new Date(n.min).toISOString().slice(0, 10)} … ${new Date(n.max).toISOString().slice(0, 10)}`;
  if (n) return `${describeNumber(n.min)} … ${describeNumber(n.max)}, mean ${describeNumber(n.mean)}`;
  if (c.type === 'id' || c.type === 'text') return c.lengths ? `length ${describeNumber(c.lengths.min)} … ${describeNumber(c.lengths.max)}` : '';
  if (c.frequent?.items.length) {
    const total = c.frequent.total || 1;
    return c.frequent.items.slice(0, 3).map(([v, k]) => `${v.length > 16 ? `${v.slice(0, 15)}…` : v} ${percent(k / total)}`).join(', ');
  }
  return c.type === 'empty' ? 'every value missing' : '';
}

function profileChart(c: ColumnProfile): ChartView | undefined {
  const n = c.numeric ?? (c.type === 'text' ? c.lengths : undefined);
  if (n && c.type !== 'id') {
    const total = n.histogram.counts.reduce((a, b) => a + b, 0) || 1;
    const hours = c.type === 'datetime' && n.max - n.min < 60 * 86_400_000;
    const when = (ms: number) => (hours ? `${new Date(ms).toISOString().slice(0, 13).replace('T', ' ')}h` : new Date(ms).toISOString().slice(0, 10));
    const labels = n.histogram.edges.slice(0, -1).map((e, i) => (c.type === 'datetime' ? when(e) : `${describeNumber(e)} – ${describeNumber(n.histogram.edges[i + 1] as number)}`));
    return { kind: 'histogram', labels, baseline: n.histogram.counts.map((x) => x / total) };
  }
  if (c.frequent && (c.type === 'categorical' || c.type === 'boolean')) {
    const total = c.frequent.total || 1;
    const items = c.frequent.items.slice(0, 12);
    return { kind: 'categories', labels: items.map(([v]) => v), baseline: items.map(([, k]) => k / total) };
  }
  return undefined;
}

export function profileView(p: Profile): ProfileView {
  return {
    kind: 'profile',
    title: `Profile: ${p.source.name}`,
    subtitle: `${p.source.format.toUpperCase()}${p.source.bytes !== undefined ? ` · ${groupDigits(p.source.bytes)} bytes` : ''} · ${p.createdBy}`,
    cards: [
      ['Rows', groupDigits(p.rows)],
      ['Columns', String(p.columns.length)],
      ['Malformed rows', groupDigits(p.malformedRows)],
      ['Exact up to', `${groupDigits(p.options.rowLimit)} rows`],
    ],
    columns: p.columns.map((c) => {
      const v: ProfileView['columns'][number] = { column: c.name, type: c.type, summary: profileSummary(c), facts: profileFacts(c) };
      const chart = profileChart(c);
      if (chart) v.chart = chart;
      return v;
    }),
    problems: p.problems.map((x) => `${x.line !== undefined ? `line ${x.line}: ` : ''}${x.message}`),
  };
}
