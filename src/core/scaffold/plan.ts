// Scaffold ML Feature as a plan: the user's choices (feature name, language, model, task, threshold, fallback, latency
// budget, initial rollout, target folder) are validated and turned into the files to create, the flag to add to the
// flagd file and the deployment to add to mlship.yaml — before anything is written. The CLI (`mlship scaffold`) and the
// editor command write the same plan; a dry run prints it. Pure: the caller reads the workspace and passes what it
// found (WorkspaceView), and writes the plan.
import { parseFeatureNames } from '../inference/inputs';
import { standaloneModel } from '../registry/naming';
import type { DeploymentConfig } from '../config/manifest';
import { addDeployment, ManifestEditError } from '../config/manifestEdit';
import { parseManifest } from '../config/manifest';
import type { ModelMetadata, TensorSpec } from '../formats/types';
import { addRolloutFlag, createFlagFile, DEFAULT_FLAG_FILE, FlagFileError, formatIssue, parseFlagFile } from './flagFile';
import {
  FALLBACK_STRATEGIES,
  isClassifier,
  SCAFFOLD_LANGUAGES,
  SCAFFOLD_TASKS,
  snakeCase,
  type ClassLabel,
  type FallbackStrategy,
  type FeatureSpec,
  type ModelTarget,
  type ScaffoldLanguage,
  type ScaffoldTask,
} from './spec';
import { pythonFeatureFiles } from './templates/python/feature';
import { typescriptFeatureFiles } from './templates/typescript/feature';

export const DEFAULT_THRESHOLD = 0.7;
export const DEFAULT_LATENCY_BUDGET_MS = 50;
export const DEFAULT_INITIAL_PERCENT = 5;
/** Budgets the deployment entry starts with, besides the latency budget. */
export const DEFAULT_BUDGETS = { drift_psi: 0.2, fallback_rate: 0.1 } as const;

/** The model the user picked: an ONNX file (from the Models view or any path) or an OIP v2 endpoint. */
export type ModelChoice =
  | {
      kind: 'onnx';
      /** Workspace-relative path of the .onnx file. */
      path: string;
      /** Registry name and version when picked from the Models view; else from the file. */
      name?: string;
      version?: string;
      /** What mlship.yaml calls it (models:/credit-risk/2); default name/version. */
      reference?: string;
      /** The file's header (inputs, outputs, metadata_props), read by the caller. */
      metadata?: Pick<ModelMetadata, 'inputs' | 'outputs' | 'metadata'> & { modelVersion?: number };
    }
  | {
      kind: 'oip';
      url: string;
      /** The model name in /v2/models/{model}. */
      model: string;
      version?: string;
      /** The input tensor's name (default "input"). */
      inputName?: string;
      /** The output to read (default: the first floating-point output). */
      outputName?: string;
    };

export interface ScaffoldRequest {
  /** The feature's name: lower-case words joined by - or _ (credit-risk). */
  name: string;
  language: ScaffoldLanguage;
  model: ModelChoice;
  task: ScaffoldTask;
  /** Classifiers: the fallback answers below this probability of the chosen class (default 0.7). */
  threshold?: number;
  fallback: FallbackStrategy;
  /** The previous-version fallback's model: another version of the same kind. */
  previous?: ModelChoice;
  latencyBudgetMs?: number;
  /** Initial rollout percentage of the flag (default 5). */
  initialPercent?: number;
  /** Workspace-relative folder for the files (default: features/<name> for Python, src/features/<name> for TypeScript). */
  folder?: string;
  /** Feature names, in the input's column order (default: the model's metadata). */
  features?: string[];
  /** Class labels of the probability columns (default: the model's metadata, else the column index). */
  classLabels?: string[];
  /** The constant/heuristic fallback's default answer (default: the first class, or 0). */
  defaultAnswer?: string;
  /** Workspace-relative data snapshot: the drift baseline in mlship.yaml. */
  baseline?: string;
  /** A row of plausible feature values for the generated tests. */
  sampleRow?: number[];
}

/** What the caller found in the workspace. */
export interface WorkspaceView {
  /** mlship.yaml's text, or null when there is none. */
  manifestText: string | null;
  /** The text of the flag file (see flagFilePath), or null when it does not exist. */
  flagFileText: string | null;
  /** What is at a workspace-relative path: a file, a folder, or nothing. */
  kind(path: string): 'file' | 'folder' | undefined;
  /** The text of a workspace-relative file, or null (absent, unreadable). Without it, no file is read. */
  text?(path: string): string | null;
}

export interface PlannedFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  content: string;
}

export interface PlannedTextEdit {
  offset: number;
  length: number;
  content: string;
}

/** A change to an existing file (`before` is its text) or a new one (`before` null). */
export interface PlannedChange {
  path: string;
  before: string | null;
  after: string;
  /** Edits of `before` that make `after` (one whole-file insert for a new file). */
  edits: PlannedTextEdit[];
}

export interface ScaffoldPlan {
  spec: FeatureSpec;
  files: PlannedFile[];
  /** Files that exist and are left as they are (onExisting: 'skip'). */
  skipped: string[];
  flagFile: PlannedChange;
  manifest: PlannedChange;
  deployment: DeploymentConfig;
  /** Things the user should know (choices made for them). */
  notes: string[];
  /** How to run the generated tests, from the workspace root. */
  testCommand: string;
}

/** Bad input: every problem found, one line each, saying what to do. Nothing was written. */
export class ScaffoldError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `The feature cannot be scaffolded:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScaffoldError';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// validation of single values (also used by the editor's input boxes)

const NAME_RE = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type'.split(' '),
);

/**
 * Top-level modules a Python package must not be named after: the generated tests import the feature as a top-level
 * package (`unittest discover -t` its parent folder), so a package named like a module the generated code imports, or
 * like the standard library's `test`, would be imported in its place.
 */
const PY_SHADOWED = new Set(
  'test tests unittest json os sys time re math uuid http urllib socket logging hashlib pathlib typing threading tempfile shutil datetime decimal dataclasses operator concurrent queue numpy onnxruntime openfeature features __future__'.split(' '),
);

/** Why a Python package (a folder's last part) cannot be imported as the generated code does, or undefined. */
function pythonPackageProblem(pkg: string, what: string): string | undefined {
  if (PY_KEYWORDS.has(pkg)) return `${what} "${pkg}" is a Python keyword: Python cannot import a package of that name.`;
  if (PY_SHADOWED.has(pkg)) return `${what} "${pkg}" is the name of a Python module the generated code or its tests import${pkg === 'test' || pkg === 'tests' ? ' (the standard library\'s test package)' : ''}: the package would be imported in its place.`;
  return undefined;
}

/** Why a feature name is not usable, or undefined. With the language, also names that would break its imports. */
export function featureNameProblem(name: string, language?: ScaffoldLanguage): string | undefined {
  if (name.trim() === '') return 'Give the feature a name, e.g. credit-risk.';
  if (name.length > 48) return `The feature name "${name}" is longer than 48 characters.`;
  if (!NAME_RE.test(name)) return `"${name}" is not a valid feature name: use lower-case letters and digits, words joined by - or _, starting with a letter (e.g. credit-risk).`;
  // TypeScript uses the name only inside identifiers (creditRiskFallback) and paths, where reserved words are fine.
  if (language === 'python') {
    const problem = pythonPackageProblem(snakeCase(name), 'In Python, the package');
    if (problem) return `${problem} Choose another feature name, e.g. ${name}-model.`;
  }
  return undefined;
}

/** The folder a feature's files go in by default. */
export function defaultFolder(name: string, language: ScaffoldLanguage): string {
  return language === 'python' ? `features/${snakeCase(name)}` : `src/features/${name}`;
}

/** Normalizes a workspace-relative folder (./a/b/ → a/b), or says why it cannot be used. */
export function normalizeFolder(folder: string, language: ScaffoldLanguage): { folder: string } | { problem: string } {
  const raw = folder.trim().replace(/\\/g, '/');
  if (raw === '' || raw === '.' || raw === './') return { problem: 'Choose a folder for the files (not the workspace root), e.g. features/credit_risk.' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.startsWith('~')) return { problem: `The target folder "${folder}" must be relative to the workspace, not absolute.` };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return { problem: `The target folder "${folder}" leaves the workspace (".."): choose a folder inside it.` };
  const bad = parts.find((p) => hasControl(p) || /[<>:"|?*]/.test(p) || p.endsWith(' ') || p.endsWith('.'));
  if (bad !== undefined) return { problem: `The target folder "${folder}" has an invalid part "${bad}".` };
  if (parts.some((p) => p === 'node_modules' || p === '.git')) return { problem: `The target folder "${folder}" is inside node_modules or .git: choose a source folder.` };
  const last = parts[parts.length - 1] as string;
  if (language === 'python' && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(last) || PY_KEYWORDS.has(last))) {
    return { problem: `The Python package folder "${last}" must be a Python identifier (letters, digits and _, not a keyword), e.g. ${snakeCase(last) && !PY_KEYWORDS.has(snakeCase(last)) ? snakeCase(last) : 'credit_risk'}.` };
  }
  if (language === 'python') {
    const problem = pythonPackageProblem(last, 'The Python package folder');
    if (problem) return { problem: `${problem} Choose another folder, e.g. ${parts.slice(0, -1).concat(`${last}_feature`).join('/')}.` };
  }
  return { folder: parts.join('/') };
}

function hasControl(s: string): boolean {
  return [...s].some((ch) => ch.charCodeAt(0) < 0x20);
}

function relativePathProblem(path: string, what: string): string | undefined {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `${what} "${path}" must be relative to the workspace.`;
  if (p.split('/').includes('..')) return `${what} "${path}" leaves the workspace (".."): choose a file inside it.`;
  return undefined;
}

// `shown` is how the value reads in the message: the text the user typed, when there is one.
export function thresholdProblem(value: number, shown = String(value)): string | undefined {
  return Number.isFinite(value) && value >= 0 && value <= 1 ? undefined : `The confidence threshold must be a number from 0 to 1 (got ${shown}).`;
}

export function latencyBudgetProblem(value: number, shown = String(value)): string | undefined {
  return Number.isInteger(value) && value > 0 && value <= 600_000 ? undefined : `The latency budget must be a whole number of milliseconds from 1 to 600000 (got ${shown}).`;
}

export function percentProblem(value: number, shown = String(value)): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 100 ? undefined : `The initial rollout must be a whole percentage from 0 to 100, e.g. 5 or 5% (got ${shown}).`;
}

/** A number typed into a box: "0.7", " 50 ", and for a percentage "5%" or "5 %". NaN when it is not one. */
export function numberFromText(text: string, percent = false): number {
  const t = text.trim();
  const body = percent ? t.replace(/\s*%$/, '') : t;
  return body === '' ? NaN : Number(body);
}

/** Why a typed number is not usable, the message echoing what was typed ("abc", not NaN). */
export function typedNumberProblem(text: string, problem: (value: number, shown: string) => string | undefined, percent = false): string | undefined {
  if (text.trim() === '') return 'Enter a number.';
  return problem(numberFromText(text, percent), `"${text.trim()}"`);
}

export function endpointProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL: give the server's base URL, e.g. http://127.0.0.1:8081.`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `The endpoint "${url}" must be http:// or https://.`;
  if (u.search || u.hash) return `The endpoint "${url}" must be the server's base URL, without ?query or #fragment.`;
  if (/\/v2\/models\//.test(u.pathname)) return `The endpoint "${url}" includes /v2/models/…: give the server's base URL (e.g. http://127.0.0.1:8081) and the model name separately.`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// the model's signature

function parseLabels(values: readonly string[]): ClassLabel[] {
  const trimmed = values.map((v) => v.trim()).filter((v) => v !== '');
  return trimmed.every((v) => /^-?\d+$/.test(v)) ? trimmed.map(Number) : trimmed;
}

function isFloat(dtype: string): boolean {
  return /^(?:float|float16|float32|float64|double|bfloat16)$/.test(dtype);
}

interface Signature {
  inputName: string;
  featureNames: string[];
  outputName: string | null;
  classLabels: ClassLabel[] | null;
}

function onnxSignature(choice: Extract<ModelChoice, { kind: 'onnx' }>, req: ScaffoldRequest, problems: string[], notes: string[]): Signature | undefined {
  const meta = choice.metadata;
  if (!meta) {
    problems.push(`The model file ${choice.path} could not be read: MLShip needs its inputs and outputs.`);
    return undefined;
  }
  const input = meta.inputs[0];
  if (meta.inputs.length !== 1 || !input) {
    problems.push(`${choice.path} has ${meta.inputs.length} inputs (${meta.inputs.map((i) => i.name).join(', ')}); the scaffold supports models with one input of shape [batch, features].`);
    return undefined;
  }
  const width = input.shape && input.shape.length === 2 ? input.shape[1] : undefined;
  if (!isFloat(input.dtype) || (input.shape && input.shape.length !== 2)) {
    problems.push(`${choice.path}: the input "${input.name}" is ${input.dtype} ${JSON.stringify(input.shape)}; the scaffold supports one float input of shape [batch, features].`);
    return undefined;
  }
  let featureNames = req.features ?? parseFeatureNames(meta.metadata) ?? undefined;
  if (!featureNames) {
    if (typeof width !== 'number') {
      problems.push(`${choice.path} does not name its features and its input width is not fixed: pass the feature names (--features a,b,c).`);
      return undefined;
    }
    featureNames = Array.from({ length: width }, (_, i) => `feature_${i}`);
    notes.push(`${choice.path} does not name its features: they are called feature_0 … feature_${width - 1}; pass --features to name them.`);
  }
  if (typeof width === 'number' && featureNames.length !== width) {
    problems.push(`${choice.path} takes ${width} features, but ${featureNames.length} feature names were given (${featureNames.join(', ')}).`);
  }
  const clf = isClassifier(req.task);
  const output = readOutput(choice.path, meta, req.task, problems);
  if (!output) return undefined;
  let classLabels: ClassLabel[] | null = null;
  if (clf) {
    const classes = output.shape?.[1];
    const given = req.classLabels ?? metadataLabels(meta.metadata);
    classLabels = given ? parseLabels(given) : null;
    if (classLabels && typeof classes === 'number' && classLabels.length !== classes) {
      problems.push(`${choice.path} gives ${classes} class probabilities, but ${classLabels.length} class labels were given (${classLabels.join(', ')}).`);
    }
    const count = classLabels?.length ?? (typeof classes === 'number' ? classes : undefined);
    const problem = classCountProblem(choice.path, req.task, count);
    if (problem) problems.push(problem);
  }
  return { inputName: input.name, featureNames, outputName: output.name, classLabels };
}

/** The class labels a model's metadata names (`class_labels`, `classes` or `labels`, comma-separated). */
function metadataLabels(metadata: Record<string, string>): string[] | undefined {
  return (metadata['class_labels'] ?? metadata['classes'] ?? metadata['labels'])?.split(',');
}

/**
 * The output a task reads: a classifier's class probabilities (a float output of shape [batch, classes], one named
 * like "prob" first), a regression's first floating-point output. Undefined, with the problem, when there is none.
 */
function readOutput(path: string, meta: NonNullable<Extract<ModelChoice, { kind: 'onnx' }>['metadata']>, task: ScaffoldTask, problems: string[]): TensorSpec | undefined {
  const floats = meta.outputs.filter((o) => isFloat(o.dtype) && o.shape !== null);
  const outputs = meta.outputs.map((o) => `${o.name} ${o.dtype}`).join(', ');
  if (isClassifier(task)) {
    const probs = floats.filter((o) => o.shape?.length === 2 && o.shape[1] !== 1);
    const output = probs.find((o) => /prob/i.test(o.name)) ?? probs[0];
    if (!output) problems.push(`${path} has no class-probability output (a float output of shape [batch, classes]; outputs: ${outputs}). Choose task "regression", or export the classifier with its probabilities (for skl2onnx: options={"zipmap": False}).`);
    return output;
  }
  const output = floats[0];
  if (!output) problems.push(`${path} has no floating-point output to read a predicted value from (outputs: ${outputs}).`);
  return output;
}

function classCountProblem(path: string, task: ScaffoldTask, count: number | undefined): string | undefined {
  if (task === 'binary' && count !== undefined && count !== 2) return `${path} has ${count} classes: choose task "multiclass" (binary is for two).`;
  if (task === 'multiclass' && count !== undefined && count < 3) return `${path} has ${count} classes: choose task "binary".`;
  return undefined;
}

/**
 * Why a model's outputs cannot serve a task, as the plan would say it (of `subject`, default the model's file), or
 * undefined. An endpoint, or a file whose header was not read, tells nothing against any task. For the editor's steps: a task answered for another model is
 * kept only while it fits.
 */
export function taskProblem(model: ModelChoice, task: ScaffoldTask, subject?: string): string | undefined {
  if (model.kind !== 'onnx' || !model.metadata) return undefined;
  /** What the sentence is about: the file, or (in a picker that has named the model already) `subject`. */
  const what = subject ?? model.path;
  const problems: string[] = [];
  const output = readOutput(what, model.metadata, task, problems);
  if (!output || !isClassifier(task)) return problems[0];
  const classes = output.shape?.[1];
  const labels = metadataLabels(model.metadata.metadata);
  return classCountProblem(what, task, labels ? parseLabels(labels).length : typeof classes === 'number' ? classes : undefined);
}

function oipSignature(choice: Extract<ModelChoice, { kind: 'oip' }>, req: ScaffoldRequest, problems: string[]): Signature | undefined {
  if (!req.features || req.features.length === 0) {
    problems.push(`Name the features the endpoint takes, in its input's column order (--features a,b,c): an OIP v2 endpoint does not tell them.`);
    return undefined;
  }
  const classLabels = isClassifier(req.task) && req.classLabels ? parseLabels(req.classLabels) : null;
  if (req.task === 'binary' && classLabels && classLabels.length !== 2) problems.push(`Task "binary" needs two class labels (got ${classLabels.length}).`);
  if (req.task === 'multiclass' && classLabels && classLabels.length < 3) problems.push(`Task "multiclass" needs three or more class labels (got ${classLabels.length}).`);
  return { inputName: choice.inputName?.trim() || 'input', featureNames: req.features, outputName: choice.outputName?.trim() || null, classLabels };
}

function modelTarget(choice: ModelChoice, problems: string[], what: string): ModelTarget | undefined {
  if (choice.kind === 'onnx') {
    const p = choice.path.replace(/\\/g, '/').replace(/^\.\//, '');
    const bad = relativePathProblem(p, `The ${what} file`);
    if (bad) {
      problems.push(bad);
      return undefined;
    }
    if (!/\.onnx$/i.test(p)) {
      problems.push(`The ${what} "${choice.path}" is not an .onnx file: the scaffold runs ONNX models (or an OIP v2 endpoint).`);
      return undefined;
    }
    // A file outside a registry: credit-risk-v2.onnx is credit-risk version 2 (else the header's model_version, else 1).
    const standalone = standaloneModel(p, choice.metadata?.modelVersion);
    return { kind: 'onnx', path: p, name: choice.name ?? standalone.name, version: choice.version ?? standalone.version };
  }
  const bad = endpointProblem(choice.url);
  if (bad) {
    problems.push(bad);
    return undefined;
  }
  if (!choice.model.trim()) {
    problems.push(`Name the model served at ${choice.url} (the {model} of /v2/models/{model}).`);
    return undefined;
  }
  return { kind: 'oip', url: choice.url.replace(/\/+$/, ''), name: choice.model.trim(), version: choice.version?.trim() ?? '' };
}

function identifierProblems(names: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const n of names) {
    if (n.trim() === '' || hasControl(n)) out.push(`The feature name ${JSON.stringify(n)} is empty or has control characters.`);
    if (seen.has(n)) out.push(`The feature "${n}" is named twice.`);
    seen.add(n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// the plan

/** The flag file mlship.yaml names (`flags:`), or the default. Null text or an invalid manifest gives the default. */
export function flagFilePath(manifestText: string | null): string {
  if (manifestText === null) return DEFAULT_FLAG_FILE;
  return parseManifest(manifestText).manifest?.flags ?? DEFAULT_FLAG_FILE;
}

/** The key of a feature's rollout flag. */
export function flagKeyOf(feature: string): string {
  return `${feature}-model`;
}

/**
 * Why a feature name is taken in the workspace, or undefined: its flag key is in the flag file, or mlship.yaml has a
 * deployment of that name. For the name step, as the user types; the plan reports the same with the lines.
 */
export function existingNameProblem(name: string, ws: Pick<WorkspaceView, 'manifestText' | 'flagFileText'>): string | undefined {
  const flagKey = flagKeyOf(name);
  const flagPath = flagFilePath(ws.manifestText);
  const flag = ws.flagFileText !== null && parseFlagFile(ws.flagFileText).flags.some((f) => f.key === flagKey);
  const deployment = ws.manifestText !== null && (parseManifest(ws.manifestText).manifest?.deployments ?? []).some((d) => d.name === name);
  if (!flag && !deployment) return undefined;
  const taken = [flag ? `flag "${flagKey}" is in ${flagPath}` : '', deployment ? `mlship.yaml has a deployment "${name}"` : ''].filter(Boolean).join(' and ');
  return `"${name}" exists: ${taken}. Choose another name${flag ? `, or change its rollout with mlship rollout ${flagKey} <percent>` : ''}.`;
}

/** The folder and files a request would create (for checking which exist before planning). Throws ScaffoldError. */
export function plannedPaths(req: Pick<ScaffoldRequest, 'name' | 'language' | 'folder'>): { folder: string; paths: string[] } {
  const problems: string[] = [];
  const nameProblem = featureNameProblem(req.name, SCAFFOLD_LANGUAGES.includes(req.language) ? req.language : undefined);
  if (nameProblem) problems.push(nameProblem);
  if (!SCAFFOLD_LANGUAGES.includes(req.language)) problems.push(`The language must be ${SCAFFOLD_LANGUAGES.join(' or ')} (got "${String(req.language)}").`);
  if (problems.length > 0) throw new ScaffoldError(problems);
  const norm = normalizeFolder(req.folder ?? defaultFolder(req.name, req.language), req.language);
  if ('problem' in norm) throw new ScaffoldError([norm.problem]);
  const names = req.language === 'python' ? PYTHON_FILE_NAMES : TYPESCRIPT_FILE_NAMES;
  return { folder: norm.folder, paths: names.map((f) => `${norm.folder}/${f}`) };
}

const PYTHON_FILE_NAMES = pythonFeatureFiles(exampleSpec('python')).map((f) => f.path);
const TYPESCRIPT_FILE_NAMES = typescriptFeatureFiles(exampleSpec('typescript')).map((f) => f.path);

function exampleSpec(language: ScaffoldLanguage): FeatureSpec {
  return {
    feature: 'example',
    flagKey: 'example-model',
    language,
    task: 'binary',
    model: { kind: 'onnx', path: 'm.onnx', name: 'm', version: '1' },
    inputName: 'x',
    featureNames: ['a'],
    outputName: 'p',
    classLabels: [0, 1],
    threshold: 0.7,
    timeoutMs: 50,
    fallback: 'constant',
    defaultAnswer: 0,
    folder: 'f/example',
    flagFile: DEFAULT_FLAG_FILE,
    predictionLog: 'logs/p.jsonl',
    feedbackLog: 'logs/f.jsonl',
    sampleRow: null,
  };
}

/** The feature a generated settings file belongs to (`FEATURE = "credit-risk"`, `export const FEATURE = '…'`). */
export function configFeature(text: string): string | undefined {
  return /^(?:export\s+const\s+)?FEATURE(?:\s*:\s*string)?\s*=\s*(["'])([^"'\n]+)\1/m.exec(text)?.[2];
}

/** The files that make a feature's code its own: its settings (which name it) and its predictor. */
function ownFiles(language: ScaffoldLanguage): string[] {
  return language === 'python' ? ['config.py', 'predictor.py'] : ['config.ts', 'predictor.ts'];
}

/** The settings file of a feature folder (workspace-relative). */
export function configPath(folder: string, language: ScaffoldLanguage): string {
  return `${folder}/${ownFiles(language)[0]}`;
}

/**
 * Why a folder cannot take the feature because it holds another's code, or undefined. `existing`: which of the
 * feature's planned paths exist; `configText`: the folder's settings file, or null. A folder whose settings name this
 * feature can take it (the missing files are written); one with another feature's settings, or with a predictor or
 * settings that do not name it, cannot: skipping them would leave the feature with no code of its own.
 */
export function occupiedFolderProblem(name: string, language: ScaffoldLanguage, folder: string, existing: readonly string[], configText: string | null): string | undefined {
  const owner = configText === null ? undefined : configFeature(configText);
  if (owner === name) return undefined;
  const own = ownFiles(language).filter((f) => existing.includes(`${folder}/${f}`));
  if (owner === undefined && own.length === 0) return undefined;
  const other = defaultFolder(name, language);
  const suggestion = other !== folder ? `, e.g. ${other}` : '';
  const what = owner !== undefined ? `the feature "${owner}" (${configPath(folder, language)})` : `${own.join(' and ')} of another feature`;
  return `${folder} already holds ${what}: ${name} would have no code of its own there. Choose another folder${suggestion}.`;
}

export interface PlanOptions {
  /** What to do with files that exist: refuse (default) or leave them and write the rest. */
  onExisting?: 'error' | 'skip';
}

/** Validates a request against the workspace and returns what to write. Throws ScaffoldError listing every problem. */
export function planScaffold(req: ScaffoldRequest, ws: WorkspaceView, options: PlanOptions = {}): ScaffoldPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  const { folder, paths } = plannedPaths(req);
  if (!SCAFFOLD_TASKS.includes(req.task)) problems.push(`The task must be ${SCAFFOLD_TASKS.join(', ')} (got "${String(req.task)}").`);
  if (!FALLBACK_STRATEGIES.includes(req.fallback)) problems.push(`The fallback must be ${FALLBACK_STRATEGIES.join(', ')} (got "${String(req.fallback)}").`);
  if (problems.length > 0) throw new ScaffoldError(problems);

  const clf = isClassifier(req.task);
  const threshold = req.threshold ?? DEFAULT_THRESHOLD;
  const budget = req.latencyBudgetMs ?? DEFAULT_LATENCY_BUDGET_MS;
  const percent = req.initialPercent ?? DEFAULT_INITIAL_PERCENT;
  for (const p of [clf ? thresholdProblem(threshold) : undefined, latencyBudgetProblem(budget), percentProblem(percent)]) if (p) problems.push(p);
  if (!clf && req.threshold !== undefined) notes.push('A regression model gives no confidence: the threshold is not used; VALUE_RANGE in the settings bounds the values the model may answer.');
  if (req.task === 'binary' && threshold < 0.5) notes.push(`A threshold of ${threshold} below 0.5 never sends a binary prediction to the fallback (the chosen class always has 0.5 or more).`);
  if (req.baseline) {
    const bad = relativePathProblem(req.baseline, 'The baseline snapshot');
    if (bad) problems.push(bad);
  }

  const model = modelTarget(req.model, problems, 'model');
  let previous: ModelTarget | undefined;
  if (req.fallback === 'previous-version') {
    if (!req.previous) problems.push(`The previous-version fallback needs the previous model version (${req.model.kind === 'onnx' ? '--previous path/to/previous.onnx' : '--previous-version <version> of the same endpoint'}).`);
    else if (req.previous.kind !== req.model.kind) problems.push('The previous model version must be served the same way as the model (both ONNX files, or both from the OIP v2 endpoint).');
    else {
      previous = modelTarget(req.previous, problems, 'previous model');
      if (previous && model && previous.kind === 'onnx' && model.kind === 'onnx' && previous.path === model.path) problems.push(`The previous version is the same file as the model (${model.path}): pick the version that serves today.`);
      if (previous && model && previous.kind === 'oip' && model.kind === 'oip' && previous.version === model.version) problems.push(`The previous version must differ from the model's version ("${model.version || 'the server default'}").`);
    }
  } else if (req.previous) notes.push(`The previous model is only used by the previous-version fallback; the ${req.fallback} fallback ignores it.`);

  const signature = req.model.kind === 'onnx' ? onnxSignature(req.model, req, problems, notes) : oipSignature(req.model, req, problems);
  if (signature) problems.push(...identifierProblems(signature.featureNames));
  if (signature && previous && req.previous?.kind === 'onnx') {
    // The previous-version fallback feeds the previous model the same row and reads the same output.
    const theirs = onnxSignature(req.previous, req, [], []);
    const mismatch = !theirs
      ? 'its inputs and outputs could not be read'
      : theirs.inputName !== signature.inputName || theirs.featureNames.join(',') !== signature.featureNames.join(',')
        ? `it takes ${theirs.featureNames.length} features (${theirs.featureNames.join(', ')}) in "${theirs.inputName}", the model ${signature.featureNames.length} (${signature.featureNames.join(', ')}) in "${signature.inputName}"`
        : theirs.outputName !== signature.outputName || String(theirs.classLabels) !== String(signature.classLabels)
          ? `its output (${theirs.outputName}${theirs.classLabels ? `: ${theirs.classLabels.join(', ')}` : ''}) differs from the model's (${signature.outputName}${signature.classLabels ? `: ${signature.classLabels.join(', ')}` : ''})`
          : undefined;
    if (mismatch) problems.push(`The previous version ${req.previous.path} cannot stand in for the model: ${mismatch}. Pick a previous version with the same inputs and outputs, or another fallback.`);
  }
  if (req.sampleRow && signature && req.sampleRow.length !== signature.featureNames.length) problems.push(`The sample row has ${req.sampleRow.length} values for ${signature.featureNames.length} features.`);

  let defaultAnswer: ClassLabel = 0;
  if (signature) {
    if (clf) {
      const labels = signature.classLabels;
      if (req.defaultAnswer !== undefined) {
        const parsed = parseLabels([req.defaultAnswer])[0] ?? req.defaultAnswer;
        if (labels && !labels.some((l) => String(l) === String(parsed))) problems.push(`The default answer "${req.defaultAnswer}" is not a class label (${labels.join(', ')}).`);
        else if (!labels && typeof parsed !== 'number') problems.push(`The default answer "${req.defaultAnswer}" must be a class index (the model's classes have no labels).`);
        defaultAnswer = labels?.find((l) => String(l) === String(parsed)) ?? parsed;
      } else defaultAnswer = labels?.[0] ?? 0;
    } else if (req.defaultAnswer !== undefined) {
      const n = Number(req.defaultAnswer);
      if (req.defaultAnswer.trim() === '' || !Number.isFinite(n)) problems.push(`The default answer of a regression must be a number (got "${req.defaultAnswer}").`);
      else defaultAnswer = n;
    }
  }
  if (problems.length > 0 || !model || !signature) throw new ScaffoldError(problems.length > 0 ? problems : ['The model could not be used.']);

  const flagKey = flagKeyOf(req.name);
  const flagPath = flagFilePath(ws.manifestText);
  const logDir = `logs/${req.name}`;
  const spec: FeatureSpec = {
    feature: req.name,
    flagKey,
    language: req.language,
    task: req.task,
    model,
    ...(previous ? { previous } : {}),
    inputName: signature.inputName,
    featureNames: signature.featureNames,
    outputName: signature.outputName,
    classLabels: signature.classLabels,
    threshold,
    timeoutMs: budget,
    fallback: req.fallback,
    defaultAnswer,
    folder,
    flagFile: flagPath,
    predictionLog: `${logDir}/predictions.jsonl`,
    feedbackLog: `${logDir}/feedback.jsonl`,
    sampleRow: req.sampleRow ?? null,
  };

  // The workspace: existing files, the flag file, mlship.yaml.
  const templates = req.language === 'python' ? pythonFeatureFiles(spec) : typescriptFeatureFiles(spec);
  const files: PlannedFile[] = templates.map((t) => ({ path: `${folder}/${t.path}`, content: t.content }));
  const existing = paths.filter((p) => ws.kind(p) !== undefined);
  const parts = folder.split('/');
  const blocking = parts.map((_, i) => parts.slice(0, i + 1).join('/')).find((p) => ws.kind(p) === 'file');
  if (blocking) problems.push(`${blocking} is a file, so the folder ${folder} cannot be created: choose another folder.`);
  if (existing.length > 0) {
    const config = configPath(folder, req.language);
    const occupied = occupiedFolderProblem(req.name, req.language, folder, existing, existing.includes(config) ? (ws.text?.(config) ?? null) : null);
    if (occupied) problems.push(occupied);
    else if (options.onExisting === 'skip' && existing.length === files.length) {
      problems.push(`Every file of ${req.name} exists in ${folder}: skipping them leaves nothing to scaffold, so the flag and the deployment are not added either. Choose another folder or feature name.`);
    }
  }
  if (existing.length > 0 && options.onExisting !== 'skip') {
    problems.push(`${existing.length === 1 ? 'This file exists' : 'These files exist'} and would be overwritten: ${existing.join(', ')}. Choose another folder or feature name, or skip existing files.`);
  }

  let flagChange: PlannedChange | undefined;
  try {
    if (ws.flagFileText === null) {
      const text = createFlagFile(flagKey, percent);
      flagChange = { path: flagPath, before: null, after: text, edits: [{ offset: 0, length: 0, content: text }] };
    } else {
      const parsed = parseFlagFile(ws.flagFileText);
      const errors = parsed.issues.filter((i) => i.severity === 'error');
      if (errors.length > 0) throw new FlagFileError(`${flagPath} is not a valid flag file; fix it first (nothing was written):\n${errors.map((i) => `    ${formatIssue(flagPath, i)}`).join('\n')}`, errors);
      const change = addRolloutFlag(ws.flagFileText, flagPath, flagKey, percent);
      flagChange = { path: flagPath, before: ws.flagFileText, after: change.text, edits: change.edits };
    }
  } catch (err) {
    if (err instanceof FlagFileError) problems.push(err.message);
    else throw err;
  }

  const deployment: DeploymentConfig = {
    name: req.name,
    model: req.model.kind === 'onnx' ? (req.model.reference ?? `${model.name}/${model.version}`) : `${model.name}${model.version ? `/${model.version}` : ''}`,
    ...(req.baseline ? { baseline: req.baseline.replace(/\\/g, '/') } : {}),
    ...(model.kind === 'oip' ? { inference: { protocol: 'oip-v2' as const, url: model.url, model: model.name } } : {}),
    predictions: { jsonl: spec.predictionLog },
    feedback: { jsonl: spec.feedbackLog },
    budgets: { latency_p95_ms: budget, ...DEFAULT_BUDGETS },
    flag: flagKey,
  };
  if (!req.baseline) notes.push('No baseline snapshot was given: add baseline: to the deployment in mlship.yaml so the dashboard can measure drift.');
  let manifestChange: PlannedChange | undefined;
  try {
    const change = addDeployment(ws.manifestText, deployment);
    manifestChange = { path: 'mlship.yaml', before: ws.manifestText, after: change.text, edits: change.edits };
  } catch (err) {
    if (err instanceof ManifestEditError) problems.push(err.message);
    else throw err;
  }
  if (problems.length > 0 || !flagChange || !manifestChange) throw new ScaffoldError(problems);

  const skipped = existing;
  const testCommand =
    req.language === 'python'
      ? `python3 -m unittest discover -s ${folder} -t ${folder.split('/').slice(0, -1).join('/') || '.'}`
      : `node --import tsx --test ${folder}/*.test.ts`;
  return {
    spec,
    files: files.filter((f) => !skipped.includes(f.path)),
    skipped,
    flagFile: flagChange,
    manifest: manifestChange,
    deployment,
    notes,
    testCommand,
  };
}
