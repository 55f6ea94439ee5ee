// The steps of Scaffold ML Feature in the editor, as data: which steps there are and when each applies, what each
// offers by default, which answers depend on which (a target folder on the name and language, a task on the model, a
// previous version on the model), and the request the answers make. The editor shows the steps
// (src/extension/scaffold/scaffoldCommand.ts); the state going Back and forward is a FlowState.
import type { ModelEntry, ModelVersionEntry } from '../registry/types';
import { FlowState, type AnswerOf, type AnswerRules, type FlowStep } from './flowState';
import { baselineOf, otherVersions, taskFromOutputs } from './modelChoice';
import { defaultFolder, DEFAULT_INITIAL_PERCENT, normalizeFolder, numberFromText, taskProblem, type ModelChoice, type ScaffoldRequest } from './plan';
import { isClassifier, type FallbackStrategy, type ScaffoldLanguage, type ScaffoldTask } from './spec';

export type OnnxChoice = Extract<ModelChoice, { kind: 'onnx' }>;

/** The model step's answer: a version of the Models view, an ONNX file, or an OIP v2 endpoint (asked for next). */
export type ModelAnswer =
  | { source: 'catalog'; /** The workspace folder of its catalog. */ root: string; model: ModelEntry; version: ModelVersionEntry; choice: OnnxChoice }
  | { source: 'file'; /** The workspace folder the file is in. */ root: string; choice: OnnxChoice }
  | { source: 'oip' };

/** The previous-version fallback's model: another version from the Models view (`versionId`), or a file. */
export interface PreviousAnswer {
  choice: OnnxChoice;
  versionId?: string;
}

/** Every answer of the flow. Typed answers are kept as text (trimmed), as they were typed. */
export interface ScaffoldAnswers {
  name: string;
  language: ScaffoldLanguage;
  model: ModelAnswer;
  oipUrl: string;
  oipModel: string;
  oipVersion: string;
  features: string;
  task: ScaffoldTask;
  labels: string;
  threshold: string;
  fallback: FallbackStrategy;
  previous: PreviousAnswer;
  previousVersion: string;
  latency: string;
  percent: string;
  targetFolder: string;
}

export type ScaffoldStepId = keyof ScaffoldAnswers;

/** The answers typed into an input box. */
export type TypedAnswer = { [K in ScaffoldStepId]: ScaffoldAnswers[K] extends string ? K : never }[ScaffoldStepId];

const isOip = (get: AnswerOf<ScaffoldAnswers>): boolean => get('model')?.source === 'oip';
const wantsPrevious = (get: AnswerOf<ScaffoldAnswers>): boolean => get('fallback') === 'previous-version';

/** The steps in order. With a model given (the command run on a version of the Models view), there is no model step. */
export function scaffoldSteps(options: { modelGiven: boolean }): FlowStep<ScaffoldAnswers>[] {
  const steps: (FlowStep<ScaffoldAnswers> & { id: ScaffoldStepId })[] = [
    { id: 'name' },
    { id: 'language' },
    { id: 'model', when: () => !options.modelGiven },
    { id: 'oipUrl', when: isOip },
    { id: 'oipModel', when: isOip },
    { id: 'oipVersion', when: isOip },
    { id: 'features', when: isOip },
    { id: 'task' },
    { id: 'labels', when: (get) => isOip(get) && isClassifier(get('task') ?? 'binary') },
    { id: 'threshold', when: (get) => isClassifier(get('task') ?? 'binary') },
    { id: 'fallback' },
    { id: 'previous', when: (get) => wantsPrevious(get) && !isOip(get) },
    { id: 'previousVersion', when: (get) => wantsPrevious(get) && isOip(get) },
    { id: 'latency' },
    { id: 'percent' },
    { id: 'targetFolder' },
  ];
  return steps;
}

/** Comma-separated names, trimmed; undefined when there is none. */
export function listOf(text: string): string[] | undefined {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** The same model: the same version of the Models view, the same file, or an endpoint. */
export function sameModel(a: ModelAnswer, b: ModelAnswer): boolean {
  if (a.source === 'catalog' && b.source === 'catalog') return a.version.id === b.version.id;
  if (a.source === 'file' && b.source === 'file') return a.root === b.root && a.choice.path === b.choice.path;
  return a.source === 'oip' && b.source === 'oip';
}

/** Whether a previous version fits the model: a different ONNX file, and for a version picked from the Models view, another version of the same model. */
export function previousFits(previous: PreviousAnswer, model: ModelAnswer | undefined): boolean {
  if (!model || model.source === 'oip' || previous.choice.path === model.choice.path) return false;
  if (previous.versionId === undefined) return true;
  return model.source === 'catalog' && otherVersions(model.model, model.version).some((v) => v.id === previous.versionId);
}

/** Whether typed class labels suit the task: none (the column index), two for binary, three or more for multiclass. */
export function labelsFit(labels: string, task: ScaffoldTask): boolean {
  const n = listOf(labels)?.length ?? 0;
  return n === 0 || (task === 'binary' ? n === 2 : task === 'multiclass' ? n >= 3 : true);
}

/** What the steps offer first, and which answers depend on which. */
export function scaffoldRules(defaults: { language: ScaffoldLanguage; threshold: number; latencyMs: number }): AnswerRules<ScaffoldAnswers> {
  return {
    language: { default: () => defaults.language },
    model: { same: sameModel },
    oipUrl: { default: () => 'http://127.0.0.1:8081' },
    // The task the model's outputs suggest; one chosen for another model stays while the new model can serve it.
    task: {
      dependsOn: ['model'],
      default: (get) => {
        const model = get('model');
        return taskFromOutputs(model && model.source !== 'oip' ? model.choice : undefined);
      },
      fits: (task, get) => {
        const model = get('model');
        return !model || model.source === 'oip' || taskProblem(model.choice, task) === undefined;
      },
    },
    labels: { dependsOn: ['task'], fits: (labels, get) => labelsFit(labels, get('task') ?? 'binary') },
    threshold: { default: () => String(defaults.threshold) },
    fallback: { default: () => 'heuristic' },
    previous: { dependsOn: ['model'], fits: (previous, get) => previousFits(previous, get('model')), same: (a, b) => a.choice.path === b.choice.path },
    previousVersion: { dependsOn: ['oipVersion'], fits: (v, get) => v !== (get('oipVersion') ?? '') },
    latency: { default: () => String(defaults.latencyMs) },
    percent: { default: () => String(DEFAULT_INITIAL_PERCENT) },
    // The default folder follows the name and the language; a folder typed stays while the language can use it.
    targetFolder: {
      dependsOn: ['name', 'language'],
      default: (get) => {
        const name = get('name');
        return name ? defaultFolder(name, get('language') ?? 'python') : undefined;
      },
      fits: (folder, get) => !('problem' in normalizeFolder(folder, get('language') ?? 'python')),
    },
  };
}

/** A new flow: nothing answered yet but the model, when the command was run on a version. */
export function scaffoldFlow(defaults: { language: ScaffoldLanguage; threshold: number; latencyMs: number }, model?: ModelAnswer): FlowState<ScaffoldAnswers> {
  return new FlowState(scaffoldSteps({ modelGiven: model !== undefined }), scaffoldRules(defaults), model ? { model } : {});
}

/** The workspace folder the feature goes in: the model's, when it has one. */
export function rootOf(model: ModelAnswer | undefined): string | undefined {
  return model && model.source !== 'oip' ? model.root : undefined;
}

/** The plan's request made of the answers (planScaffold validates it). Throws when no model was answered. */
export function scaffoldRequest(get: AnswerOf<ScaffoldAnswers>): ScaffoldRequest {
  const answer = get('model');
  if (!answer) throw new Error('Scaffold ML Feature: no model was chosen.');
  const oip = answer.source === 'oip';
  const task = get('task') ?? 'binary';
  const fallback = get('fallback') ?? 'heuristic';
  const text = (key: TypedAnswer): string => get(key) ?? '';
  const model: ModelChoice = oip ? { kind: 'oip', url: text('oipUrl'), model: text('oipModel'), ...(text('oipVersion') ? { version: text('oipVersion') } : {}) } : answer.choice;
  const previous: ModelChoice | undefined = fallback !== 'previous-version' ? undefined : oip ? { kind: 'oip', url: text('oipUrl'), model: text('oipModel'), version: text('previousVersion') } : get('previous')?.choice;
  const features = oip ? listOf(text('features')) : undefined;
  const labels = oip && isClassifier(task) ? listOf(text('labels')) : undefined;
  const baseline = answer.source === 'catalog' ? baselineOf(answer.version) : undefined;
  const name = text('name');
  const language = get('language') ?? 'python';
  return {
    name,
    language,
    task,
    fallback,
    model,
    ...(previous ? { previous } : {}),
    ...(isClassifier(task) ? { threshold: numberFromText(text('threshold')) } : {}),
    latencyBudgetMs: numberFromText(text('latency')),
    initialPercent: numberFromText(text('percent'), true),
    folder: get('targetFolder') ?? defaultFolder(name, language),
    ...(features ? { features } : {}),
    ...(labels ? { classLabels: labels } : {}),
    ...(baseline ? { baseline } : {}),
  };
}
