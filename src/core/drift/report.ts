// A drift report as text (terminal), Markdown (pull requests, CI summaries) and JSON. The HTML export is html.ts.
import type { ColumnDrift, DriftProblem, DriftReport, Profile } from '../../shared/drift';
import { groupDigits } from '../formats/randomAccess';
import { METHOD_LABELS } from './compare';
import { describeNumber, percent } from './text';

/** A score for people: p-values with enough digits to see how small, distances with three; "≈" and "±" for estimates. */
export function formatScore(c: ColumnDrift): string {
  if (c.score === undefined) return '—';
  const s = c.score;
  let text: string;
  if (c.scoreKind === 'p-value') text = s === 0 ? '< 1e-300' : s < 1e-4 ? s.toExponential(1) : String(Number(s.toPrecision(3)));
  else text = describeNumber(s);
  if (c.estimate) text = `≈${text}${c.bound !== undefined ? ` ±${describeNumber(c.bound)}` : ''}`;
  return text;
}

export function formatThreshold(c: ColumnDrift): string {
  if (c.threshold === undefined) return '—';
  return `${c.scoreKind === 'p-value' ? '<' : '≥'} ${c.threshold}`;
}

export function methodLabel(c: ColumnDrift): string {
  return c.method ? METHOD_LABELS[c.method] + (c.note === 'KS statistic D (effect-size mode)' ? ' D' : '') : '—';
}

export function statusLabel(c: ColumnDrift): string {
  return c.status === 'drift' ? 'DRIFT' : c.status === 'stable' ? 'stable' : 'skipped';
}

/** The missing-share line of a column, "0 % → 5.9 %"; none when a side has no rows (there is no share to show). */
export function missingText(c: ColumnDrift, r: DriftReport): string | undefined {
  if (r.baseline.rows === 0 || r.current.rows === 0) return undefined;
  return `${percent(c.metrics.missingBaseline)} → ${percent(c.metrics.missingCurrent)}`;
}

function where(p: DriftProblem): string {
  const file = p.file ? p.file : p.side;
  return p.line !== undefined ? `${file}:${p.line}` : file;
}

function sideLine(label: string, r: DriftReport['baseline']): string {
  return `${label}: ${r.name} — ${groupDigits(r.rows)} row${r.rows === 1 ? '' : 's'}, ${r.columns} columns${r.fromProfile ? ' (from a saved profile)' : ''}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function reportToText(r: DriftReport): string {
  const lines: string[] = [];
  lines.push(sideLine('Baseline', r.baseline), sideLine('Current ', r.current), '', r.summary.verdict, '');
  const rows = [...r.columns, ...(r.prediction ? [r.prediction] : [])].map((c) => [
    statusLabel(c), c.column + (c === r.prediction ? ' (prediction)' : ''), c.type, methodLabel(c), formatScore(c), formatThreshold(c), c.explanation,
  ]);
  const head = ['status', 'column', 'type', 'method', 'score', 'threshold', 'explanation'];
  const widths = head.map((h, i) => Math.min(i === 6 ? 0 : 28, Math.max(h.length, ...rows.map((row) => (row[i] as string).length))));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] as number))).join('  ').trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  const estimates = r.columns.filter((c) => c.estimate).length;
  if (estimates) lines.push('', `≈ ${estimates} score${estimates === 1 ? ' is an estimate' : 's are estimates'} from sketches (more than ${groupDigits(r.rowLimit)} rows); ± is the largest error the sketch allows.`);
  if (r.schemaChanges.length) {
    lines.push('', 'Schema changes:');
    for (const s of r.schemaChanges) lines.push(`  ${s.change.padEnd(8)} ${s.column}${s.change === 'retyped' ? ` (${s.from} → ${s.to})` : s.change === 'added' ? ` (${s.to})` : ` (${s.from})`}`);
  }
  if (r.problems.length) {
    lines.push('', 'Problems:');
    for (const p of r.problems) lines.push(`  ${where(p)}: ${p.message}`);
  }
  return lines.join('\n') + '\n';
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function reportToMarkdown(r: DriftReport): string {
  const out: string[] = [];
  out.push(`## Data drift: ${mdCell(r.current.name)} vs ${mdCell(r.baseline.name)}`, '');
  const warn = r.summary.datasetDrift || r.summary.cannotCompare !== undefined || r.summary.tooFewRows !== undefined || (r.unreadable?.length ?? 0) > 0;
  out.push(`**${warn ? '⚠️ ' : ''}${mdCell(r.summary.verdict)}**`, '');
  out.push(`| | Baseline | Current |`, `| --- | --- | --- |`);
  out.push(`| Data | ${mdCell(r.baseline.name)}${r.baseline.fromProfile ? ' (profile)' : ''} | ${mdCell(r.current.name)} |`);
  out.push(`| Rows | ${groupDigits(r.baseline.rows)} | ${groupDigits(r.current.rows)} |`, `| Columns | ${r.baseline.columns} | ${r.current.columns} |`, '');
  out.push('| Status | Column | Type | Method | Score | Threshold | Explanation |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of [...r.columns, ...(r.prediction ? [r.prediction] : [])]) {
    out.push(`| ${c.status === 'drift' ? '**drift**' : c.status} | ${mdCell(c.column)}${c === r.prediction ? ' (prediction)' : ''} | ${c.type} | ${methodLabel(c)} | ${mdCell(formatScore(c))} | ${mdCell(formatThreshold(c))} | ${mdCell(c.explanation)} |`);
  }
  if (r.schemaChanges.length) {
    out.push('', '### Schema changes', '');
    for (const s of r.schemaChanges) out.push(`- ${s.change}: \`${mdCell(s.column)}\`${s.change === 'retyped' ? ` (${s.from} → ${s.to})` : ''}`);
  }
  if (r.problems.length) {
    out.push('', '### Problems', '');
    for (const p of r.problems) out.push(`- ${mdCell(where(p))}: ${mdCell(p.message)}`);
  }
  return out.join('\n') + '\n';
}

export function reportToJson(r: DriftReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** A profile as text, for `mlship profile` without --out. */
export function profileToText(p: Profile): string {
  const lines = [`${p.source.name}: ${groupDigits(p.rows)} rows, ${p.columns.length} columns${p.malformedRows ? `, ${groupDigits(p.malformedRows)} malformed rows skipped` : ''}`, ''];
  const rows = p.columns.map((c) => {
    const miss = c.count ? percent(c.missing / c.count) : '—';
    let summary = '';
    if (c.numeric && (c.type === 'numeric')) summary = `min ${describeNumber(c.numeric.min)}, mean ${describeNumber(c.numeric.mean)}, max ${describeNumber(c.numeric.max)}`;
    else if (c.numeric && c.type === 'datetime') summary = `${new Date(c.numeric.min).toISOString().slice(0, 10)} … ${new Date(c.numeric.max).toISOString().slice(0, 10)}`;
    else if (c.frequent && c.frequent.items.length) summary = c.frequent.items.slice(0, 3).map(([v, n]) => `${v.length > 20 ? `${v.slice(0, 19)}…` : v} ${percent(n / (c.frequent?.total || 1))}`).join(', ');
    return [c.name, c.type, groupDigits(c.count), miss, `${c.distinct.exact ? '' : '≈'}${groupDigits(c.distinct.estimate)}`, summary];
  });
  const head = ['column', 'type', 'count', 'missing', 'distinct', 'summary'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] as number))).join('  ').trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  if (p.problems.length) {
    lines.push('', 'Problems:');
    for (const pr of p.problems) lines.push(`  ${p.source.path ?? p.source.name}${pr.line !== undefined ? `:${pr.line}` : ''}: ${pr.message}`);
  }
  return lines.join('\n') + '\n';
}
