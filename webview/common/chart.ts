// Themed bar charts (chart.js, only the parts bar charts need), coloured from the editor's --vscode-* variables and
// recoloured when the theme changes.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  series: string[];
  font: string;
}

export function chartTheme(): ChartTheme {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    series: [cssVar('--vscode-charts-blue', '#3794ff'), cssVar('--vscode-charts-orange', '#d18616'), cssVar('--vscode-charts-green', '#89d185')],
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

/** A colour (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba()) with the given alpha; other forms are returned as they are. */
export function withAlpha(color: string, a: number): string {
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color);
  if (m) return `rgba(${parseInt(`${m[1]}${m[1]}`, 16)}, ${parseInt(`${m[2]}${m[2]}`, 16)}, ${parseInt(`${m[3]}${m[3]}`, 16)}, ${a})`;
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(color);
  if (m) return `rgba(${parseInt(m[1] as string, 16)}, ${parseInt(m[2] as string, 16)}, ${parseInt(m[3] as string, 16)}, ${a})`;
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(color);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${a})`;
  return color;
}

export interface BarSeries {
  label: string;
  data: number[];
}

const charts = new Set<Chart<'bar'>>();

function applyTheme(chart: Chart<'bar'>, theme: ChartTheme): void {
  chart.data.datasets.forEach((ds, i) => {
    const c = theme.series[i % theme.series.length] as string;
    ds.backgroundColor = withAlpha(c, i === 0 ? 0.45 : 0.75);
    ds.borderColor = c;
  });
  const o = chart.options;
  for (const axis of ['x', 'y'] as const) {
    const scale = o.scales?.[axis];
    if (scale) {
      scale.ticks = { ...scale.ticks, color: theme.muted };
      scale.grid = { ...scale.grid, color: theme.grid };
    }
  }
  if (o.plugins?.legend?.labels) o.plugins.legend.labels.color = theme.foreground;
}

/**
 * A bar chart of shares (0–1) per label. With two series the bars overlay: the first (baseline) wide and light, the
 * second (current) narrow and strong, so both distributions read at once.
 */
export function shareChart(canvas: HTMLCanvasElement, labels: string[], series: BarSeries[], title: string): Chart<'bar'> {
  const theme = chartTheme();
  const overlay = series.length > 1;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderWidth: 1,
        grouped: !overlay,
        barPercentage: overlay ? (i === 0 ? 1 : 0.55) : 0.9,
        categoryPercentage: 0.95,
        order: i === 0 ? 2 : 1,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      font: { family: theme.font },
      plugins: {
        legend: { display: series.length > 1, labels: { color: theme.foreground, boxWidth: 12, sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${(Number(ctx.parsed.y) * 100).toFixed(1)} %` } },
        title: { display: false, text: title },
      },
      scales: {
        x: { ticks: { color: theme.muted, maxRotation: 45, autoSkip: true }, grid: { display: false, color: theme.grid } },
        y: { beginAtZero: true, ticks: { color: theme.muted, callback: (v) => `${Math.round(Number(v) * 100)} %` }, grid: { color: theme.grid } },
      },
    },
  };
  const chart = new Chart(canvas, config);
  applyTheme(chart, theme);
  chart.update();
  charts.add(chart);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  return chart;
}

export function destroyCharts(): void {
  for (const c of charts) c.destroy();
  charts.clear();
}

/** Destroys one chart made by shareChart (it is no longer recoloured with the theme). */
export function destroyChart(chart: Chart<'bar'>): void {
  chart.destroy();
  charts.delete(chart);
}

// VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) and the variables with it.
new MutationObserver(() => {
  const theme = chartTheme();
  for (const c of charts) {
    applyTheme(c, theme);
    c.update();
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
