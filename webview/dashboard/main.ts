// Browser code of the deployment dashboard: a header with health, reason, budgets and rollout; a window selector,
// pause/resume and CSV export; then one card per chart (traffic, quality, drift over time, baseline-vs-live
// histograms), each with an accessible data table (toggle), PNG and CSV export. Live updates change the charts in
// place; the page is rebuilt only when what it shows changes shape (a new series, data arriving in an empty chart).
// Render times are measured here with performance.now() and reported to the host (and kept on #root for the bench).
import { DASHBOARD_WINDOWS, isDashboardPanelState, isHostToDashboard, type DashboardPanelState, type DashboardToHost, type DashboardView, type DashboardWindow, type HostToDashboard } from '../../src/shared/dashboardMessages';
import { NOT_CHECKED, STATE_LABEL, type DashboardData, type FeatureHistogram } from '../../src/shared/deployments';
import { destroyChart, destroyCharts, shareChart } from '../common/chart';
import { button, el, table } from '../common/dom';
import { connectHost } from '../common/host';
import { allCsv, budgetsLine, chartCsv, driftCharts, exportName, headerCards, layoutOf, mainCharts, tableOf, type TimeChartSpec } from './shape';
import { createTimeChart, legendItems, readPalette, recolor, toggleDataset, updateTimeChart, type TimeChart } from './timeChart';

type BarChart = ReturnType<typeof shareChart>;

interface Mounted {
  spec: TimeChartSpec;
  chart?: TimeChart;
  tableBox: HTMLElement;
  /** On screen (IntersectionObserver): charts out of view are redrawn when they come into view. */
  visible: boolean;
  /** Its spec changed while it was out of view. */
  dirty: boolean;
}

const root = document.getElementById('root') as HTMLElement;
let state: DashboardPanelState | undefined;
let view: DashboardView | undefined;
let paused = false;
let layoutKey = { main: '', drift: '' };
const mounted = new Map<string, Mounted>();
const bars = new Map<string, { chart: BarChart; hist: FeatureHistogram; tableBox: HTMLElement }>();
const openTables = new Set<string>();
let headerBox: HTMLElement | undefined;
let statusLine: HTMLElement | undefined;
let pauseButton: HTMLButtonElement | undefined;
let windowSelect: HTMLSelectElement | undefined;
let renders = 0;

/** Points per series drawn: one min/max pair per two pixels of the chart's width (more would not show). */
function maxPoints(box: HTMLElement | undefined): number {
  const width = box?.clientWidth || window.innerWidth / 2;
  return Math.max(120, Math.min(1200, Math.round(width)));
}

function post(msg: DashboardToHost): void {
  host.post(msg);
}

function saveState(): void {
  if (state) host.saveState(state);
}

// ---------------------------------------------------------------------------------------------------------------
// Header and toolbar

const STATE_TONE: Record<string, string> = { healthy: 'tone-ok', degraded: 'tone-warning', breaching: 'tone-error', unreachable: 'tone-error', unknown: '' };

function renderHeader(v: DashboardView): void {
  if (!headerBox) return;
  const st = v.status;
  const badge = el('span', { className: `badge state ${STATE_TONE[st.state] ?? ''}`, text: STATE_LABEL[st.state] ?? st.state });
  badge.id = 'health';
  const reason = el('p', { className: `reason ${STATE_TONE[st.state] ?? ''}`, text: st.reason });
  reason.id = 'reason';
  const title = el('h1', {}, el('span', { text: v.name }), badge);
  const sub = el('p', { className: 'muted', text: [v.url ? `served at ${v.url}` : undefined, st.reason === NOT_CHECKED ? undefined : `checked ${new Date(st.checkedAt).toLocaleTimeString()}`].filter(Boolean).join(' · ') });
  const cards = el('div', { className: 'cards' });
  cards.id = 'cards';
  for (const c of headerCards(v)) {
    const card = el('div', { className: `card tone-card-${c.tone}`, ...(c.title ? { title: c.title } : {}) }, el('div', { className: 'muted', text: c.label }), el('div', { className: 'card-value', text: c.value }));
    card.dataset['card'] = c.label;
    cards.append(card);
  }
  const budgets = el('p', { className: 'muted budgets', text: budgetsLine(v.data, v) });
  budgets.id = 'budgets';
  const more = st.reasons.slice(1).map((r) => el('li', { text: r }));
  headerBox.replaceChildren(title, sub, reason, ...(more.length ? [el('ul', { className: 'also muted' }, ...more)] : []), budgets, cards);
}

function buildToolbar(): HTMLElement {
  windowSelect = el('select');
  windowSelect.setAttribute('aria-label', 'Time window');
  for (const [key, w] of Object.entries(DASHBOARD_WINDOWS)) {
    const o = el('option', { text: w.label });
    o.value = key;
    windowSelect.append(o);
  }
  windowSelect.value = state?.window ?? '15m';
  windowSelect.addEventListener('change', () => {
    const w = (windowSelect as HTMLSelectElement).value as DashboardWindow;
    if (state) state = { ...state, window: w };
    saveState();
    setStatus(`Loading ${DASHBOARD_WINDOWS[w].label.toLowerCase()}…`);
    post({ type: 'window', window: w });
  });
  pauseButton = button('Pause', () => {
    paused = !paused;
    if (state) state = { ...state, paused };
    saveState();
    syncPause();
    post({ type: 'pause', paused });
  }, 'Stop live updates (the charts keep what they show)');
  pauseButton.id = 'pause';
  const exportAll = button('Export all as CSV', () => {
    if (!view) return;
    post({ type: 'export', file: { format: 'csv', name: exportName(view.name, 'dashboard', view.window, 'csv'), text: allCsv([...mounted.values()].map((m) => m.spec)) } });
  }, 'Every series of every chart in one CSV file (chart, series, time, value)');
  statusLine = el('span', { className: 'muted status' });
  statusLine.id = 'status';
  statusLine.setAttribute('role', 'status');
  return el('div', { className: 'toolbar' }, windowSelect, pauseButton, exportAll, el('span', { className: 'spacer' }), statusLine);
}

function syncPause(): void {
  if (pauseButton) {
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.title = paused ? 'Resume live updates' : 'Stop live updates (the charts keep what they show)';
    pauseButton.setAttribute('aria-pressed', String(paused));
  }
  document.body.classList.toggle('paused', paused);
  setStatus(paused ? 'Paused: live updates stop until you resume.' : view?.data ? `Live · updated ${new Date().toLocaleTimeString()}` : '');
}

function setStatus(text: string): void {
  if (statusLine) statusLine.textContent = text;
}

// ---------------------------------------------------------------------------------------------------------------
// Chart cards

function fillTable(spec: TimeChartSpec, box: HTMLElement): void {
  const t = tableOf(spec);
  box.replaceChildren(
    table({
      caption: `${spec.title}: ${t.rows.length < t.total ? `the latest ${t.rows.length} of ${t.total} buckets` : `${t.total} buckets`}, newest first${t.rows.length < t.total ? ' (Export CSV has them all)' : ''}`,
      columns: t.columns,
      rows: t.rows,
      numeric: t.columns.map((_, i) => i).slice(1),
      rowHeaders: true,
      className: 'data',
    }),
  );
}

function tableToggle(id: string, box: HTMLElement, fill: () => void): HTMLButtonElement {
  const b = button('Table', () => {
    const show = box.hidden;
    box.hidden = !show;
    b.setAttribute('aria-expanded', String(show));
    if (show) {
      openTables.add(id);
      fill();
    } else openTables.delete(id);
  }, 'Show the data as a table');
  b.className = 'small';
  b.setAttribute('aria-expanded', String(!box.hidden));
  b.setAttribute('aria-controls', box.id);
  return b;
}

function pngButton(name: () => string, canvas: () => HTMLCanvasElement | undefined): HTMLButtonElement {
  const b = button('PNG', () => {
    const c = canvas();
    if (!c) return;
    post({ type: 'export', file: { format: 'png', name: name(), base64: c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '') } });
  }, 'Save this chart as a PNG image');
  b.className = 'small';
  return b;
}

/** An HTML legend: one toggle button per series (colour from the theme's chart colours), then the dashed limits. */
function legendFor(spec: TimeChartSpec, chart: () => TimeChart | undefined): HTMLElement {
  const box = el('div', { className: 'legend' });
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', `${spec.title}: series`);
  for (const item of legendItems(spec)) {
    const b = button('', () => {
      const c = chart();
      if (!c) return;
      const show = b.getAttribute('aria-pressed') !== 'true';
      b.setAttribute('aria-pressed', String(show));
      toggleDataset(c, item.dataset, show);
    }, `Show or hide ${item.label}`);
    b.className = 'legend-item';
    b.setAttribute('aria-pressed', 'true');
    b.append(el('span', { className: `swatch ${item.kind === 'limit' ? 'limit' : `s${item.slot}${item.dotted ? ' dotted' : ''}`}` }), el('span', { text: item.label }));
    box.append(b);
  }
  return box;
}

function chartCard(spec: TimeChartSpec, v: DashboardView): HTMLElement {
  const id = spec.id;
  const tableBox = el('div', { className: 'table-box' });
  tableBox.id = `table-${id}`;
  tableBox.hidden = !openTables.has(id);
  const m: Mounted = { spec, tableBox, visible: true, dirty: false };
  mounted.set(id, m);
  const title = el('h2', {}, el('span', { text: spec.title }));
  if (spec.flagged !== undefined) {
    const badge = el('span', { className: 'badge' });
    badge.dataset['badge'] = id;
    setFlag(badge, spec.flagged);
    title.append(badge);
  }
  const subtitle = el('p', { className: 'muted sub', text: spec.subtitle });
  subtitle.dataset['sub'] = id;
  const buttons: HTMLElement[] = [];
  if (!spec.empty) {
    buttons.push(
      tableToggle(id, tableBox, () => fillTable((mounted.get(id) as Mounted).spec, tableBox)),
      pngButton(() => exportName(v.name, spec.title, v.window, 'png'), () => m.chart?.canvas),
    );
  }
  const csv = button('CSV', () => post({ type: 'export', file: { format: 'csv', name: exportName(v.name, spec.title, v.window, 'csv'), text: chartCsv((mounted.get(id) as Mounted).spec) } }), 'Save this chart\'s data as CSV');
  csv.className = 'small';
  buttons.push(csv);
  const head = el('div', { className: 'chart-head' }, el('div', { className: 'titles' }, title, subtitle), el('div', { className: 'chart-actions' }, ...buttons));
  const card = el('section', { className: `chart-card${spec.flagged ? ' flagged' : ''}` }, head);
  card.id = `chart-${id}`;
  card.dataset['chart'] = id;
  if (spec.empty) {
    card.append(el('p', { className: 'empty', text: spec.empty }));
    return card;
  }
  const canvas = el('canvas');
  const box = el('div', { className: 'chart' }, canvas);
  card.append(legendFor(spec, () => m.chart), box, tableBox);
  // Drawn once the card is in the page (chart.js sizes the canvas from its box).
  queueMicrotask(() => {
    m.chart = createTimeChart(canvas, spec, maxPoints(box));
    if (openTables.has(id)) fillTable(spec, tableBox);
    box.dataset['chartId'] = id;
    onScreen.observe(box);
  });
  return card;
}

function setFlag(badge: HTMLElement, flagged: boolean): void {
  badge.className = `badge ${flagged ? 'status-drift' : 'status-stable'}`;
  badge.textContent = flagged ? 'drift' : 'stable';
}

function histogramBlock(h: FeatureHistogram, labels: string[]): HTMLElement {
  const id = `hist-${h.feature}`;
  const tableBox = el('div', { className: 'table-box' });
  tableBox.id = `table-${id}`;
  tableBox.hidden = !openTables.has(id);
  const fill = () => {
    const cur = bars.get(id)?.hist ?? h;
    tableBox.replaceChildren(table({
      caption: `${h.feature}: share of values per ${cur.chart.kind === 'histogram' ? 'bin' : 'category'}, baseline and live`,
      columns: [cur.chart.kind === 'histogram' ? 'Range' : 'Category', 'Baseline', 'Live'],
      rows: labels.map((l, i) => [l, `${((cur.chart.baseline[i] ?? 0) * 100).toFixed(1)} %`, `${((cur.chart.current[i] ?? 0) * 100).toFixed(1)} %`]),
      numeric: [1, 2],
      rowHeaders: true,
      className: 'data',
    }));
  };
  const canvas = el('canvas');
  const name = () => exportName(view?.name ?? 'dashboard', `${h.feature}-histogram`, view?.window ?? '', 'png');
  const head = el('div', { className: 'chart-head' },
    el('div', { className: 'titles' }, el('h3', { text: `${h.feature}: baseline vs live` }), el('p', { className: 'muted sub', text: h.explanation })),
    el('div', { className: 'chart-actions' }, tableToggle(id, tableBox, fill), pngButton(name, () => canvas)));
  const block = el('div', { className: 'hist' }, head, el('div', { className: 'chart' }, canvas), tableBox);
  queueMicrotask(() => {
    const chart = shareChart(canvas, labels, [{ label: 'baseline', data: h.chart.baseline }, { label: 'live', data: h.chart.current }], `${h.feature}: baseline and live distributions`);
    bars.set(id, { chart, hist: h, tableBox });
    if (openTables.has(id)) fill();
  });
  return block;
}

function driftSection(v: DashboardView, data: DashboardData, texts: DriftTexts): HTMLElement {
  const section = el('section', { className: 'drift' });
  section.id = 'drift';
  const d = data.drift;
  const charts = driftCharts(v, data);
  section.append(el('h2', { className: 'section-title', text: 'Drift against the baseline' }));
  if (texts.intro) {
    const intro = el('p', { className: 'muted', text: texts.intro });
    intro.id = 'drift-intro';
    section.append(intro);
  }
  if (texts.verdict) {
    const verdict = el('p', { className: `verdict ${texts.verdict.tone}`, text: texts.verdict.text });
    verdict.id = texts.verdict.id;
    section.append(verdict);
  }
  if (!charts.overview) {
    section.append(el('p', { className: 'empty', text: charts.empty ?? 'No drift yet.' }));
    return section;
  }
  if (texts.note) {
    const note = el('p', { className: 'muted', text: texts.note });
    note.id = 'drift-note';
    section.append(note);
  }
  section.append(chartCard(charts.overview, v));
  const hist = new Map((d?.histograms ?? []).map((h) => [h.feature, h]));
  const grid = el('div', { className: 'feature-grid' });
  for (const spec of charts.features) {
    const row = el('div', { className: `feature-row${spec.flagged ? ' flagged' : ''}` }, chartCard(spec, v));
    row.dataset['feature'] = spec.title;
    const h = hist.get(spec.title);
    const labels = v.histogramLabels?.[spec.title];
    if (h && labels) row.append(histogramBlock(h, labels));
    grid.append(row);
  }
  section.append(grid);
  return section;
}

interface DriftTexts {
  intro?: string;
  /** The verdict once features are compared; before that a "not compared yet" line rather than a reassuring one. */
  verdict?: { id: 'drift-verdict' | 'drift-pending'; tone: string; text: string };
  note?: string;
}

function driftTexts(d: DashboardData['drift']): DriftTexts {
  if (!d) return {};
  const intro = `Against ${d.baseline.name} (${d.baseline.rows.toLocaleString('en-US')} rows; ${d.baseline.reason}) · ${d.windowRecords.toLocaleString('en-US')} logged inputs in this window · ${d.mode === 'evidently' ? 'Evidently defaults' : 'effect sizes'}`;
  // Features flagged with no score (every logged value missing or invalid) drifted too.
  const drifted = [...d.features.filter((f) => f.window?.status === 'drift').map((f) => f.feature), ...(d.unscored ?? []).map((u) => u.feature)];
  const verdict: DriftTexts['verdict'] = d.features.some((f) => f.window) || d.unscored?.length
    ? { id: 'drift-verdict', tone: drifted.length ? 'tone-drifted' : 'tone-ok', text: drifted.length ? `Drifted over this window: ${drifted.join(', ')}` : 'No feature drifted over this window.' }
    : { id: 'drift-pending', tone: 'muted', text: `Not compared yet: ${d.windowRecords.toLocaleString('en-US')} logged inputs in this window, at least ${d.minRecords.toLocaleString('en-US')} needed.` };
  const notes = [...(d.note ? [d.note] : []), ...(d.unscored ?? []).map((u) => `${u.explanation} (no test could run on it)`)];
  return { intro, verdict, ...(notes.length ? { note: notes.join(' · ') } : {}) };
}

/** Updates the drift section's texts and each feature's drift badge where they are, without rebuilding the page. */
function updateDriftInPlace(texts: DriftTexts, specs: readonly TimeChartSpec[]): void {
  const intro = document.getElementById('drift-intro');
  if (intro && texts.intro) intro.textContent = texts.intro;
  const verdict = texts.verdict && document.getElementById(texts.verdict.id);
  if (verdict && texts.verdict) {
    verdict.className = `verdict ${texts.verdict.tone}`;
    verdict.textContent = texts.verdict.text;
  }
  const note = document.getElementById('drift-note');
  if (note && texts.note) note.textContent = texts.note;
  for (const spec of specs) {
    if (spec.flagged === undefined) continue;
    const badge = root.querySelector<HTMLElement>(`[data-badge="${CSS.escape(spec.id)}"]`);
    if (badge) setFlag(badge, spec.flagged);
    const card = document.getElementById(`chart-${spec.id}`);
    card?.classList.toggle('flagged', spec.flagged);
    card?.closest('.feature-row')?.classList.toggle('flagged', spec.flagged);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering and updates

function specsOf(v: DashboardView): TimeChartSpec[] {
  if (!v.data) return [];
  const drift = driftCharts(v, v.data);
  return [...mainCharts(v, v.data), ...(drift.overview ? [drift.overview] : []), ...drift.features];
}

/**
 * Builds the drift section again (a feature's chart or histogram came or went: the most drifted features changed)
 * and leaves the traffic and quality charts where they are, to be updated in place.
 */
function rebuildDrift(v: DashboardView, data: DashboardData, texts: DriftTexts): void {
  for (const [id, m] of mounted) {
    if (!id.startsWith('drift')) continue;
    const box = m.chart?.canvas.parentElement;
    if (box) onScreen.unobserve(box);
    m.chart?.destroy();
    mounted.delete(id);
  }
  for (const b of bars.values()) destroyChart(b.chart);
  bars.clear();
  const y = window.scrollY;
  document.getElementById('drift')?.replaceWith(driftSection(v, data, texts));
  window.scrollTo(0, y);
  root.dataset['driftRebuilds'] = String(Number(root.dataset['driftRebuilds'] ?? '0') + 1);
}

function destroyAll(): void {
  onScreen.disconnect();
  for (const m of mounted.values()) m.chart?.destroy();
  destroyCharts();
  mounted.clear();
  bars.clear();
}

function renderAll(v: DashboardView, specs: readonly TimeChartSpec[], texts: DriftTexts): void {
  destroyAll();
  headerBox = el('header');
  const toolbar = buildToolbar();
  renderHeader(v);
  const body: HTMLElement[] = [];
  if (v.gone) body.push(el('p', { className: 'empty', text: v.gone }));
  else if (v.error) body.push(el('p', { className: 'empty tone-error', text: `The dashboard could not be built: ${v.error}` }));
  else if (!v.data) body.push(el('p', { className: 'empty', text: 'Waiting for the first poll of this deployment…' }));
  else {
    const main = specs.filter((s) => !s.id.startsWith('drift'));
    body.push(el('h2', { className: 'section-title', text: 'Traffic and quality' }), el('div', { className: 'grid' }, ...main.map((s) => chartCard(s, v))), driftSection(v, v.data, texts));
  }
  // A rebuild (a chart or a histogram came or went) keeps the reader where they were on the page.
  const y = window.scrollY;
  root.replaceChildren(headerBox, toolbar, ...body);
  window.scrollTo(0, y);
  syncPause();
}

function updateInPlace(v: DashboardView, specs: readonly TimeChartSpec[], texts: DriftTexts): void {
  const t0 = performance.now();
  renderHeader(v);
  const t1 = performance.now();
  for (const spec of specs) {
    const m = mounted.get(spec.id);
    if (!m) continue;
    m.spec = spec;
    const sub = root.querySelector<HTMLElement>(`[data-sub="${CSS.escape(spec.id)}"]`);
    if (sub) sub.textContent = spec.subtitle;
    m.dirty = true;
    if (m.visible) redrawQueue.add(spec.id);
  }
  for (const h of v.data?.drift?.histograms ?? []) {
    const b = bars.get(`hist-${h.feature}`);
    if (!b) continue;
    b.hist = h;
    const labels = v.histogramLabels?.[h.feature];
    if (labels) b.chart.data.labels = labels;
    (b.chart.data.datasets[0] as { data: number[] }).data = h.chart.baseline;
    (b.chart.data.datasets[1] as { data: number[] }).data = h.chart.current;
    b.chart.update('none');
  }
  updateDriftInPlace(texts, specs);
  if (!paused) setStatus(`Live · updated ${new Date().toLocaleTimeString()}`);
  root.dataset['updateHeaderMs'] = (t1 - t0).toFixed(3);
}

/**
 * Charts waiting to be redrawn after an update. They are redrawn within a frame budget, the rest in the next
 * animation frames, so a live update never holds the page for more than about one frame however many charts it has.
 */
const redrawQueue = new Set<string>();
const FRAME_BUDGET_MS = 4;
let frameStats: { t0: number; longest: number; total: number; frames: number; points: number } | undefined;
let pumping = false;

function pump(syncMs: number): void {
  const start = performance.now();
  for (const id of redrawQueue) {
    redrawQueue.delete(id);
    const m = mounted.get(id);
    if (m?.dirty) redraw(m);
    if (performance.now() - start >= FRAME_BUDGET_MS) break;
  }
  const spent = syncMs + performance.now() - start;
  if (frameStats) {
    frameStats.longest = Math.max(frameStats.longest, spent);
    frameStats.total += spent;
    frameStats.frames++;
  }
  if (redrawQueue.size > 0) {
    pumping = true;
    requestAnimationFrame(() => pump(0));
    return;
  }
  pumping = false;
  if (frameStats) {
    const f = frameStats;
    frameStats = undefined;
    root.dataset['updateTotalMs'] = f.total.toFixed(3);
    root.dataset['updateFrames'] = String(f.frames);
    reportUpdate(f.longest, f.total, f.frames, f.points);
  }
}

function redraw(m: Mounted): void {
  m.dirty = false;
  if (m.chart) {
    const mp = maxPoints(m.chart.canvas.parentElement ?? undefined);
    if (!updateTimeChart(m.chart, m.spec, mp)) {
      const canvas = m.chart.canvas;
      m.chart.destroy();
      m.chart = createTimeChart(canvas, m.spec, mp);
    }
  }
  if (openTables.has(m.spec.id)) fillTable(m.spec, m.tableBox);
}

const onScreen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const m = mounted.get((e.target as HTMLElement).dataset['chartId'] ?? '');
    if (!m) continue;
    m.visible = e.isIntersecting;
    if (m.visible && m.dirty) redraw(m);
  }
});

function pointsOf(v: DashboardView): number {
  const d = v.data;
  if (!d) return 0;
  return d.timestamps.length * 6;
}

/** Keeps the last render time on #root (the bench reads it) and tells the host. */
function reportFirst(t0: number, points: number): void {
  const ms = performance.now() - t0;
  renders++;
  root.dataset['renders'] = String(renders);
  root.dataset['firstRenderMs'] = ms.toFixed(3);
  post({ type: 'timing', phase: 'first', ms, points });
}

function reportUpdate(longestFrameMs: number, totalMs: number, frames: number, points: number): void {
  renders++;
  root.dataset['renders'] = String(renders);
  root.dataset['updateMs'] = longestFrameMs.toFixed(3);
  post({ type: 'timing', phase: 'update', ms: longestFrameMs, totalMs, frames, points });
}

function onMessage(msg: HostToDashboard): void {
  const t0 = performance.now();
  const v = msg.view;
  // After the first view, Pause is the webview's: a view the host sent before it heard of a click carries the old
  // state. One sent before it heard of Pause is dropped (pausing stops updates at once); one sent while it still
  // thought the page paused (a window change) is shown, and the page stays live.
  if (!state) paused = msg.paused;
  else if (paused && !msg.paused && view) return;
  view = v;
  state = { deploymentId: v.deploymentId, name: v.name, window: v.window, paused };
  saveState();
  const specs = specsOf(v);
  const texts = driftTexts(v.data?.drift);
  const key = layoutOf(v, specs, texts);
  const sameMain = key.main === layoutKey.main && mounted.size > 0;
  if (sameMain && key.drift !== layoutKey.drift && v.data && document.getElementById('drift')) {
    rebuildDrift(v, v.data, texts);
    layoutKey = key;
  }
  if (sameMain && key.drift === layoutKey.drift) {
    updateInPlace(v, specs, texts);
    // The longest frame of this update: this synchronous part with the first charts, or a later frame's charts.
    frameStats ??= { t0, longest: 0, total: 0, frames: 0, points: pointsOf(v) };
    if (!pumping) pump(performance.now() - t0);
    return;
  }
  layoutKey = key;
  renderAll(v, specs, texts);
  if (windowSelect) windowSelect.value = v.window;
  // The charts are created in microtasks once their cards are in the page: measure after them.
  queueMicrotask(() => queueMicrotask(() => reportFirst(t0, pointsOf(v))));
}

const host = connectHost<HostToDashboard, DashboardToHost>('dashboard', isHostToDashboard, onMessage);
const saved = host.savedState();
if (isDashboardPanelState(saved)) {
  state = saved;
  paused = saved.paused;
}

// Theme changes: re-read the colours and recolour every chart in place.
new MutationObserver(() => {
  readPalette();
  for (const m of mounted.values()) if (m.chart) recolor(m.chart, m.spec.series.length);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
