// Builds the details panel's view of a model version or a data snapshot from catalog entries (pure, unit-tested).
import type { DetailsSection, DetailsView } from '../../shared/detailsMessages';
import type { LatencyBenchmarkResult } from '../../shared/serve';
import { versionLabel } from '../registry/naming';
import type { ModelEntry, ModelVersionEntry, SnapshotEntry } from '../registry/types';
import { compareToBudget, formatMs } from '../stats/latency';
import { formatBytes } from '../util/hash';
import { formatDate, formatNumber, formatShape, sourceLabel } from './format';
import { problemPlace } from './notice';

export interface VersionExtras {
  sha256?: string;
  benchmark?: LatencyBenchmarkResult;
  latencyBudgetMs?: number;
  /** False in Restricted Mode: the panel then offers no benchmark. */
  trusted: boolean;
}

export function describeVersion(model: ModelEntry, v: ModelVersionEntry, extras: VersionExtras): DetailsView {
  const md = v.metadata;
  const sections: DetailsSection[] = [];
  if (v.error) sections.push({ kind: 'text', title: 'Problem', text: `${v.error.message}${v.error.detail ? `\n${v.error.detail}` : ''}\n${problemPlace(v.error)}`, tone: 'error' });
  if (md?.unsafe) sections.push({ kind: 'text', title: 'Unsafe to load', text: md.unsafe, tone: 'warning' });
  if (extras.benchmark) sections.push(...benchmarkSections(extras.benchmark, extras.latencyBudgetMs));
  const overview: [string, string][] = [
    ['Model', model.name],
    // Named as the title and the models tree name it (`version 2` for MLflow's 2 and a folder's v2, a single file by
    // its name); the reference row below names the folder or file as it is.
    ['Version', versionLabel(v)],
    ['Source', sourceLabel(model.source, true)],
    ['Reference', v.reference],
    ['Format', md?.formatLabel ?? v.format ?? 'unknown'],
  ];
  if (v.aliases.length) overview.push(['Aliases', v.aliases.join(', ')]);
  if (v.stage) overview.push(['Stage', v.stage]);
  if (v.size !== undefined) overview.push(['Size', `${formatBytes(v.size)} (${v.size.toLocaleString('en-US')} bytes)`]);
  if (extras.sha256) overview.push(['SHA-256', extras.sha256]);
  if (v.created) overview.push(['Created', formatDate(v.created)]);
  if (v.description) overview.push(['Description', v.description]);
  overview.push(['Path', v.modelFile ?? v.path]);
  sections.push({ kind: 'properties', title: 'Overview', rows: overview });
  if (md?.properties.length) sections.push({ kind: 'properties', title: md.formatLabel, rows: md.properties.map((p) => [p.label, p.value]) });
  const inputs = md?.inputs.length ? md.inputs : (v.signature?.inputs ?? []);
  const outputs = md?.outputs.length ? md.outputs : (v.signature?.outputs ?? []);
  if (inputs.length) sections.push({ kind: 'table', title: 'Inputs', columns: ['Name', 'Type', 'Shape'], rows: inputs.map((t) => [t.name, t.dtype, formatShape(t.shape)]) });
  if (outputs.length) sections.push({ kind: 'table', title: 'Outputs', columns: ['Name', 'Type', 'Shape'], rows: outputs.map((t) => [t.name, t.dtype, formatShape(t.shape)]) });
  if (v.signature && md?.inputs.length) {
    sections.push({ kind: 'table', title: 'Recorded signature (MLmodel)', columns: ['Direction', 'Name', 'Type', 'Shape'], rows: [...v.signature.inputs.map((t) => ['input', t.name, t.dtype, formatShape(t.shape)]), ...v.signature.outputs.map((t) => ['output', t.name, t.dtype, formatShape(t.shape)])] });
  }
  const metrics = Object.entries(v.metrics);
  if (metrics.length) sections.push({ kind: 'table', title: 'Metrics', columns: ['Metric', 'Value'], rows: metrics.map(([k, n]) => [k, formatNumber(n)]) });
  const params = Object.entries(v.params);
  if (params.length) sections.push({ kind: 'table', title: 'Parameters', columns: ['Parameter', 'Value'], rows: params.map(([k, p]) => [k, p]) });
  if (v.lineage.length) {
    sections.push({ kind: 'links', title: 'Lineage', links: v.lineage.map((l) => ({ label: `${l.label}: ${l.relPath ?? l.digest ?? 'unknown'}`, description: l.snapshotId ? 'data snapshot in this workspace' : 'not found in this workspace', ...(l.snapshotId ? { targetId: l.snapshotId } : {}) })) });
  }
  const metadata = Object.entries(md?.metadata ?? {});
  if (metadata.length) sections.push({ kind: 'table', title: 'Metadata', columns: ['Key', 'Value'], rows: metadata.map(([k, val]) => [k, val]) });
  const tags = Object.entries(v.tags).filter(([k]) => !k.startsWith('mlflow.log-model'));
  if (tags.length) sections.push({ kind: 'table', title: 'Tags', columns: ['Tag', 'Value'], rows: tags.map(([k, val]) => [k, val]) });
  const badges: DetailsView['badges'] = v.aliases.map((a) => ({ text: `@${a}`, tone: 'ok' as const }));
  if (v.stage) badges.push({ text: v.stage, tone: 'info' });
  if (v.error) badges.push({ text: 'unreadable', tone: 'error' });
  if (md?.unsafe) badges.push({ text: 'unsafe to load', tone: 'warning' });
  const benchmarkable = extras.trusted && !v.error && v.format === 'onnx' && v.modelFile !== undefined;
  return {
    targetId: v.id,
    kind: 'model-version',
    title: `${model.name} — ${versionLabel(v)}`,
    subtitle: md?.formatLabel ?? v.format ?? '',
    badges,
    sections,
    actions: [...(benchmarkable ? (['benchmark'] as const) : []), 'copyReference', 'revealInExplorer'],
  };
}

export function benchmarkSections(r: LatencyBenchmarkResult, budgetMs: number | undefined): DetailsSection[] {
  const s = r.latency;
  const sections: DetailsSection[] = [];
  if (budgetMs !== undefined && budgetMs > 0) {
    const cmp = compareToBudget(s, budgetMs, 'p95');
    sections.push({ kind: 'text', title: 'Latency budget', text: cmp.message, tone: cmp.withinBudget ? 'ok' : 'error' });
  }
  sections.push({
    kind: 'table',
    title: 'Benchmark latency',
    caption: `${r.runs} runs after ${r.warmupRuns} warm-up runs, batch ${r.batchSize}, ${r.runtime.name} ${r.runtime.version} (${r.runtime.executionProvider})`,
    columns: ['Statistic', 'Value'],
    rows: [
      ['p50', formatMs(s.p50)],
      ['p90', formatMs(s.p90)],
      ['p95', formatMs(s.p95)],
      ['p99', formatMs(s.p99)],
      ['mean ± sd', `${formatMs(s.mean)} ± ${formatMs(s.stddev)}`],
      ['min / max', `${formatMs(s.min)} / ${formatMs(s.max)}`],
      ['throughput', `${formatNumber(Math.round(r.throughput))} inferences/s`],
      ['cold start (session)', formatMs(r.coldStartMs)],
      ['first run', formatMs(r.firstRunMs)],
    ],
  });
  sections.push({ kind: 'table', title: 'Benchmark inputs', columns: ['Input', 'Type', 'Dims'], rows: r.inputs.map((t) => [t.name, t.dtype, `[${t.dims.join(', ')}]`]) });
  if (r.notes.length) sections.push({ kind: 'text', title: 'Benchmark notes', text: r.notes.join('\n') });
  return sections;
}

export interface SnapshotExtras {
  rows?: number;
  sha256?: string;
}

export function describeSnapshot(s: SnapshotEntry, datasetName: string, extras: SnapshotExtras): DetailsView {
  const sections: DetailsSection[] = [];
  if (s.error) sections.push({ kind: 'text', title: 'Problem', text: `${s.error.message}${s.error.detail ? `\n${s.error.detail}` : ''}\n${s.error.file}`, tone: 'error' });
  if (!s.present) sections.push({ kind: 'text', title: 'Not pulled', text: `Only the DVC pointer is in the workspace. Run \`dvc pull ${s.relPath}\` to fetch the data.`, tone: 'warning' });
  const rows: [string, string][] = [['Dataset', datasetName], ['Snapshot', s.label], ['Path', s.relPath], ['Format', s.format]];
  const count = extras.rows ?? s.metadata?.rows;
  if (count !== undefined) rows.push(['Rows', count.toLocaleString('en-US')]);
  if (s.metadata) rows.push(['Columns', String(s.metadata.columns.length)]);
  if (s.size !== undefined) rows.push(['Size', `${formatBytes(s.size)} (${s.size.toLocaleString('en-US')} bytes)`]);
  if (extras.sha256) rows.push(['SHA-256', extras.sha256]);
  if (s.modified) rows.push(['Modified', formatDate(s.modified)]);
  sections.push({ kind: 'properties', title: 'Overview', rows });
  if (s.dvc) {
    const dvcRows: [string, string][] = [['md5', s.dvc.md5], ['Tracked by', s.dvc.trackedBy]];
    if (s.dvc.stage) dvcRows.push(['Stage', s.dvc.stage]);
    if (s.dvc.size !== undefined) dvcRows.push(['Size (recorded)', formatBytes(s.dvc.size)]);
    if (s.dvc.nfiles !== undefined) dvcRows.push(['Files', String(s.dvc.nfiles)]);
    sections.push({ kind: 'properties', title: 'DVC', rows: dvcRows });
  }
  if (s.metadata?.columns.length) {
    sections.push({ kind: 'table', title: 'Schema', columns: ['Column', 'Type', 'Physical type', 'Nullable'], rows: s.metadata.columns.map((c) => [c.name, c.type, c.physicalType ?? '', c.nullable === undefined ? '' : c.nullable ? 'yes' : 'no']) });
  }
  if (s.metadata?.properties.length) sections.push({ kind: 'properties', title: 'File', rows: s.metadata.properties.map((p) => [p.label, p.value]) });
  const badges: DetailsView['badges'] = [];
  if (s.dvc) badges.push({ text: s.present ? 'DVC' : 'DVC · not pulled', tone: s.present ? 'info' : 'warning' });
  if (s.error) badges.push({ text: 'unreadable', tone: 'error' });
  return { targetId: s.id, kind: 'snapshot', title: `${datasetName} — ${s.label}`, subtitle: s.format.toUpperCase(), badges, sections, actions: ['copyReference', 'revealInExplorer'] };
}
