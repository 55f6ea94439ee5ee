// A drift report as one self-contained HTML file: inline CSS, inline SVG charts (no script), a data table beside each
// chart. Small on purpose: a 20-column report is well under 100 KB. Light and dark themes follow the reader's system.
import type { ColumnDrift, DriftChart, DriftReport } from '../../shared/drift';
import { groupDigits } from '../formats/randomAccess';
import { formatScore, formatThreshold, methodLabel, missingText, statusLabel } from './report';
import { describeNumber, percent } from './text';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--base:#3b82c4;--cur:#e8853d;--drift:#c62828;--ok:#2e7d32}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--base:#5ea3e0;--cur:#f0a060;--drift:#ff7b72;--ok:#56d364}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}h3{font-size:15px;margin:0}
.muted{color:var(--muted)}.verdict{font-size:16px;font-weight:600;margin:12px 0}.drift{color:var(--drift)}.stable{color:var(--ok)}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;color:var(--muted);padding:4px 0}
.col{border:1px solid var(--line);border-radius:6px;padding:12px;margin:12px 0}.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;border:1px solid currentColor;margin-left:8px}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}svg{max-width:100%}details{flex:1;min-width:260px}`;

function chartSvg(chart: DriftChart, title: string): string {
  const w = 520;
  const h = 160;
  const pad = 24;
  const n = chart.baseline.length;
  const max = Math.max(1e-12, ...chart.baseline, ...chart.current);
  const bw = (w - pad) / Math.max(1, n);
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = pad + i * bw;
    const hb = ((chart.baseline[i] as number) / max) * (h - 30);
    const hc = ((chart.current[i] as number) / max) * (h - 30);
    bars.push(`<rect x="${(x + 1).toFixed(1)}" y="${(h - 20 - hb).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${hb.toFixed(1)}" fill="var(--base)" fill-opacity=".55"/>`);
    bars.push(`<rect x="${(x + bw * 0.25).toFixed(1)}" y="${(h - 20 - hc).toFixed(1)}" width="${Math.max(1, bw * 0.5 - 1).toFixed(1)}" height="${hc.toFixed(1)}" fill="var(--cur)" fill-opacity=".85"/>`);
  }
  const labels = chart.kind === 'histogram'
    ? `<text x="${pad}" y="${h - 4}" font-size="11" fill="var(--muted)">${esc(describeNumber(chart.edges[0] as number))}</text><text x="${w}" y="${h - 4}" font-size="11" fill="var(--muted)" text-anchor="end">${esc(describeNumber(chart.edges[chart.edges.length - 1] as number))}</text>`
    : '';
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}"><text x="0" y="12" font-size="11" fill="var(--muted)">${esc(percent(max))}</text><line x1="${pad}" y1="${h - 20}" x2="${w}" y2="${h - 20}" stroke="var(--line)"/>${bars.join('')}${labels}</svg>`;
}

function chartTable(chart: DriftChart, column: string): string {
  const rows: string[] = [];
  for (let i = 0; i < chart.baseline.length; i++) {
    const label = chart.kind === 'histogram' ? `${describeNumber(chart.edges[i] as number)} – ${describeNumber(chart.edges[i + 1] as number)}` : (chart.labels[i] as string);
    rows.push(`<tr><td>${esc(label)}</td><td class="num">${esc(percent(chart.baseline[i] as number))}</td><td class="num">${esc(percent(chart.current[i] as number))}</td></tr>`);
  }
  return `<details><summary>Data table</summary><table><caption>${esc(column)}: share of values per ${chart.kind === 'histogram' ? 'bin' : 'category'}</caption><thead><tr><th scope="col">${chart.kind === 'histogram' ? 'Range' : 'Category'}</th><th scope="col">Baseline</th><th scope="col">Current</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function columnSection(c: ColumnDrift, r: DriftReport, prediction: boolean): string {
  const metrics: [string, string][] = [];
  const m = c.metrics;
  if (m.ksStatistic !== undefined) metrics.push(['KS statistic', describeNumber(m.ksStatistic)]);
  if (m.ksPValue !== undefined) metrics.push(['KS p-value', m.ksPValue < 1e-4 ? m.ksPValue.toExponential(1) : String(Number(m.ksPValue.toPrecision(3)))]);
  if (m.wassersteinNormalized !== undefined) metrics.push(['Wasserstein / std', describeNumber(m.wassersteinNormalized)]);
  if (m.jensenShannon !== undefined) metrics.push(['Jensen–Shannon', describeNumber(m.jensenShannon)]);
  if (m.psi !== undefined) metrics.push(['PSI', describeNumber(m.psi)]);
  if (m.chiSquarePValue !== undefined) metrics.push(['chi-square p-value', m.chiSquarePValue < 1e-4 ? m.chiSquarePValue.toExponential(1) : String(Number(m.chiSquarePValue.toPrecision(3)))]);
  if (m.unseenShare !== undefined) metrics.push(['unseen categories', `${m.newCategories ?? 0} (${percent(m.unseenShare)} of values)`]);
  const missing = missingText(c, r);
  if (missing) metrics.push(['missing', missing]);
  const chart = c.chart ? `<div class="row">${chartSvg(c.chart, `${c.column}: baseline and current distributions`)}${chartTable(c.chart, c.column)}</div>` : '';
  return `<section class="col" id="col-${esc(c.column)}"><h3>${esc(c.column)}${prediction ? ' (prediction)' : ''}<span class="badge ${c.status === 'drift' ? 'drift' : c.status === 'stable' ? 'stable' : 'muted'}">${statusLabel(c)}</span></h3>
<p>${esc(c.explanation)}</p><p class="muted">${esc(c.type)} · ${esc(methodLabel(c))} ${esc(formatScore(c))} (threshold ${esc(formatThreshold(c))})${c.note ? ` · ${esc(c.note)}` : ''} · ${metrics.map(([k, v]) => `${esc(k)} ${esc(v)}`).join(' · ')}</p>${chart}</section>`;
}

export function reportToHtml(r: DriftReport): string {
  const all = [...r.columns, ...(r.prediction ? [r.prediction] : [])];
  const table = all.map((c) => `<tr><td class="${c.status === 'drift' ? 'drift' : ''}">${statusLabel(c)}</td><td><a href="#col-${esc(c.column)}">${esc(c.column)}</a></td><td>${esc(methodLabel(c))}</td><td class="num">${esc(formatScore(c))}</td><td>${esc(formatThreshold(c))}</td><td>${esc(c.explanation)}</td></tr>`).join('');
  const schema = r.schemaChanges.length
    ? `<h2>Schema changes</h2><ul>${r.schemaChanges.map((s) => `<li>${esc(s.change)}: <code>${esc(s.column)}</code>${s.change === 'retyped' ? ` (${esc(s.from ?? '')} → ${esc(s.to ?? '')})` : ''}</li>`).join('')}</ul>`
    : '';
  const problems = r.problems.length
    ? `<h2>Problems</h2><ul>${r.problems.map((p) => `<li>${esc(p.file ?? p.side)}${p.line !== undefined ? `:${p.line}` : ''}: ${esc(p.message)}</li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data drift: ${esc(r.current.name)} vs ${esc(r.baseline.name)}</title><style>${CSS}</style></head><body>
<h1>Data drift: ${esc(r.current.name)} vs ${esc(r.baseline.name)}</h1>
<p class="muted">Baseline ${esc(r.baseline.name)} (${groupDigits(r.baseline.rows)} rows${r.baseline.fromProfile ? ', from a saved profile' : ''}) · current ${esc(r.current.name)} (${groupDigits(r.current.rows)} rows) · ${esc(r.mode)} methods · ${esc(r.createdBy)}</p>
<p class="verdict ${r.summary.datasetDrift ? 'drift' : ''}">${esc(r.summary.verdict)}</p>
<p><span class="key" style="background:var(--base)"></span>baseline<span class="key" style="background:var(--cur)"></span>current</p>
<table><caption>Columns, most drifted first</caption><thead><tr><th scope="col">Status</th><th scope="col">Column</th><th scope="col">Method</th><th scope="col">Score</th><th scope="col">Threshold</th><th scope="col">Explanation</th></tr></thead><tbody>${table}</tbody></table>
${schema}${problems}<h2>Columns</h2>${all.map((c) => columnSection(c, r, c === r.prediction)).join('\n')}
</body></html>
`;
}
