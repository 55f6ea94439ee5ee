// Discovery: walks one workspace folder and builds its Catalog of models (MLflow registry, versioned folders, single
// files) and data snapshots (CSV/TSV/JSONL/Parquet, DVC-tracked). Reads headers only; never loads or runs a model.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Manifest } from '../config/manifest';
import { readDvcFile, readDvcLock } from '../formats/dvc';
import { readGgufMetadata } from '../formats/gguf';
import { isHuggingFaceDir, readHuggingFaceDir } from '../formats/huggingface';
import { readMlflowRegistry, type MlflowModelVersion } from '../formats/mlflow';
import { readOnnxMetadata } from '../formats/onnx';
import { readPickleInfo } from '../formats/pickle';
import { readSafetensorsMetadata } from '../formats/safetensors';
import { readSavedModelMetadata } from '../formats/savedmodel';
import { readCsvMetadata, readJsonlMetadata, readParquetMetadata } from '../formats/tabular';
import { FormatError, LocatedFormatError, type DataFormat, type ModelFormat, type ModelMetadata } from '../formats/types';
import { errorMessage, mapLimit } from '../util/concurrency';
import { compareVersions, isVersionName, splitVersionedStem, standaloneModel, stemOf } from './naming';
import type { Catalog, DatasetEntry, LineageLink, ModelEntry, ModelVersionEntry, ProblemInfo, SnapshotEntry } from './types';
import { fileStat, walkWorkspace, type WalkedFile } from './walk';

const MODEL_EXT: Record<string, ModelFormat> = {
  '.onnx': 'onnx', '.safetensors': 'safetensors', '.gguf': 'gguf',
  '.pkl': 'pickle', '.pickle': 'pickle', '.joblib': 'pickle', '.pt': 'pickle', '.pth': 'pickle',
};
const DATA_EXT: Record<string, DataFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.pq': 'parquet' };

/** The tabular format of a data file from its extension (.csv, .tsv, .jsonl/.ndjson, .parquet/.pq). */
export function dataFormatOf(path: string): DataFormat | undefined {
  return DATA_EXT[extOf(path.split(/[\\/]/).pop() ?? path)];
}
/** Preference when one version folder holds several model files. */
const FORMAT_RANK: ModelFormat[] = ['onnx', 'savedmodel', 'huggingface', 'safetensors', 'gguf', 'pickle'];
const SPECIAL_FILES = new Set(['saved_model.pb', 'config.json', 'model_card.json', 'dvc.lock', 'mlship.yaml']);

function extOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(i).toLowerCase();
}

export function isInterestingFile(name: string): boolean {
  const ext = extOf(name);
  return ext in MODEL_EXT || ext in DATA_EXT || ext === '.dvc' || SPECIAL_FILES.has(name);
}

export interface DiscoveryOptions {
  /** files.exclude globs (the enabled ones), relative to the root. */
  exclude?: readonly string[];
  manifest?: Manifest;
  signal?: AbortSignal;
}

function toProblem(err: unknown, file: string): ProblemInfo {
  if (err instanceof LocatedFormatError) return { message: err.message, ...(err.detail ? { detail: err.detail } : {}), file, ...(err.line !== undefined ? { line: err.line } : {}) };
  if (err instanceof FormatError) return { message: err.message, ...(err.detail ? { detail: err.detail } : {}), file };
  const message = errorMessage(err);
  const code = (err as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM') return { message: `Cannot read the file (permission denied).`, detail: message, file };
  return { message: message.split('\n')[0] ?? message, detail: message, file };
}

/** Builds a matcher for manifest `models:`/`data:` entries: folders (`models/`) and globs (`**\/*.onnx`). */
function rootsMatcher(entries: readonly string[] | undefined): ((relPath: string) => boolean) | undefined {
  if (!entries || entries.length === 0) return undefined;
  const tests = entries.map((raw) => {
    const e = raw.replace(/^\.\//, '');
    if (/[*?{[]/.test(e)) return picomatch(e, { dot: true });
    const dir = e.replace(/\/+$/, '');
    return (p: string) => p === dir || p.startsWith(`${dir}/`);
  });
  return (relPath) => tests.some((t) => t(relPath));
}

interface ModelUnit {
  kind: ModelFormat;
  /** Workspace-relative path of the file or folder. */
  relPath: string;
}

async function readModelUnit(root: string, unit: ModelUnit): Promise<ModelMetadata> {
  const abs = join(root, unit.relPath);
  switch (unit.kind) {
    case 'onnx': return readOnnxMetadata(abs);
    case 'safetensors': return readSafetensorsMetadata(abs);
    case 'gguf': return readGgufMetadata(abs);
    case 'savedmodel': return readSavedModelMetadata(abs);
    case 'huggingface': return readHuggingFaceDir(abs);
    case 'pickle': return readPickleInfo(abs);
  }
}

interface ModelCard {
  name?: string;
  version?: string;
  created?: string;
  description?: string;
  metrics?: Record<string, number>;
  training_data?: string | string[];
  aliases?: string[];
  framework?: string;
}

async function readModelCard(file: string): Promise<ModelCard | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as ModelCard;
  } catch (err) {
    throw new FormatError(`Invalid model_card.json: ${errorMessage(err)}`, 'Fix the JSON syntax of the model card; MLShip reads metrics and training data from it.');
  }
}

function numericMetrics(m: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (m && typeof m === 'object') for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export async function discoverCatalog(root: string, options: DiscoveryOptions = {}): Promise<Catalog> {
  const started = performance.now();
  const manifest = options.manifest;
  const mlflowDirNames = new Set(['mlruns']);
  const trackingUri = manifest?.mlflow?.trackingUri;
  const localTracking = trackingUri && !/^[a-z]+:\/\//i.test(trackingUri) ? trackingUri.replace(/^file:\/\//, '') : undefined;
  if (localTracking) mlflowDirNames.add(basename(localTracking));
  const walk = await walkWorkspace(root, {
    exclude: [...(options.exclude ?? []), ...(manifest?.exclude ?? [])],
    keepFile: isInterestingFile,
    claimDir: (name) => mlflowDirNames.has(name),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const problems: ProblemInfo[] = walk.errors.map((e) => ({ message: `Cannot read folder: ${e.message}`, file: join(root, e.relPath) }));
  const inModels = rootsMatcher(manifest?.models);
  const inData = rootsMatcher(manifest?.data);

  // MLflow registries: claimed folders, plus a tracking folder named in the manifest.
  const mlrunsDirs = new Set(walk.claimedDirs.map((d) => join(root, d)));
  if (localTracking) {
    const abs = resolve(root, localTracking);
    if ((await fileStat(join(abs, '.')))) mlrunsDirs.add(abs);
  }
  const models: ModelEntry[] = [];
  for (const dir of [...mlrunsDirs].sort()) models.push(...(await discoverMlflow(root, dir, problems)));

  // Folder-shaped models (SavedModel, Hugging Face), then files not inside them.
  const units: ModelUnit[] = [];
  const dirUnits = new Set<string>();
  const configs = walk.files.filter((f) => f.name === 'config.json');
  const hfDirs = await mapLimit(configs, 8, async (f) => ((await isHuggingFaceDir(join(root, dirname(f.relPath)))) ? posix.dirname(f.relPath) : undefined));
  for (const d of hfDirs) {
    if (d === undefined) continue;
    dirUnits.add(d);
    units.push({ kind: 'huggingface', relPath: d });
  }
  for (const f of walk.files) {
    if (f.name === 'saved_model.pb') {
      const d = posix.dirname(f.relPath);
      dirUnits.add(d);
      units.push({ kind: 'savedmodel', relPath: d });
    }
  }
  const insideDirUnit = (rel: string) => [...dirUnits].some((d) => d === '.' || rel.startsWith(`${d}/`));
  for (const f of walk.files) {
    const kind = MODEL_EXT[extOf(f.name)];
    if (kind && !insideDirUnit(f.relPath)) units.push({ kind, relPath: f.relPath });
  }
  const modelUnits = inModels ? units.filter((u) => inModels(u.relPath)) : units;
  models.push(...(await assembleFileModels(root, modelUnits, walk.files)));

  const datasets = await discoverSnapshots(root, walk.files, dirUnits, inData, problems);
  linkLineage(root, models, datasets);
  models.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  return { root, models, datasets, problems, stats: { filesSeen: walk.filesSeen, dirs: walk.dirs.length, durationMs: performance.now() - started } };
}

async function assembleFileModels(root: string, units: ModelUnit[], files: WalkedFile[]): Promise<ModelEntry[]> {
  // Group units by version folder: models/<name>/<version>/<unit>.
  const byModel = new Map<string, { name: string; versions: Map<string, ModelUnit[]> }>();
  const standalone: ModelUnit[] = [];
  for (const u of units) {
    const versionDir = u.kind === 'savedmodel' || u.kind === 'huggingface' ? u.relPath : posix.dirname(u.relPath);
    const versionName = posix.basename(versionDir);
    const modelDir = posix.dirname(versionDir);
    if (versionDir !== '.' && modelDir !== '.' && isVersionName(versionName)) {
      const entry = byModel.get(modelDir) ?? { name: posix.basename(modelDir), versions: new Map<string, ModelUnit[]>() };
      entry.versions.set(versionName, [...(entry.versions.get(versionName) ?? []), u]);
      byModel.set(modelDir, entry);
    } else standalone.push(u);
  }
  const cards = new Set(files.filter((f) => f.name === 'model_card.json').map((f) => f.relPath));
  const out: ModelEntry[] = [];

  for (const [modelDir, { name, versions }] of byModel) {
    const modelId = `folder:${join(root, modelDir)}`;
    const entries = await mapLimit([...versions.entries()], 4, async ([version, vunits]) => {
      const versionDir = `${modelDir}/${version}`;
      const { v } = await describeUnits(root, vunits, { modelId, modelName: name, version }, () => join(root, versionDir));
      v.reference = versionDir;
      const cardRel = `${versionDir}/model_card.json`;
      if (cards.has(cardRel)) {
        try {
          const card = await readModelCard(join(root, cardRel));
          if (card) applyCard(v, card);
        } catch (err) {
          v.error ??= toProblem(err, join(root, cardRel));
        }
      }
      return v;
    });
    entries.sort((a, b) => compareVersions(b.version, a.version));
    out.push({ id: modelId, name, source: 'folder', path: join(root, modelDir), versions: entries });
  }

  // Files whose names end with a version (`credit-risk-v1.onnx`, `credit-risk-v2.onnx`): one model per name and folder,
  // a version per file, named as serving and the scaffold name them (see `standaloneModel`).
  const byName = new Map<string, { dir: string; name: string; versions: Map<string, ModelUnit[]> }>();
  const loose: ModelUnit[] = [];
  // In path order, whatever order the walk found them in (which of two same-version files a version takes).
  for (const u of [...standalone].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0))) {
    const named = u.kind === 'savedmodel' || u.kind === 'huggingface' ? undefined : standaloneModel(u.relPath);
    if (!named?.named) {
      loose.push(u);
      continue;
    }
    const dir = posix.dirname(u.relPath);
    const key = `${dir}/${named.name}`;
    const entry = byName.get(key) ?? { dir, name: named.name, versions: new Map<string, ModelUnit[]>() };
    const same = entry.versions.get(named.version) ?? [];
    // Two files of one format for the same version (`churn-v3.onnx`, `churn_v3.onnx`): the second is a model of its
    // own, as it was before, rather than hidden under the first's other files. (ONNX and a pickle of a version are one.)
    if (same.some((x) => x.kind === u.kind)) {
      loose.push(u);
      continue;
    }
    entry.versions.set(named.version, [...same, u]);
    byName.set(key, entry);
  }
  for (const { dir, name, versions } of byName.values()) {
    const modelId = `files:${join(root, dir, name)}`;
    const entries = await mapLimit([...versions.entries()], 4, async ([version, vunits]) => {
      const { v, primary } = await describeUnits(root, vunits, { modelId, modelName: name, version }, (u) => join(root, u.relPath));
      // A card beside several versions' files does not say which version it describes (its aliases name one).
      if (versions.size === 1) await applySiblingCard(root, primary, cards, v);
      return v;
    });
    entries.sort((a, b) => compareVersions(b.version, a.version));
    out.push({ id: modelId, name, source: 'files', path: (entries[0] as ModelVersionEntry).path, versions: entries });
  }

  const singles = await mapLimit(loose, 8, async (u) => {
    const name = u.kind === 'savedmodel' || u.kind === 'huggingface' ? posix.basename(u.relPath) : stemOf(posix.basename(u.relPath));
    const modelId = `file:${join(root, u.relPath)}`;
    const v = await describeUnit(root, u, { modelId, modelName: name, version: posix.basename(u.relPath), path: join(root, u.relPath) });
    await applySiblingCard(root, u, cards, v);
    const entry: ModelEntry = { id: modelId, name, source: 'file', path: join(root, u.relPath), versions: [v] };
    return entry;
  });
  out.push(...singles);
  return out;
}

/**
 * A version made of several files: described by the one of the first format in `FORMAT_RANK` (the primary), the others
 * listed as its other files; its path is `pathOf` the primary.
 */
async function describeUnits(root: string, vunits: ModelUnit[], base: { modelId: string; modelName: string; version: string }, pathOf: (primary: ModelUnit) => string): Promise<{ v: ModelVersionEntry; primary: ModelUnit }> {
  vunits.sort((a, b) => FORMAT_RANK.indexOf(a.kind) - FORMAT_RANK.indexOf(b.kind));
  const primary = vunits[0] as ModelUnit;
  const v = await describeUnit(root, primary, { ...base, path: pathOf(primary) });
  v.otherFiles = vunits.slice(1).map((u) => join(root, u.relPath));
  return { v, primary };
}

/** A `model_card.json` beside a model file that is not ONNX or a pickle (whose own metadata says more) applies to it. */
async function applySiblingCard(root: string, u: ModelUnit, cards: ReadonlySet<string>, v: ModelVersionEntry): Promise<void> {
  const cardRel = posix.join(posix.dirname(u.relPath), 'model_card.json');
  if (u.kind === 'pickle' || u.kind === 'onnx' || !cards.has(cardRel)) return;
  const card = await readModelCard(join(root, cardRel)).catch(() => undefined);
  if (card) applyCard(v, card);
}

function applyCard(v: ModelVersionEntry, card: ModelCard): void {
  Object.assign(v.metrics, numericMetrics(card.metrics));
  if (card.created) v.created = card.created;
  if (card.description) v.description = card.description;
  if (Array.isArray(card.aliases)) v.aliases.push(...card.aliases.filter((a) => typeof a === 'string'));
  if (card.framework) v.tags['framework'] = card.framework;
  const data = typeof card.training_data === 'string' ? [card.training_data] : Array.isArray(card.training_data) ? card.training_data : [];
  for (const d of data) if (typeof d === 'string') v.lineage.push({ label: 'training data', relPath: d.replace(/^\.\//, '') });
}

async function describeUnit(root: string, unit: ModelUnit, base: { modelId: string; modelName: string; version: string; path: string }): Promise<ModelVersionEntry> {
  const abs = join(root, unit.relPath);
  const v: ModelVersionEntry = {
    id: `${base.modelId}#${base.version}`, ...base, aliases: [], path: base.path, format: unit.kind,
    metrics: {}, params: {}, tags: {}, lineage: [], reference: unit.relPath, otherFiles: [],
  };
  if (unit.kind !== 'savedmodel' && unit.kind !== 'huggingface') v.modelFile = abs;
  else if (unit.kind === 'savedmodel') v.modelFile = join(abs, 'saved_model.pb');
  const st = await fileStat(v.modelFile ?? abs);
  if (st) {
    v.size = st.size;
    v.created = new Date(st.mtimeMs).toISOString();
  }
  try {
    v.metadata = await readModelUnit(root, unit);
    Object.assign(v.metrics, metadataMetrics(v.metadata.metadata));
  } catch (err) {
    v.error = toProblem(err, abs);
  }
  return v;
}

const METRIC_NAME = /^(?:(?:holdout|test|val|valid|validation|eval)[._-])?(?:accuracy|balanced_accuracy|acc|auc|roc_auc|pr_auc|average_precision|f1|f1_score|f1_macro|f1_weighted|precision|recall|log_?loss|brier|rmse|mae|mse|mape|r2|ndcg|map)$/i;

/**
 * Evaluation metrics a model file carries in its metadata (ONNX metadata_props such as `accuracy` = "0.91",
 * `holdout_auc` or `metrics.f1`): numeric values of known metric names, or any key under a `metric.` / `metrics.`
 * prefix (which is dropped).
 */
export function metadataMetrics(metadata: Record<string, string> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, raw] of Object.entries(metadata ?? {})) {
    const prefixed = /^metrics?[./:]([^\s]+)$/i.exec(key);
    const name = prefixed?.[1] ?? key;
    const value = raw.trim() === '' ? NaN : Number(raw);
    if ((prefixed || METRIC_NAME.test(name)) && Number.isFinite(value)) out[name] = value;
  }
  return out;
}

async function discoverMlflow(root: string, mlrunsDir: string, problems: ProblemInfo[]): Promise<ModelEntry[]> {
  const registry = await readMlflowRegistry(mlrunsDir);
  problems.push(...registry.problems, ...registry.models.flatMap((m) => m.versions.flatMap((v) => v.warnings)));
  return mapLimit(registry.models, 4, async (m) => {
    const modelId = `mlflow:${mlrunsDir}:${m.name}`;
    const versions = await mapLimit(m.versions, 4, (mv) => describeMlflowVersion(root, modelId, m.name, mv));
    versions.sort((a, b) => compareVersions(b.version, a.version));
    const entry: ModelEntry = { id: modelId, name: m.name, source: 'mlflow', path: join(mlrunsDir, 'models', m.name), versions };
    if (m.description) entry.description = m.description;
    if (m.error) entry.error = { message: m.error.message, file: m.error.file, ...(m.error.line ? { line: m.error.line } : {}), ...(m.error.detail ? { detail: m.error.detail } : {}) };
    return entry;
  });
}

async function describeMlflowVersion(root: string, modelId: string, modelName: string, mv: MlflowModelVersion): Promise<ModelVersionEntry> {
  const alias = mv.aliases[0];
  const v: ModelVersionEntry = {
    id: `${modelId}#${mv.version}`, modelId, modelName, version: String(mv.version), aliases: [...mv.aliases],
    path: mv.sourcePath ?? mv.source ?? '', metrics: { ...mv.metrics }, params: { ...mv.params }, tags: { ...mv.tags }, lineage: [],
    reference: alias ? `models:/${modelName}@${alias}` : `models:/${modelName}/${mv.version}`, otherFiles: [],
  };
  if (mv.stage && mv.stage !== 'None') v.stage = mv.stage;
  if (mv.created) v.created = mv.created.toISOString();
  if (mv.description) v.description = mv.description;
  if (mv.signature) v.signature = mv.signature;
  for (const d of mv.datasets) {
    const link: LineageLink = { label: d.name || 'dataset' };
    const local = d.sourcePath ? toPosix(relative(root, d.sourcePath)) : undefined;
    if (local && !local.startsWith('..')) link.relPath = local;
    if (d.digest) link.digest = d.digest;
    v.lineage.push(link);
  }
  if (mv.error) {
    v.error = { message: mv.error.message, file: mv.error.file, ...(mv.error.line ? { line: mv.error.line } : {}), ...(mv.error.detail ? { detail: mv.error.detail } : {}) };
    return v;
  }
  if (!mv.sourcePath) {
    v.error = { message: `Model artifacts not found locally (${mv.source ?? 'no source recorded'}).`, detail: 'The version\'s source is not a folder in this workspace: download the artifacts or point mlflow.trackingUri at the registry that holds them.', file: join(mv.registryDir, 'meta.yaml') };
    return v;
  }
  // The model inside the MLflow artifact folder: prefer ONNX, then the other header-readable formats.
  const found = await findModelFile(mv.sourcePath);
  if (found) {
    v.format = found.kind;
    v.modelFile = found.file;
    const st = await fileStat(found.file);
    if (st) v.size = st.size;
    try {
      v.metadata = await readModelUnit(dirname(found.file), { kind: found.kind, relPath: basename(found.file) });
      for (const [k, n] of Object.entries(metadataMetrics(v.metadata.metadata))) v.metrics[k] ??= n;
    } catch (err) {
      v.error = toProblem(err, found.file);
    }
  }
  return v;
}

async function findModelFile(dir: string): Promise<{ kind: ModelFormat; file: string } | undefined> {
  const walk = await walkWorkspace(dir, { keepFile: (n) => extOf(n) in MODEL_EXT || n === 'saved_model.pb' });
  const candidates = walk.files.map((f) => ({ kind: f.name === 'saved_model.pb' ? ('savedmodel' as const) : (MODEL_EXT[extOf(f.name)] as ModelFormat), file: join(dir, f.relPath) }));
  candidates.sort((a, b) => FORMAT_RANK.indexOf(a.kind) - FORMAT_RANK.indexOf(b.kind));
  const first = candidates[0];
  if (first?.kind === 'savedmodel') return { kind: 'savedmodel', file: dirname(first.file) };
  return first;
}

async function discoverSnapshots(root: string, files: WalkedFile[], modelDirs: Set<string>, inData: ((p: string) => boolean) | undefined, problems: ProblemInfo[]): Promise<DatasetEntry[]> {
  const insideModel = (rel: string) => [...modelDirs].some((d) => rel.startsWith(`${d}/`));
  const byPath = new Map<string, SnapshotEntry>();
  const keep = (rel: string) => !insideModel(rel) && (!inData || inData(rel));

  const dataFiles = files.filter((f) => extOf(f.name) in DATA_EXT && keep(f.relPath));
  await mapLimit(dataFiles, 8, async (f) => {
    const abs = join(root, f.relPath);
    const format = DATA_EXT[extOf(f.name)] as DataFormat;
    const s: SnapshotEntry = { id: `snapshot:${abs}`, datasetId: '', label: f.name, path: abs, relPath: f.relPath, format, present: true };
    const st = await fileStat(abs);
    if (st) {
      s.size = st.size;
      s.modified = new Date(st.mtimeMs).toISOString();
    }
    try {
      s.metadata = format === 'parquet' ? await readParquetMetadata(abs) : format === 'jsonl' ? await readJsonlMetadata(abs) : await readCsvMetadata(abs, { format: format === 'tsv' ? 'tsv' : 'csv' });
    } catch (err) {
      s.error = toProblem(err, abs);
    }
    byPath.set(f.relPath, s);
  });

  // DVC pointers (.dvc files) and pipeline outputs (dvc.lock): hashes even when the data is not pulled.
  const track = (relPath: string, dvc: SnapshotEntry['dvc'] & object) => {
    if (!keep(relPath) && !byPath.has(relPath)) return;
    const existing = byPath.get(relPath);
    if (existing) {
      existing.dvc = dvc;
      return;
    }
    const name = posix.basename(relPath);
    const format = dvc.isDir ? 'directory' : DATA_EXT[extOf(name)];
    if (!format) return; // a tracked model or other artifact: not a data snapshot
    byPath.set(relPath, { id: `snapshot:${join(root, relPath)}`, datasetId: '', label: name, path: join(root, relPath), relPath, format, present: false, ...(dvc.size !== undefined ? { size: dvc.size } : {}), dvc });
  };
  for (const f of files) {
    const abs = join(root, f.relPath);
    if (extOf(f.name) === '.dvc') {
      try {
        const pointer = await readDvcFile(abs);
        for (const out of pointer.outs) {
          track(posix.normalize(posix.join(posix.dirname(f.relPath), out.path)), { md5: out.md5, ...(out.size !== undefined ? { size: out.size } : {}), isDir: out.isDir, ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}), trackedBy: f.relPath });
        }
      } catch (err) {
        problems.push(toProblem(err, abs));
      }
    } else if (f.name === 'dvc.lock') {
      try {
        const lock = await readDvcLock(abs);
        for (const stage of lock.stages) {
          for (const out of stage.outs) {
            track(posix.normalize(posix.join(posix.dirname(f.relPath), out.path)), { md5: out.md5, ...(out.size !== undefined ? { size: out.size } : {}), isDir: out.isDir, ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}), trackedBy: f.relPath, stage: stage.name });
          }
        }
      } catch (err) {
        problems.push(toProblem(err, abs));
      }
    }
  }
  for (const s of byPath.values()) if (!s.present) {
    const st = await fileStat(s.path);
    if (st) s.present = true;
  }

  // Group by dataset: same folder + same name once the version/date token is removed.
  const groups = new Map<string, DatasetEntry>();
  for (const s of byPath.values()) {
    const dir = posix.dirname(s.relPath);
    const { base, version } = splitVersionedStem(stemOf(posix.basename(s.relPath)));
    const name = base || posix.basename(dir === '.' ? root : dir);
    const id = `dataset:${join(root, dir)}:${name}`;
    const g = groups.get(id) ?? { id, name, dir, snapshots: [] };
    s.datasetId = id;
    if (version) s.label = version;
    g.snapshots.push(s);
    groups.set(id, g);
  }
  for (const g of groups.values()) {
    g.snapshots.sort((a, b) => compareVersions(b.label, a.label));
    if (g.snapshots.length === 1) (g.snapshots[0] as SnapshotEntry).label = posix.basename((g.snapshots[0] as SnapshotEntry).relPath);
  }
  return [...groups.values()].sort((a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name));
}

function linkLineage(root: string, models: ModelEntry[], datasets: DatasetEntry[]): void {
  const byRel = new Map<string, SnapshotEntry>();
  const byDigest = new Map<string, SnapshotEntry>();
  for (const d of datasets) for (const s of d.snapshots) {
    byRel.set(s.relPath, s);
    if (s.dvc) byDigest.set(s.dvc.md5, s);
  }
  for (const m of models) for (const v of m.versions) {
    for (const link of v.lineage) {
      const rel = link.relPath ? toPosix(relative(root, resolve(root, link.relPath))) : undefined;
      if (rel) link.relPath = rel;
      const hit = (rel && byRel.get(rel)) || (link.digest && byDigest.get(link.digest));
      if (hit) link.snapshotId = hit.id;
    }
    // ONNX metadata_props (and other header metadata) naming the training data: `training_data`, relative to the
    // workspace folder or to the model's folder.
    for (const declared of metadataTrainingData(v.metadata?.metadata)) {
      const candidates = [declared, posix.join(toPosix(relative(root, dirname(v.modelFile ?? v.path))), declared)].map((p) => toPosix(relative(root, resolve(root, p))));
      const rel = candidates.find((c) => byRel.has(c)) ?? candidates[0];
      if (!rel || rel.startsWith('..') || v.lineage.some((l) => l.relPath === rel)) continue;
      const link: LineageLink = { label: 'training data (model metadata)', relPath: rel };
      const hit = byRel.get(rel);
      if (hit) link.snapshotId = hit.id;
      v.lineage.push(link);
    }
  }
}

/** Paths in a model's `training_data` metadata: one path, a comma-separated list, or a JSON array. */
function metadataTrainingData(metadata: Record<string, string> | undefined): string[] {
  const raw = metadata?.['training_data']?.trim();
  if (!raw || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return [];
  if (raw.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(raw);
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^\.\//, '')) : [];
    } catch {
      return [];
    }
  }
  return raw.split(',').map((x) => x.trim().replace(/^\.\//, '')).filter(Boolean);
}
