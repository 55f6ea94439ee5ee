// What the Scaffold ML Feature templates are generated from: one validated, complete description of a feature (built by
// plan.ts from the user's choices), and the naming helpers the Python and TypeScript templates share.

export type ScaffoldLanguage = 'python' | 'typescript';
export type ScaffoldTask = 'binary' | 'multiclass' | 'regression';
export type FallbackStrategy = 'heuristic' | 'constant' | 'previous-version';

export const SCAFFOLD_LANGUAGES: readonly ScaffoldLanguage[] = ['python', 'typescript'];
export const SCAFFOLD_TASKS: readonly ScaffoldTask[] = ['binary', 'multiclass', 'regression'];
export const FALLBACK_STRATEGIES: readonly FallbackStrategy[] = ['heuristic', 'constant', 'previous-version'];

/** Where the model answers: an ONNX file in the workspace (run in-process) or an Open Inference Protocol v2 endpoint. */
export type ModelTarget =
  | {
      kind: 'onnx';
      /** Workspace-relative path of the .onnx file (forward slashes). */
      path: string;
      name: string;
      version: string;
    }
  | {
      kind: 'oip';
      /** Base URL of the server, e.g. http://127.0.0.1:8081 (no trailing slash). */
      url: string;
      /** The model name in /v2/models/{name}. */
      name: string;
      /** The version in /v2/models/{name}/versions/{version}; empty for the server's default. */
      version: string;
    };

/** A class label: numbers stay numbers (an ONNX classifier's int64 labels), other labels are strings. */
export type ClassLabel = string | number;

export interface FeatureSpec {
  /** kebab-case, e.g. credit-risk: the `feature` field of every log record and the deployment's name. */
  feature: string;
  flagKey: string;
  language: ScaffoldLanguage;
  task: ScaffoldTask;
  model: ModelTarget;
  /** The model the previous-version fallback asks (same kind as `model`). */
  previous?: ModelTarget;
  /** Name of the model's input tensor (one row of float32 features). */
  inputName: string;
  /** The features in the order of the input tensor's columns. */
  featureNames: string[];
  /** The output read: class probabilities (classifiers) or the value (regression). Null: the first floating output. */
  outputName: string | null;
  /** Labels of the probability columns; null: the column index is the label. */
  classLabels: ClassLabel[] | null;
  /** Classifiers: below this probability of the chosen class, the fallback answers. */
  threshold: number;
  /** The latency budget: the model call's timeout. */
  timeoutMs: number;
  fallback: FallbackStrategy;
  /** What the constant and heuristic fallbacks answer by default (a class label, or a number for regression). */
  defaultAnswer: ClassLabel;
  /** Workspace-relative folder the files go in (forward slashes, no trailing slash). */
  folder: string;
  /** Workspace-relative paths the generated code reads and writes (as in mlship.yaml). */
  flagFile: string;
  predictionLog: string;
  feedbackLog: string;
  /** A row of plausible feature values for the generated tests (e.g. from the baseline snapshot), or null (zeros). */
  sampleRow: number[] | null;
}

/** A file a template produces, relative to the feature's folder. */
export interface TemplateFile {
  path: string;
  content: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// naming

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** credit-risk → credit_risk */
export function snakeCase(name: string): string {
  return words(name).join('_');
}

/** credit-risk → creditRisk */
export function camelCase(name: string): string {
  return words(name)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

/** credit-risk → CreditRisk */
export function pascalCase(name: string): string {
  const c = camelCase(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** credit-risk → CREDIT_RISK (environment variable prefixes). */
export function constantCase(name: string): string {
  return snakeCase(name).toUpperCase();
}

// ---------------------------------------------------------------------------------------------------------------------
// literals

/** A Python literal of a label or number: strings in double quotes, integers as they are, floats with a point. */
export function pyLiteral(value: ClassLabel | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  return JSON.stringify(value);
}

export function pyNumber(n: number): string {
  return String(n);
}

/** A Python float literal: 0.0, 0.7, 250.0. */
export function pyFloat(n: number): string {
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A TypeScript literal of a label or number. */
export function tsLiteral(value: ClassLabel | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(value);
}

/** A property name in TypeScript: bare when it is an identifier, quoted otherwise. */
export function tsKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : tsLiteral(name);
}

/** The values of the generated tests' sample input, in feature order. */
export function sampleValues(spec: FeatureSpec): number[] {
  return spec.featureNames.map((_, i) => spec.sampleRow?.[i] ?? 0);
}

/** Joins template lines, dropping the ones given as `false`/`undefined` (conditional parts) and flattening arrays. */
export function lines(...parts: (string | false | undefined | null | readonly (string | false | undefined | null)[])[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === false || p === undefined || p === null) continue;
    if (typeof p === 'string') out.push(p);
    else for (const q of p) if (q !== false && q !== undefined && q !== null) out.push(q);
  }
  return `${out.join('\n')}\n`;
}

/** Whether the task is a classification (binary or multiclass). */
export function isClassifier(task: ScaffoldTask): boolean {
  return task !== 'regression';
}

/** What the generated tests make the model answer: a confident answer (the last class) and a flat, unconfident one. */
export interface TestScores {
  classes: number;
  confident: number[];
  flat: number[];
  /** The label of the confident answer's class. */
  confidentLabel: ClassLabel;
}

export function testScores(spec: FeatureSpec): TestScores {
  const k = spec.classLabels?.length ?? (spec.task === 'binary' ? 2 : 3);
  const round = (x: number) => Number(x.toFixed(6));
  return {
    classes: k,
    confident: Array.from({ length: k }, (_, i) => round(i === k - 1 ? 1 - 0.02 * (k - 1) : 0.02)),
    flat: Array.from({ length: k }, () => round(1 / k)),
    confidentLabel: spec.classLabels?.[k - 1] ?? k - 1,
  };
}

/** The generated README's lines on what `model_version` says in a prediction record (the same in both languages). */
export function modelVersionNote(spec: FeatureSpec): string[] {
  return spec.fallback === 'previous-version'
    ? ['  `model_version` is the version that answered: the model\'s on the model path, `PREVIOUS_MODEL_VERSION` when the previous', '  version answered as the fallback, null when `DEFAULT_ANSWER` did (no model gave it).']
    : ['  `model_version` is the model\'s on the model path, null on the fallback path (the fallback\'s answer is no model\'s).'];
}
