// Time-series line charts of the dashboard (chart.js: only the line parts). Data goes in as {x, y} points, already
// decimated (shape.ts), with parsing off; gaps are null and never bridged (spanGaps false); budget and threshold
// lines are dashed two-point datasets across the window. Live updates replace the points in place and redraw with
// `update('none')`: no new chart, no animation, no flicker. Colours come from the editor's --vscode-* variables.
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration, type ChartDataset, type Plugin } from 'chart.js';
import { decimate, formatTick, formatTime, formatValue, isolatedRadii, roundTicks, seriesStyle, tickStep, type Point, type TimeChartSpec } from './shape';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export type TimeChart = Chart<'line', Point[]>;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  limit: string;
  series: string[];
  font: string;
}

let palette: Palette | undefined;

/** Re-read on theme change (VS Code swaps the body's class and the variables with it). */
export function readPalette(): Palette {
  palette = {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    limit: cssVar('--vscode-charts-red', cssVar('--vscode-errorForeground', '#f14c4c')),
    // SERIES_COLOURS (shape.ts) of them, in the order of the legend's swatch classes (dashboard.css). Not yellow: in
    // light themes it is a dark gold beside orange; red is the limits'.
    series: ['blue', 'orange', 'green', 'purple', 'foreground'].map((c, i) => cssVar(`--vscode-charts-${c}`, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#cccccc'][i] as string)),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
  return palette;
}

function pal(): Palette {
  return palette ?? readPalette();
}

/** Paints the editor background under the chart, so an exported PNG reads like the panel. */
const background: Plugin<'line'> = {
  id: 'mlshipBackground',
  beforeDraw: (chart) => {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = pal().background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/**
 * Dots for isolated values only. A per-point array makes chart.js resolve options point by point (slow on thousands
 * of points), so a series without an isolated value gets the plain 0.
 */
function radii(points: readonly Point[]): number | number[] {
  const r = isolatedRadii(points);
  return r.some((x) => x > 0) ? r : 0;
}

function limitPoints(spec: TimeChartSpec, value: number): Point[] {
  return [
    { x: spec.start, y: value },
    { x: spec.end, y: value },
  ];
}

/** The dots of a series drawn in a colour an earlier series of the chart already has (distinct from a limit's dashes). */
const SECOND_ROUND_DASH = [2, 3];

function datasets(spec: TimeChartSpec, maxPoints: number): ChartDataset<'line', Point[]>[] {
  const p = pal();
  const series = spec.series.map((s, i): ChartDataset<'line', Point[]> => {
    const style = seriesStyle(i);
    const color = p.series[style.slot] as string;
    const data = decimate(spec.xs, s.values, maxPoints);
    return { label: s.label, data, borderColor: color, backgroundColor: color, borderWidth: 1.5, ...(style.dotted ? { borderDash: SECOND_ROUND_DASH } : {}), pointRadius: radii(data), pointHitRadius: 6, spanGaps: false, parsing: false, normalized: true };
  });
  const limits = spec.limits.map((l): ChartDataset<'line', Point[]> => ({
    label: `${l.label} ${formatValue(spec.unit, l.value)}`,
    data: limitPoints(spec, l.value),
    borderColor: p.limit,
    backgroundColor: p.limit,
    borderWidth: 1.5,
    borderDash: [6, 4],
    pointRadius: 0,
    pointHitRadius: 0,
    parsing: false,
    normalized: true,
  }));
  return [...series, ...limits];
}

function axisTicks(spec: TimeChartSpec): { x: (v: number | string) => string; y: (v: number | string) => string } {
  const step = tickStep(spec.end - spec.start);
  return {
    x: (v) => formatTick(Number(v), step),
    y: (v) => (spec.unit === 'share' ? `${Math.round(Number(v) * 100)} %` : spec.unit === 'ms' ? `${Number(v)} ms` : String(Number(Number(v).toPrecision(3)))),
  };
}

export function createTimeChart(canvas: HTMLCanvasElement, spec: TimeChartSpec, maxPoints: number): TimeChart {
  const p = pal();
  const ticks = axisTicks(spec);
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: { datasets: datasets(spec, maxPoints) },
    plugins: [background],
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      spanGaps: false,
      font: { family: p.font },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        // The legend is HTML beside the chart (legendFor): chart.js would lay it out again on every update.
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => (items[0] ? formatTime(items[0].parsed.x ?? 0, 0) : ''), label: (ctx) => `${ctx.dataset.label ?? ''}: ${formatValue(spec.unit, ctx.parsed.y)}` } },
      },
      scales: {
        x: {
          type: 'linear',
          min: spec.start,
          max: spec.end,
          ticks: { color: p.muted, maxRotation: 0, autoSkip: false, callback: ticks.x },
          grid: { color: p.grid },
          // Ticks on round times (every 2 min, 10 min, 1 h, 3 h…), whatever the window's start.
          afterBuildTicks: (scale) => {
            scale.ticks = roundTicks(scale.min, scale.max, tickStep(scale.max - scale.min)).map((value) => ({ value }));
          },
        },
        y: { type: 'linear', ...(spec.yMin !== undefined ? { min: spec.yMin } : {}), ...(spec.yMax !== undefined ? { max: spec.yMax } : {}), ...(spec.ySuggestedMax !== undefined ? { suggestedMax: spec.ySuggestedMax } : {}), beginAtZero: spec.yMin === 0, ticks: { color: p.muted, maxTicksLimit: 6, callback: ticks.y }, grid: { color: p.grid } },
      },
    },
  };
  const chart = new Chart(canvas, config);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${spec.title}: ${spec.subtitle}`);
  return chart;
}

/** Replaces the chart's points in place and redraws without animation. False when the series changed (rebuild it). */
export function updateTimeChart(chart: TimeChart, spec: TimeChartSpec, maxPoints: number): boolean {
  const ds = chart.data.datasets;
  if (ds.length !== spec.series.length + spec.limits.length) return false;
  for (let i = 0; i < spec.series.length; i++) {
    const d = ds[i] as ChartDataset<'line', Point[]>;
    const s = spec.series[i] as TimeChartSpec['series'][number];
    if (d.label !== s.label) return false;
    d.data = decimate(spec.xs, s.values, maxPoints);
    d.pointRadius = radii(d.data);
  }
  spec.limits.forEach((l, i) => {
    const d = ds[spec.series.length + i] as ChartDataset<'line', Point[]>;
    d.label = `${l.label} ${formatValue(spec.unit, l.value)}`;
    d.data = limitPoints(spec, l.value);
  });
  const x = chart.options.scales?.x;
  if (x) {
    x.min = spec.start;
    x.max = spec.end;
  }
  chart.canvas.setAttribute('aria-label', `${spec.title}: ${spec.subtitle}`);
  chart.update('none');
  return true;
}

/** The series a legend lists: data series by palette slot, then the dashed limits. */
export function legendItems(spec: TimeChartSpec): { label: string; kind: 'series' | 'limit'; slot: number; dotted: boolean; dataset: number }[] {
  return [
    ...spec.series.map((s, i) => ({ label: s.label, kind: 'series' as const, ...seriesStyle(i), dataset: i })),
    ...spec.limits.map((l, i) => ({ label: `${l.label} ${formatValue(spec.unit, l.value)}`, kind: 'limit' as const, slot: 0, dotted: false, dataset: spec.series.length + i })),
  ];
}

/** Shows or hides one dataset (a legend button). */
export function toggleDataset(chart: TimeChart, index: number, visible: boolean): void {
  chart.setDatasetVisibility(index, visible);
  chart.update('none');
}

/** Recolours a chart from the current palette (after a theme change). */
export function recolor(chart: TimeChart, seriesCount: number): void {
  const p = pal();
  chart.data.datasets.forEach((d, i) => {
    const c = i < seriesCount ? (p.series[seriesStyle(i).slot] as string) : p.limit;
    d.borderColor = c;
    d.backgroundColor = c;
  });
  const o = chart.options;
  for (const axis of ['x', 'y'] as const) {
    const scale = o.scales?.[axis];
    if (scale) {
      if (scale.ticks) scale.ticks.color = p.muted;
      if (scale.grid) scale.grid.color = p.grid;
    }
  }
  chart.update('none');
}
