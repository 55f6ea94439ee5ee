// MLflow FileStore (an `mlruns/` folder): the model registry (`models/<name>/…`), the runs behind each version (metrics,
// params, tags, dataset inputs) and each version's MLmodel (flavors, signature). Layout as written by
// mlflow/store/model_registry/file_store.py and mlflow/store/tracking/file_store.py. A broken file never fails the
// whole registry: it becomes an `error` (or `warnings`) entry on the model or version it belongs to.

import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { readYamlFile } from './yamlFile';
import type { YamlFile } from './yamlFile';
import { FormatError, LocatedFormatError } from './types';
import type { TensorSpec } from './types';

export interface MlflowProblem {
  /** One line for people, e.g. "version-1/meta.yaml line 3: invalid YAML — …". */
  message: string;
  file: string;
  line?: number;
  detail?: string;
}

export interface MlflowSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface MlflowDataset {
  name: string;
  digest: string;
  /** The dataset's source as recorded (a URI or path; relative paths are relative to where training ran). */
  sourceUri: string;
  /** Local path the source resolves to in this workspace, when it is a file path. */
  sourcePath?: string;
  sourceType?: string;
  /** mlflow.data.context tag, e.g. "training" or "eval". */
  context?: string;
}

export interface MlflowModelVersion {
  version: number;
  /** current_stage: None, Staging, Production, Archived. */
  stage: string;
  /** READY, PENDING_REGISTRATION, FAILED_REGISTRATION. */
  status: string;
  created?: Date;
  lastUpdated?: Date;
  description?: string;
  runId?: string;
  runName?: string;
  /** `source` as recorded, e.g. file:///other/machine/mlruns/1/<run>/artifacts/model or models:/m-…. */
  source?: string;
  storageLocation?: string;
  /** The version's artifact folder on this machine (re-rooted onto this mlruns folder), when it exists. */
  sourcePath?: string;
  /** The version-N folder in the registry. */
  registryDir: string;
  aliases: string[];
  /** Model version tags. */
  tags: Record<string, string>;
  /** Latest value of each run metric (highest step, then latest timestamp). */
  metrics: Record<string, number>;
  params: Record<string, string>;
  runTags: Record<string, string>;
  signature?: MlflowSignature;
  flavors: string[];
  modelUuid?: string;
  mlflowVersion?: string;
  utcTimeCreated?: string;
  /** MLmodel `metadata:` entries, stringified. */
  modelMetadata: Record<string, string>;
  datasets: MlflowDataset[];
  /** The version's meta.yaml could not be read: the other fields are partial. */
  error?: MlflowProblem;
  /** Non-fatal problems (run, MLmodel or dataset records unreadable). */
  warnings: MlflowProblem[];
}

export interface MlflowRegisteredModel {
  name: string;
  description?: string;
  created?: Date;
  lastUpdated?: Date;
  tags: Record<string, string>;
  /** alias → version number. */
  aliases: Record<string, number>;
  versions: MlflowModelVersion[];
  /** models/<name> folder. */
  dir: string;
  /** The model's meta.yaml could not be read. */
  error?: MlflowProblem;
}

export interface MlflowRegistry {
  mlrunsDir: string;
  models: MlflowRegisteredModel[];
  /** Problems not tied to one model (e.g. an unreadable models/ folder). */
  problems: MlflowProblem[];
}

const DELETED_STAGE = 'Deleted_Internal';
const MAX_VALUE_FILE = 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * The top-level fields of an MLflow meta.yaml, a plain scalar that YAML 1.2 reads as a number kept as its text. MLflow
 * writes these files with PyYAML (YAML 1.1), which leaves text such as the dataset digests 12345e67 or 01234589
 * unquoted because they are no numbers in YAML 1.1; read as numbers they would come back as 1.2345e+71 and 1234589.
 * The numeric fields (timestamps, version) are read from their text just the same.
 */
function fieldsAsWritten(file: YamlFile): Record<string, unknown> | undefined {
  if (!isRecord(file.value)) return undefined;
  const out: Record<string, unknown> = { ...file.value };
  const map = file.doc.contents;
  if (isMap(map)) {
    for (const { key, value } of map.items) {
      if (isScalar(key) && isScalar(value) && value.type === 'PLAIN' && typeof value.value === 'number' && value.source) out[String(key.value)] = value.source;
    }
  }
  return out;
}

function dateOf(v: unknown): Date | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  return n === undefined ? undefined : new Date(n);
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function problemOf(err: unknown, file: string): MlflowProblem {
  if (err instanceof LocatedFormatError) {
    const p: MlflowProblem = { message: err.message, file: err.file };
    if (err.line !== undefined) p.line = err.line;
    if (err.detail) p.detail = err.detail;
    return p;
  }
  if (err instanceof FormatError) return err.detail ? { message: err.message, file, detail: err.detail } : { message: err.message, file };
  const message = err instanceof Error ? err.message : String(err);
  return { message: message.split('\n')[0] ?? message, file, detail: message };
}

function display(mlrunsDir: string, path: string): string {
  return relative(mlrunsDir, path).split(sep).join('/');
}

/** Reads every file under `dir` (recursively) as key → content, keys being '/'-joined relative paths. */
async function readValueDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p, key);
      else if (e.isFile()) {
        const s = await stat(p).catch(() => undefined);
        if (!s || s.size > MAX_VALUE_FILE) continue;
        out[key] = await readFile(p, 'utf8').catch(() => '');
      }
    }
  };
  await walk(dir, '');
  return out;
}

function parseMetricValue(s: string): number {
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return Number(s);
}

/** Latest value of each metric file: "timestamp value step" lines; highest step wins, then latest timestamp. */
async function readMetrics(dir: string): Promise<Record<string, number>> {
  const files = await readValueDir(dir);
  const out: Record<string, number> = {};
  for (const [key, text] of Object.entries(files)) {
    let best: { step: number; ts: number; value: number } | undefined;
    for (const line of text.split('\n')) {
      const parts = line.trim().split(/\s+/);
      if (parts.length < 2 || parts[0] === '') continue;
      const ts = Number(parts[0]);
      const value = parseMetricValue(parts[1] as string);
      const step = parts.length >= 3 ? Number(parts[2]) : 0;
      if (!Number.isFinite(ts)) continue;
      if (!best || step > best.step || (step === best.step && ts >= best.ts)) best = { step, ts, value };
    }
    if (best) out[key] = best.value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// URIs and re-rooting

/** A local path from a file: URI or an absolute path, '/'-separated; undefined for other schemes and relative paths. */
function uriToAbsolute(uri: string): string | undefined {
  if (/^file:/i.test(uri)) {
    let rest = uri.replace(/^file:/i, '');
    if (rest.startsWith('//')) {
      rest = rest.slice(2);
      const slash = rest.indexOf('/');
      const host = slash < 0 ? rest : rest.slice(0, slash);
      rest = slash < 0 ? '/' : rest.slice(slash);
      if (host && host !== 'localhost') rest = `//${host}${rest}`;
    }
    try {
      rest = decodeURIComponent(rest);
    } catch {
      // Keep the raw text when it is not valid percent-encoding.
    }
    // file:///C:/x → C:/x
    if (/^\/[A-Za-z]:[/\\]/.test(rest)) rest = rest.slice(1);
    return rest.replace(/\\/g, '/');
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[A-Za-z]:[/\\]/.test(uri)) return undefined;
  if (uri.startsWith('/') || /^[A-Za-z]:[/\\]/.test(uri) || uri.startsWith('\\\\')) return uri.replace(/\\/g, '/');
  return undefined;
}

/** The part of an absolute '/'-path after its last `/mlruns/` segment. */
function afterMlruns(abs: string): string | undefined {
  const i = abs.lastIndexOf('/mlruns/');
  return i < 0 ? undefined : abs.slice(i + '/mlruns/'.length);
}

interface Context {
  mlrunsDir: string;
  /** Experiment folders (ids) in mlruns. */
  experiments: string[];
  runs: Map<string, Promise<RunInfo | undefined>>;
}

/**
 * Resolves an artifact location to an existing local path: as-is when it exists, else re-rooted on its `mlruns/`
 * segment onto this mlruns folder, else via `<run_id>/artifacts/` onto the run's folder.
 */
async function resolveArtifact(ctx: Context, uri: string | undefined, runId?: string): Promise<string | undefined> {
  if (!uri) return undefined;
  const runsMatch = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
  if (runsMatch) {
    const run = await findRun(ctx, runsMatch[1] as string);
    if (!run) return undefined;
    const base = (await resolveArtifact(ctx, run.artifactUri, run.runId)) ?? join(run.dir, 'artifacts');
    const target = join(base, ...(runsMatch[2] ?? '').split('/').filter(Boolean));
    return (await exists(target)) ? target : undefined;
  }
  const mlflowArtifacts = /^mlflow-artifacts:\/*(.*)$/.exec(uri);
  if (mlflowArtifacts) {
    const rest = (mlflowArtifacts[1] ?? '').split('/').filter(Boolean);
    for (const base of [ctx.mlrunsDir, join(dirname(ctx.mlrunsDir), 'mlartifacts')]) {
      const p = join(base, ...rest);
      if (await exists(p)) return p;
    }
    return undefined;
  }
  const abs = uriToAbsolute(uri);
  if (abs === undefined) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined; // s3:, gs:, models:, dbfs:, http:…
    for (const base of [dirname(ctx.mlrunsDir), ctx.mlrunsDir]) {
      const p = resolve(base, uri);
      if (await exists(p)) return p;
    }
    return undefined;
  }
  if (await exists(abs)) return resolve(abs);
  const tail = afterMlruns(abs);
  if (tail !== undefined) {
    const p = join(ctx.mlrunsDir, ...tail.split('/').filter(Boolean));
    if (await exists(p)) return p;
  }
  if (runId) {
    const marker = `/${runId}/artifacts`;
    const i = abs.indexOf(marker);
    const run = i >= 0 ? await findRun(ctx, runId) : undefined;
    if (run) {
      const p = join(run.dir, 'artifacts', ...abs.slice(i + marker.length).split('/').filter(Boolean));
      if (await exists(p)) return p;
    }
  }
  return undefined;
}

/** The project root the run was recorded in: the part of an mlruns URI before `/mlruns/`. */
function originalRoot(uri: string | undefined): string | undefined {
  const abs = uri ? uriToAbsolute(uri) : undefined;
  if (!abs) return undefined;
  const i = abs.lastIndexOf('/mlruns/');
  return i < 0 ? undefined : abs.slice(0, i);
}

/** Local path of a dataset source: relative → under the project root; absolute from another machine → re-rooted. */
async function resolveDatasetPath(ctx: Context, uri: string, recordedRoot: string | undefined): Promise<string | undefined> {
  const projectRoot = dirname(ctx.mlrunsDir);
  const abs = uriToAbsolute(uri);
  if (abs === undefined) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined;
    return resolve(projectRoot, uri);
  }
  if (await exists(abs)) return resolve(abs);
  if (recordedRoot && abs.startsWith(`${recordedRoot}/`)) return join(projectRoot, ...abs.slice(recordedRoot.length + 1).split('/'));
  const tail = afterMlruns(abs);
  if (tail !== undefined) return join(ctx.mlrunsDir, ...tail.split('/'));
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

interface RunInfo {
  runId: string;
  dir: string;
  experimentId: string;
  runName?: string;
  artifactUri?: string;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  datasets: MlflowDataset[];
  warnings: MlflowProblem[];
}

async function listExperiments(mlrunsDir: string): Promise<string[]> {
  const entries = await readdir(mlrunsDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'models' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function findRun(ctx: Context, runId: string): Promise<RunInfo | undefined> {
  let p = ctx.runs.get(runId);
  if (!p) {
    p = loadRun(ctx, runId);
    ctx.runs.set(runId, p);
  }
  return p;
}

async function loadRun(ctx: Context, runId: string): Promise<RunInfo | undefined> {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) return undefined;
  for (const exp of ctx.experiments) {
    const dir = join(ctx.mlrunsDir, exp, runId);
    if (!(await isDir(dir))) continue;
    const run: RunInfo = { runId, dir, experimentId: exp, metrics: {}, params: {}, tags: {}, datasets: [], warnings: [] };
    const metaPath = join(dir, 'meta.yaml');
    try {
      const meta = fieldsAsWritten(await readYamlFile(metaPath, display(ctx.mlrunsDir, metaPath)));
      if (meta) {
        const name = str(meta['run_name']);
        if (name) run.runName = name;
        const uri = str(meta['artifact_uri']);
        if (uri) run.artifactUri = uri;
      }
    } catch (err) {
      run.warnings.push(problemOf(err, metaPath));
    }
    run.metrics = await readMetrics(join(dir, 'metrics'));
    run.params = await readValueDir(join(dir, 'params'));
    run.tags = await readValueDir(join(dir, 'tags'));
    run.runName ??= run.tags['mlflow.runName'];
    run.datasets = await readRunDatasets(ctx, run);
    return run;
  }
  return undefined;
}

async function readRunDatasets(ctx: Context, run: RunInfo): Promise<MlflowDataset[]> {
  const inputsDir = join(run.dir, 'inputs');
  const entries = await readdir(inputsDir, { withFileTypes: true }).catch(() => []);
  const out: MlflowDataset[] = [];
  let recordedRoot = originalRoot(run.artifactUri);
  if (!recordedRoot) {
    const expMeta = await readYamlFile(join(ctx.mlrunsDir, run.experimentId, 'meta.yaml')).catch(() => undefined);
    if (expMeta && isRecord(expMeta.value)) recordedRoot = originalRoot(str(expMeta.value['artifact_location']));
  }
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const inputPath = join(inputsDir, e.name, 'meta.yaml');
    let input: YamlFile;
    try {
      input = await readYamlFile(inputPath, display(ctx.mlrunsDir, inputPath));
    } catch (err) {
      run.warnings.push(problemOf(err, inputPath));
      continue;
    }
    const v = input.value;
    if (!isRecord(v) || str(v['source_type']) !== 'DATASET') continue;
    const datasetId = str(v['source_id']);
    if (!datasetId || !/^[A-Za-z0-9_-]+$/.test(datasetId)) continue;
    const dsPath = join(ctx.mlrunsDir, run.experimentId, 'datasets', datasetId, 'meta.yaml');
    let ds: YamlFile;
    try {
      ds = await readYamlFile(dsPath, display(ctx.mlrunsDir, dsPath));
    } catch (err) {
      run.warnings.push(problemOf(err, dsPath));
      continue;
    }
    const fields = fieldsAsWritten(ds);
    if (!fields) continue;
    const rawSource = str(fields['source']) ?? '';
    let sourceUri = rawSource;
    try {
      const parsed: unknown = JSON.parse(rawSource);
      if (isRecord(parsed)) sourceUri = str(parsed['uri']) ?? str(parsed['path']) ?? str(parsed['url']) ?? str(parsed['table_name']) ?? rawSource;
    } catch {
      // Older records store the source as a plain string.
    }
    const dataset: MlflowDataset = { name: str(fields['name']) ?? '', digest: str(fields['digest']) ?? '', sourceUri };
    const sourceType = str(fields['source_type']);
    if (sourceType) dataset.sourceType = sourceType;
    const tags = v['tags'];
    if (isRecord(tags)) {
      const context = str(tags['mlflow.data.context']);
      if (context) dataset.context = context;
    }
    if (sourceUri) {
      const local = await resolveDatasetPath(ctx, sourceUri, recordedRoot);
      if (local) dataset.sourcePath = local;
    }
    out.push(dataset);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// MLmodel

const COLUMN_DTYPES: Readonly<Record<string, string>> = {
  double: 'float64',
  float: 'float32',
  long: 'int64',
  integer: 'int32',
  boolean: 'bool',
  string: 'string',
  binary: 'binary',
  datetime: 'datetime',
};
const NUMPY_DTYPES: Readonly<Record<string, string>> = {
  float: 'float64',
  double: 'float64',
  half: 'float16',
  str: 'string',
  object: 'string',
  bool_: 'bool',
  bytes: 'binary',
};

function specDtype(spec: Record<string, unknown>): string {
  const type = str(spec['type']) ?? 'unknown';
  if (type === 'tensor') {
    const ts = spec['tensor-spec'];
    const dt = isRecord(ts) ? (str(ts['dtype']) ?? 'unknown') : 'unknown';
    return NUMPY_DTYPES[dt] ?? dt;
  }
  if (type === 'array') {
    const items = spec['items'];
    return `list(${isRecord(items) ? specDtype(items) : 'unknown'})`;
  }
  if (type === 'object') return 'struct';
  if (type === 'map') {
    const values = spec['values'];
    return `map(string,${isRecord(values) ? specDtype(values) : 'unknown'})`;
  }
  return COLUMN_DTYPES[type] ?? type;
}

/** Converts an MLflow signature JSON string (column or tensor specs) to TensorSpecs. */
export function parseMlflowSchema(json: string | undefined | null, prefix = 'input'): TensorSpec[] {
  if (!json) return [];
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new FormatError('signature schema is not a JSON list');
  return parsed.map((raw, i) => {
    const spec = isRecord(raw) ? raw : {};
    const name = str(spec['name']) ?? `${prefix}_${i}`;
    if (spec['type'] === 'tensor') {
      const ts = spec['tensor-spec'];
      const shape = isRecord(ts) && Array.isArray(ts['shape']) ? ts['shape'].map((d: unknown) => (typeof d === 'number' && d >= 0 ? d : null)) : null;
      return { name, dtype: specDtype(spec), shape };
    }
    // A column of a DataFrame: one value per row.
    return { name, dtype: specDtype(spec), shape: [null] };
  });
}

interface MlmodelInfo {
  flavors: string[];
  signature?: MlflowSignature;
  modelUuid?: string;
  mlflowVersion?: string;
  utcTimeCreated?: string;
  metadata: Record<string, string>;
}

function signatureOf(raw: unknown): MlflowSignature | undefined {
  if (!isRecord(raw)) return undefined;
  const inputs = parseMlflowSchema(str(raw['inputs']), 'input');
  const outputs = parseMlflowSchema(str(raw['outputs']), 'output');
  return inputs.length || outputs.length ? { inputs, outputs } : undefined;
}

function mlmodelFrom(v: Record<string, unknown>): MlmodelInfo {
  const info: MlmodelInfo = { flavors: isRecord(v['flavors']) ? Object.keys(v['flavors']) : [], metadata: {} };
  const signature = signatureOf(v['signature']);
  if (signature) info.signature = signature;
  const uuid = str(v['model_uuid']);
  if (uuid) info.modelUuid = uuid;
  const mv = str(v['mlflow_version']);
  if (mv) info.mlflowVersion = mv;
  const created = str(v['utc_time_created']);
  if (created) info.utcTimeCreated = created;
  const md = v['metadata'];
  if (isRecord(md)) for (const [k, val] of Object.entries(md)) info.metadata[k] = typeof val === 'string' ? val : JSON.stringify(val);
  return info;
}

async function readMlmodel(ctx: Context, dir: string): Promise<MlmodelInfo | undefined> {
  const path = join(dir, 'MLmodel');
  if (!(await exists(path))) return undefined;
  const file = await readYamlFile(path, display(ctx.mlrunsDir, path));
  if (!isRecord(file.value)) throw new LocatedFormatError(`${file.display}: expected a mapping`, path);
  try {
    return mlmodelFrom(file.value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new LocatedFormatError(`${file.display}: invalid signature — ${reason}`, path, undefined, reason);
  }
}

/** Falls back to the run's mlflow.log-model.history tag when the MLmodel file is not available locally. */
function mlmodelFromHistory(run: RunInfo, source: string | undefined): MlmodelInfo | undefined {
  const history = run.tags['mlflow.log-model.history'];
  if (!history) return undefined;
  let entries: unknown;
  try {
    entries = JSON.parse(history);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const artifactPath = source ? /\/artifacts\/(.+?)\/?$/.exec(source.replace(/\\/g, '/'))?.[1] : undefined;
  const records = entries.filter(isRecord);
  const match = records.find((e) => str(e['artifact_path']) === artifactPath) ?? (records.length === 1 ? records[0] : undefined);
  if (!match) return undefined;
  try {
    return mlmodelFrom(match);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Registry

function versionNumber(dirName: string): number {
  return Number(dirName.slice('version-'.length));
}

/** A version with nothing read yet: the registry folder and its aliases. */
function blankVersion(registryDir: string, aliases: string[]): MlflowModelVersion {
  return {
    version: versionNumber(registryDir.slice(registryDir.lastIndexOf(sep) + 1)),
    stage: 'None', status: '', registryDir, aliases, tags: {}, metrics: {}, params: {}, runTags: {}, flavors: [], modelMetadata: {}, datasets: [], warnings: [],
  };
}

async function readVersion(ctx: Context, modelDir: string, dirName: string, aliasesByVersion: Map<number, string[]>): Promise<MlflowModelVersion | undefined> {
  const dir = join(modelDir, dirName);
  const metaPath = join(dir, 'meta.yaml');
  const v = blankVersion(dir, []);
  let meta: Record<string, unknown>;
  try {
    const file = await readYamlFile(metaPath, display(ctx.mlrunsDir, metaPath));
    const fields = fieldsAsWritten(file);
    if (!fields) throw new LocatedFormatError(`${file.display}: expected a mapping of model version fields`, metaPath);
    meta = fields;
  } catch (err) {
    v.error = problemOf(err, metaPath);
    v.aliases = aliasesByVersion.get(v.version) ?? [];
    return v;
  }
  const stage = str(meta['current_stage']) ?? 'None';
  if (stage === DELETED_STAGE) return undefined;
  v.stage = stage;
  const version = Number(meta['version']);
  if (Number.isInteger(version) && version > 0) v.version = version;
  v.status = str(meta['status']) ?? '';
  const created = dateOf(meta['creation_timestamp']);
  if (created) v.created = created;
  const updated = dateOf(meta['last_updated_timestamp']);
  if (updated) v.lastUpdated = updated;
  const description = str(meta['description']);
  if (description) v.description = description;
  const runId = str(meta['run_id']);
  if (runId) v.runId = runId;
  const source = str(meta['source']);
  if (source) v.source = source;
  const storage = str(meta['storage_location']);
  if (storage) v.storageLocation = storage;
  v.tags = await readValueDir(join(dir, 'tags'));

  const fromDir = aliasesByVersion.get(v.version);
  const fromMeta = Array.isArray(meta['aliases']) ? meta['aliases'].map(str).filter((a): a is string => !!a) : [];
  v.aliases = fromDir ?? fromMeta;

  const run = runId ? await findRun(ctx, runId) : undefined;
  if (run) {
    v.metrics = run.metrics;
    v.params = run.params;
    v.runTags = run.tags;
    v.datasets = run.datasets;
    if (run.runName) v.runName = run.runName;
    v.warnings.push(...run.warnings);
  } else if (runId) {
    v.warnings.push({ message: `Run ${runId} of version ${v.version} is not in this mlruns folder`, file: metaPath });
  }

  const sourcePath = (await resolveArtifact(ctx, storage, runId)) ?? (await resolveArtifact(ctx, source, runId));
  if (sourcePath && (await isDir(sourcePath))) v.sourcePath = sourcePath;
  else if (sourcePath) v.sourcePath = dirname(sourcePath);

  let mlmodel: MlmodelInfo | undefined;
  if (v.sourcePath) {
    try {
      mlmodel = await readMlmodel(ctx, v.sourcePath);
    } catch (err) {
      v.warnings.push(problemOf(err, join(v.sourcePath, 'MLmodel')));
    }
  }
  if (!mlmodel && run) mlmodel = mlmodelFromHistory(run, storage ?? source);
  if (mlmodel) {
    v.flavors = mlmodel.flavors;
    if (mlmodel.signature) v.signature = mlmodel.signature;
    if (mlmodel.modelUuid) v.modelUuid = mlmodel.modelUuid;
    if (mlmodel.mlflowVersion) v.mlflowVersion = mlmodel.mlflowVersion;
    if (mlmodel.utcTimeCreated) v.utcTimeCreated = mlmodel.utcTimeCreated;
    v.modelMetadata = mlmodel.metadata;
  }
  return v;
}

async function readModel(ctx: Context, name: string): Promise<MlflowRegisteredModel> {
  const dir = join(ctx.mlrunsDir, 'models', name);
  const model: MlflowRegisteredModel = { name, tags: {}, aliases: {}, versions: [], dir };
  const metaPath = join(dir, 'meta.yaml');
  let metaAliases: Record<string, number> = {};
  try {
    const file = await readYamlFile(metaPath, display(ctx.mlrunsDir, metaPath));
    const meta = fieldsAsWritten(file);
    if (!meta) throw new LocatedFormatError(`${file.display}: expected a mapping of registered model fields`, metaPath);
    const n = str(meta['name']);
    if (n) model.name = n;
    const description = str(meta['description']);
    if (description) model.description = description;
    const created = dateOf(meta['creation_timestamp']);
    if (created) model.created = created;
    const updated = dateOf(meta['last_updated_timestamp']);
    if (updated) model.lastUpdated = updated;
    const aliases = meta['aliases'];
    if (isRecord(aliases)) {
      metaAliases = Object.fromEntries(
        Object.entries(aliases)
          .map(([k, val]) => [k, Number(val)] as const)
          .filter(([, val]) => Number.isInteger(val)),
      );
    }
  } catch (err) {
    model.error = problemOf(err, metaPath);
  }
  model.tags = await readValueDir(join(dir, 'tags'));

  // aliases/<alias> files hold the version number; they are authoritative over meta.yaml.
  const aliasFiles = await readValueDir(join(dir, 'aliases'));
  const fromFiles: Record<string, number> = {};
  for (const [alias, content] of Object.entries(aliasFiles)) {
    const n = Number(content.trim());
    if (Number.isInteger(n)) fromFiles[alias] = n;
  }
  model.aliases = Object.keys(fromFiles).length ? fromFiles : metaAliases;
  const byVersion = new Map<number, string[]>();
  for (const [alias, version] of Object.entries(model.aliases)) byVersion.set(version, [...(byVersion.get(version) ?? []), alias]);

  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const versionDirs = entries.filter((e) => e.isDirectory() && /^version-\d+$/.test(e.name)).map((e) => e.name);
  for (const d of versionDirs) {
    try {
      const v = await readVersion(ctx, dir, d, byVersion);
      if (v) model.versions.push(v);
    } catch (err) {
      // Unexpected failures stay with the version.
      const version = blankVersion(join(dir, d), byVersion.get(versionNumber(d)) ?? []);
      version.error = problemOf(err, join(dir, d, 'meta.yaml'));
      model.versions.push(version);
    }
  }
  model.versions.sort((a, b) => a.version - b.version);
  // Aliases of deleted versions point nowhere.
  const live = new Set(model.versions.map((v) => v.version));
  model.aliases = Object.fromEntries(Object.entries(model.aliases).filter(([, ver]) => live.has(ver)));
  return model;
}

/**
 * Reads the model registry of an MLflow FileStore (`mlruns/`): every registered model with its versions, aliases,
 * tags, the run behind each version and its MLmodel. Missing registry → no models.
 */
export async function readMlflowRegistry(mlrunsDir: string): Promise<MlflowRegistry> {
  const root = resolve(mlrunsDir);
  const registry: MlflowRegistry = { mlrunsDir: root, models: [], problems: [] };
  const modelsDir = join(root, 'models');
  if (!(await isDir(modelsDir))) return registry;
  const ctx: Context = { mlrunsDir: root, experiments: await listExperiments(root), runs: new Map() };
  let names: string[];
  try {
    names = (await readdir(modelsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    registry.problems.push(problemOf(err, modelsDir));
    return registry;
  }
  for (const name of names.sort()) {
    try {
      registry.models.push(await readModel(ctx, name));
    } catch (err) {
      registry.models.push({ name, tags: {}, aliases: {}, versions: [], dir: join(modelsDir, name), error: problemOf(err, join(modelsDir, name)) });
    }
  }
  return registry;
}

/** True when `dir` looks like an MLflow FileStore (has a models/ registry or experiment folders with meta.yaml). */
export async function isMlrunsDir(dir: string): Promise<boolean> {
  if (await isDir(join(dir, 'models'))) return true;
  return exists(join(dir, '0', 'meta.yaml'));
}

