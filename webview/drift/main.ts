// Browser code of the drift report panel (and of a snapshot's profile): summary, a filterable table of columns sorted
// by drift, and per column the overlaid baseline/current chart with its data table. Everything shown was formatted by
// the host; this page renders with textContent only.
import { isDriftPanelState, isHostToDriftWebview, type ChartView, type ColumnView, type DriftPanelState, type DriftWebviewToHost, type HostToDriftWebview, type ProfileView, type ReportView } from '../../src/shared/driftMessages';
import { destroyCharts, shareChart } from '../common/chart';
import { button, el, facts, table } from '../common/dom';
import { connectHost } from '../common/host';

const root = document.getElementById('root') as HTMLElement;
let state: DriftPanelState | undefined;
let filter = { text: '', status: 'all' };

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)} %`;
}

function chartBlock(chart: ChartView, column: string, single: boolean): HTMLElement {
  const canvasBox = el('div', { className: 'chart' });
  const canvas = el('canvas');
  canvasBox.append(canvas);
  const rows = chart.labels.map((label, i) => (single ? [label, pct(chart.baseline[i] ?? 0)] : [label, pct(chart.baseline[i] ?? 0), pct(chart.current?.[i] ?? 0)]));
  const data = table({
    caption: `${column}: share of values per ${chart.kind === 'histogram' ? 'bin' : 'category'}`,
    columns: single ? [chart.kind === 'histogram' ? 'Range' : 'Category', 'Share'] : [chart.kind === 'histogram' ? 'Range' : 'Category', 'Baseline', 'Current'],
    rows,
    numeric: single ? [1] : [1, 2],
    rowHeaders: true,
    className: 'data',
  });
  const box = el('div', { className: 'chart-row' }, canvasBox, el('div', { className: 'data-box' }, data));
  requestAnimationFrame(() => {
    const series = single ? [{ label: 'share', data: chart.baseline }] : [{ label: 'baseline', data: chart.baseline }, { label: 'current', data: chart.current ?? [] }];
    shareChart(canvas, chart.labels, series, `${column}: ${single ? 'distribution' : 'baseline and current distributions'}`);
  });
  return box;
}

function matches(c: ColumnView): boolean {
  const t = filter.text.trim().toLowerCase();
  if (filter.status !== 'all' && c.status !== filter.status) return false;
  return !t || c.column.toLowerCase().includes(t) || c.explanation.toLowerCase().includes(t);
}

function statusText(c: ColumnView): string {
  return c.status === 'drift' ? 'drift' : c.status;
}

function renderReport(view: ReportView): void {
  destroyCharts();
  const header = el('header', {}, el('h1', { text: view.title }), el('p', { className: 'muted', text: view.subtitle }));
  const someDrift = view.columns.some((c) => c.status === 'drift');
  const verdict = el('p', { className: `verdict ${view.datasetDrift ? 'tone-error' : view.cannotJudge ? 'tone-warning' : someDrift ? 'tone-drifted' : 'tone-ok'}`, text: view.verdict });
  verdict.id = 'verdict';
  const cards = el('div', { className: 'cards' }, ...view.cards.map(([k, v]) => el('div', { className: 'card' }, el('div', { className: 'muted', text: k }), el('div', { className: 'card-value', text: v }))));
  const status = el('p', { className: 'status muted' });
  status.id = 'status';

  const search = el('input');
  search.type = 'search';
  search.placeholder = 'Filter columns';
  search.setAttribute('aria-label', 'Filter columns by name or explanation');
  search.value = filter.text;
  const select = el('select');
  select.setAttribute('aria-label', 'Show columns with this status');
  for (const [value, label] of [['all', 'All columns'], ['drift', 'Drifted'], ['stable', 'Stable'], ['skipped', 'Skipped']]) {
    const o = el('option', { text: label });
    o.value = value as string;
    select.append(o);
  }
  select.value = filter.status;
  const exportHtml = button('Export HTML', () => host.post({ type: 'export', format: 'html' }), 'Save the report as one self-contained HTML file');
  const exportJson = button('Export JSON', () => host.post({ type: 'export', format: 'json' }), 'Save the report as JSON');
  const toolbar = el('div', { className: 'toolbar' }, search, select, el('span', { className: 'spacer' }), exportHtml, exportJson);

  const tableEl = table({
    caption: 'Columns, most drifted first',
    columns: ['Status', 'Column', 'Type', 'Method', 'Score', 'Threshold', 'Explanation'],
    rows: view.columns.map((c) => [statusText(c), c.column + (c.prediction ? ' (prediction)' : ''), c.type, c.method, c.score, c.threshold, c.explanation]),
    numeric: [4],
    className: 'columns',
  });
  const bodyRows = Array.from(tableEl.tBodies[0]?.rows ?? []);
  bodyRows.forEach((tr, i) => {
    const c = view.columns[i] as ColumnView;
    tr.className = `row-${c.status}`;
    tr.dataset['column'] = c.column;
    const link = tr.cells[1];
    if (link) {
      link.tabIndex = 0;
      link.classList.add('link');
      const go = () => document.getElementById(`col-${c.column}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      link.addEventListener('click', go);
      link.addEventListener('keydown', (e) => e.key === 'Enter' && go());
    }
  });

  const sections = view.columns.map((c) => {
    const s = el('section', { className: `column status-${c.status}` },
      el('h2', {}, c.column + (c.prediction ? ' (prediction)' : ''), el('span', { className: `badge status-${c.status}`, text: statusText(c) })),
      el('p', { text: c.explanation }),
      el('p', { className: 'muted', text: `${c.type} · ${c.method} ${c.score} (threshold ${c.threshold})` }),
      facts(c.facts));
    s.id = `col-${c.column}`;
    if (c.chart) s.append(chartBlock(c.chart, c.column, false));
    return s;
  });

  const extra: HTMLElement[] = [];
  if (view.note) extra.push(el('p', { className: 'muted', text: view.note }));
  if (view.schemaChanges.length) extra.push(el('h2', { text: 'Schema changes' }), el('ul', {}, ...view.schemaChanges.map((s) => el('li', { text: s }))));
  if (view.problems.length) extra.push(el('h2', { text: 'Problems' }), el('ul', { className: 'problems' }, ...view.problems.map((p) => el('li', { className: 'tone-warning', text: p }))));

  const apply = () => {
    view.columns.forEach((c, i) => {
      const show = matches(c);
      const tr = bodyRows[i];
      if (tr) tr.hidden = !show;
      const sec = sections[i];
      if (sec) sec.hidden = !show;
    });
    const shown = view.columns.filter(matches).length;
    status.textContent = shown === view.columns.length ? '' : `${shown} of ${view.columns.length} columns shown`;
  };
  search.addEventListener('input', () => {
    filter = { ...filter, text: search.value };
    apply();
  });
  select.addEventListener('change', () => {
    filter = { ...filter, status: select.value };
    apply();
  });
  root.replaceChildren(header, verdict, cards, toolbar, status, tableEl, ...extra, el('h2', { text: 'Columns' }), ...sections);
  apply();
}

function renderProfile(view: ProfileView): void {
  destroyCharts();
  const header = el('header', {}, el('h1', { text: view.title }), el('p', { className: 'muted', text: view.subtitle }));
  const cards = el('div', { className: 'cards' }, ...view.cards.map(([k, v]) => el('div', { className: 'card' }, el('div', { className: 'muted', text: k }), el('div', { className: 'card-value', text: v }))));
  const summary = table({
    caption: 'Columns',
    columns: ['Column', 'Type', ...((view.columns[0]?.facts ?? []).slice(0, 3).map(([k]) => k)), 'Summary'],
    rows: view.columns.map((c) => [c.column, c.type, ...c.facts.slice(0, 3).map(([, v]) => v), c.summary]),
    rowHeaders: true,
  });
  const sections = view.columns.map((c) => {
    const s = el('section', { className: 'column' }, el('h2', {}, c.column, el('span', { className: 'badge', text: c.type })), facts(c.facts));
    if (c.chart) s.append(chartBlock(c.chart, c.column, true));
    return s;
  });
  const problems = view.problems.length ? [el('h2', { text: 'Problems' }), el('ul', { className: 'problems' }, ...view.problems.map((p) => el('li', { className: 'tone-warning', text: p })))] : [];
  root.replaceChildren(header, cards, summary, ...problems, el('h2', { text: 'Columns' }), ...sections);
}

function render(next: DriftPanelState): void {
  state = next;
  host.saveState(next);
  if (next.view.kind === 'report') renderReport(next.view);
  else renderProfile(next.view);
}

function onMessage(msg: HostToDriftWebview): void {
  if (msg.type === 'show') render({ view: msg.view, ...(msg.report ? { report: msg.report } : {}) });
  else {
    const status = document.getElementById('status');
    if (status) status.textContent = msg.message ?? '';
    for (const b of Array.from(document.querySelectorAll('button'))) b.disabled = msg.message !== null;
  }
}

const host = connectHost<HostToDriftWebview, DriftWebviewToHost>('drift report', isHostToDriftWebview, onMessage);
// After a reload the page draws what it showed before, until the host sends it again.
const saved = host.savedState();
if (!state && isDriftPanelState(saved)) render(saved);
