// "MLShip: Scaffold ML Feature": a guided flow (feature name, language, model, task, threshold, fallback, latency
// budget, initial rollout, target folder), the plan of core/scaffold/plan.ts, a preview of every file and of the edits
// of the flag file and mlship.yaml, then one undoable WorkspaceEdit. Escape at any step writes nothing; existing files
// are never overwritten (the user skips them or stops).
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE } from '../../core/config/manifest';
import type { FlowState } from '../../core/scaffold/flowState';
import { choiceFromFile, choiceFromVersion, onnxFileOf, otherVersions, previousVersion, taskFromOutputs } from '../../core/scaffold/modelChoice';
import {
  DEFAULT_LATENCY_BUDGET_MS,
  DEFAULT_THRESHOLD,
  endpointProblem,
  existingNameProblem,
  featureNameProblem,
  flagFilePath,
  latencyBudgetProblem,
  normalizeFolder,
  occupiedFolderProblem,
  configPath,
  percentProblem,
  plannedPaths,
  planScaffold,
  ScaffoldError,
  taskProblem,
  thresholdProblem,
  typedNumberProblem,
  type PlannedChange,
  type ScaffoldPlan,
} from '../../core/scaffold/plan';
import { labelsFit, listOf, rootOf, scaffoldFlow, scaffoldRequest, type ModelAnswer, type ScaffoldAnswers, type ScaffoldStepId, type TypedAnswer } from '../../core/scaffold/scaffoldFlow';
import type { ScaffoldLanguage, ScaffoldTask } from '../../core/scaffold/spec';
import { versionTitle } from '../../core/registry/naming';
import type { ModelEntry, ModelVersionEntry } from '../../core/registry/types';
import { describeRollout, readRollout } from '../../core/scaffold/flagFile';
import type { CatalogService } from '../catalogService';
import { log } from '../log';
import type { ModelsNode } from '../modelsTree';
import { pickOne, runSteps, typeOne, type StepResult, type StepUi } from './steps';
import { readText } from './workspaceFiles';
import { showDetailed } from '../notify';

export const PREVIEW_SCHEME = 'mlship-scaffold';
const TITLE = 'Scaffold ML Feature';

interface CatalogVersion {
  root: string;
  model: ModelEntry;
  version: ModelVersionEntry;
}

/** What the flow knows besides the answers. */
interface FlowContext {
  flow: FlowState<ScaffoldAnswers>;
  detectedLanguage: ScaffoldLanguage;
  /** mlship.yaml and the flag file of the workspace folder, as the flow started: names they take are refused. */
  workspace?: { manifestText: string | null; flagFileText: string | null };
}

/** Preview documents of planned files: read-only, served from memory. */
export class ScaffoldPreviews implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /** A preview URI for `path` showing `content`, under a folder that says what it is ("credit-risk (preview)"). */
  set(path: string, content: string, folder: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${folder}/${path}` });
    this.contents.set(uri.path, content);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function detectLanguage(): Promise<ScaffoldLanguage> {
  const exclude = '{**/node_modules/**,**/.venv/**,**/venv/**,**/.git/**}';
  const [py, ts] = await Promise.all([vscode.workspace.findFiles('**/*.py', exclude, 300), vscode.workspace.findFiles('**/*.{ts,tsx}', exclude, 300)]);
  return ts.length > py.length ? 'typescript' : 'python';
}

/** What each workspace-relative path is on disk, a file or a folder; absent paths are left out. */
async function kindsOf(root: string, paths: readonly string[]): Promise<Map<string, 'file' | 'folder'>> {
  const kinds = new Map<string, 'file' | 'folder'>();
  for (const p of paths) {
    try {
      kinds.set(p, (await stat(join(root, p))).isDirectory() ? 'folder' : 'file');
    } catch {
      /* absent */
    }
  }
  return kinds;
}

/** A version of the Models view as the model step's answer (its ONNX header read when the catalog has not). */
async function catalogAnswer(v: CatalogVersion): Promise<ModelAnswer> {
  return { source: 'catalog', root: v.root, model: v.model, version: v.version, choice: await choiceFromVersion(v.root, v.model, v.version) };
}

/** mlship.yaml and the flag file it names (or the default), as text; null where absent. */
async function workspaceTexts(root: string): Promise<{ manifestText: string | null; flagFileText: string | null }> {
  const manifestText = await readText(join(root, MANIFEST_FILE));
  return { manifestText, flagFileText: await readText(join(root, flagFilePath(manifestText))) };
}

export class ScaffoldCommand {
  constructor(
    private readonly service: CatalogService,
    private readonly previews: ScaffoldPreviews,
  ) {}

  /** The ONNX model versions to pick from, once discovery has completed (a command run early waits for it). */
  private async versions(): Promise<CatalogVersion[]> {
    const out: CatalogVersion[] = [];
    for (const c of await this.service.discoveredCatalogs()) for (const model of c.models) for (const version of model.versions) if (onnxFileOf(version)) out.push({ root: c.root, model, version });
    return out;
  }

  private folderOf(root: string | undefined): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return (root ? folders.find((f) => f.uri.fsPath === root) : undefined) ?? folders[0];
  }

  /** The command: from the palette (no argument) or a model version of the Models view. */
  async run(node?: ModelsNode): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showWarningMessage('MLShip: open a folder to scaffold a feature in.');
      return;
    }
    let preset: CatalogVersion | undefined;
    if (node?.kind === 'version') preset = (await this.versions()).find((v) => v.version.id === node.version.id);
    if (node?.kind === 'version' && !preset) {
      void vscode.window.showWarningMessage(`MLShip: ${versionTitle(node.version)} is not an ONNX model: the scaffold runs ONNX models or an OIP v2 endpoint.`);
      return;
    }
    const detected = await detectLanguage();
    const config = vscode.workspace.getConfiguration('mlship');
    const defaults = { language: detected, threshold: config.get<number>('diagnostics.confidenceThreshold') ?? DEFAULT_THRESHOLD, latencyMs: config.get<number>('latencyBudgetMs') ?? DEFAULT_LATENCY_BUDGET_MS };
    const flow = scaffoldFlow(defaults, preset ? await catalogAnswer(preset) : undefined);
    const folder = this.folderOf(rootOf(flow.get('model')));
    const ctx: FlowContext = { flow, detectedLanguage: detected, ...(folder ? { workspace: await workspaceTexts(folder.uri.fsPath) } : {}) };
    const steps = this.steps(ctx);
    const completed = await runSteps(TITLE, flow, (id, ui) => steps[id as ScaffoldStepId](ui));
    if (!completed) {
      log().info('Scaffold ML Feature: cancelled; nothing was written.');
      return;
    }
    await this.finish(flow);
  }

  /** What each step shows, by the flow's step ids: every step opens on its answer so far, else on its default. */
  private steps(ctx: FlowContext): Record<ScaffoldStepId, (ui: StepUi) => Promise<StepResult>> {
    const { flow } = ctx;
    const text =
      (key: TypedAnswer, prompt: string, validate: (v: string) => string | undefined, placeholder?: string, check?: (v: string) => Promise<string | undefined>) =>
      async (ui: StepUi): Promise<StepResult> => {
        const r = await typeOne(ui, { prompt, value: flow.get(key) ?? '', ...(placeholder ? { placeholder } : {}), validate, ...(check ? { check } : {}) });
        if (r.kind === 'cancel') return 'cancel';
        // Back keeps what was typed when it is valid, as Enter would; anything else leaves the answer as it was.
        if (r.kind === 'value' || !validate(r.value)) flow.set(key, r.value.trim());
        return r.kind === 'value' ? 'next' : 'back';
      };
    const number = (problem: (n: number, shown: string) => string | undefined, percent = false) => (v: string) => typedNumberProblem(v, problem, percent);
    const language = () => flow.get('language') ?? ctx.detectedLanguage;
    return {
      name: text(
        'name',
        'Feature name: lower-case words joined by - or _ (used for the flag, the deployment and the logs)',
        (v) => featureNameProblem(v.trim(), language()) ?? (ctx.workspace ? existingNameProblem(v.trim(), ctx.workspace) : undefined),
        'credit-risk',
      ),
      language: async (ui) => {
        const items = (['python', 'typescript'] as const).map((l) => ({ label: l === 'python' ? 'Python' : 'TypeScript', language: l, description: l === ctx.detectedLanguage ? 'detected in this workspace' : '' }));
        const r = await pickOne(ui, { placeholder: 'Language of the generated code', items, active: items.find((i) => i.language === language()) });
        if (r.kind !== 'item') return r.kind;
        flow.set('language', r.item.language);
        // A name that would break this language's imports (a Python keyword): back to the name, which says why.
        if (featureNameProblem(flow.get('name') ?? '', r.item.language)) return 'back';
        return 'next';
      },
      model: (ui) => this.modelStep(flow, ui),
      oipUrl: text('oipUrl', 'Base URL of the Open Inference Protocol v2 server (KServe, Triton, MLServer, mlship serve)', (v) => endpointProblem(v.trim())),
      oipModel: text('oipModel', 'Model name at the endpoint (/v2/models/{name})', (v) => (v.trim() ? undefined : 'Enter the model name.')),
      oipVersion: text('oipVersion', 'Model version at the endpoint (empty: the server\'s default)', () => undefined),
      features: text('features', 'Feature names, in the order of the input\'s columns (comma-separated)', (v) => (listOf(v) ? undefined : 'Enter the feature names, e.g. age, income, debt_ratio.')),
      task: async (ui) => {
        const model = flow.get('model');
        const detected = model && model.source !== 'oip' ? taskFromOutputs(model.choice) : undefined;
        // A task the model's outputs cannot serve says why on its line, and is refused here rather than after the last step.
        const problemOf = (task: ScaffoldTask): string | undefined => (model && model.source !== 'oip' ? taskProblem(model.choice, task, 'The model') : undefined);
        const items = ([['binary', 'two classes; the confidence is the chosen class\'s probability'], ['multiclass', 'three or more classes'], ['regression', 'a number; answers out of range fall back']] as const).map(([task, detail]) => {
          const problem = problemOf(task);
          return { label: task, task, detail: problem ?? detail, description: problem !== undefined ? 'does not fit this model' : task === detected ? 'from the model\'s outputs' : '', problem };
        });
        const active = items.find((i) => i.task === flow.get('task') && i.problem === undefined) ?? items.find((i) => i.problem === undefined);
        const r = await pickOne(ui, { placeholder: 'What the model predicts', items, ...(active ? { active } : {}), blocked: (i) => i.problem });
        if (r.kind !== 'item') return r.kind;
        flow.set('task', r.item.task);
        return 'next';
      },
      labels: text('labels', 'Class labels of the probability columns, comma-separated (empty: the column index)', (v) => {
        const task = flow.get('task') ?? 'binary';
        return labelsFit(v, task) ? undefined : `Task "${task}" needs ${task === 'binary' ? 'two class labels' : 'three or more class labels'} (or none: the column index).`;
      }),
      threshold: text('threshold', 'Confidence threshold (0–1): below it, the fallback answers', number(thresholdProblem)),
      fallback: async (ui) => {
        const items = ([
          ['heuristic', 'Rule-based', "the team's rules (feature, comparison, threshold, answer), then a documented default"],
          ['constant', 'Constant', 'one documented answer for everyone'],
          ['previous-version', 'Previous model version', 'the version that serves today answers, then a documented default'],
        ] as const).map(([fallback, label, detail]) => ({ label, fallback, detail }));
        const r = await pickOne(ui, { placeholder: 'What answers when the model does not (flag off, error, timeout, low confidence)', items, active: items.find((i) => i.fallback === flow.get('fallback')) });
        if (r.kind !== 'item') return r.kind;
        flow.set('fallback', r.item.fallback);
        return 'next';
      },
      previous: (ui) => this.previousStep(flow, ui),
      previousVersion: text('previousVersion', 'The previous model version at the endpoint (the one that serves today)', (v) => (!v.trim() ? 'Enter the version.' : v.trim() === (flow.get('oipVersion') ?? '') ? 'The previous version must differ from the model\'s.' : undefined)),
      latency: text('latency', 'Latency budget in ms: the model call\'s timeout and the deployment\'s p95 budget', number(latencyBudgetProblem)),
      percent: text('percent', 'Initial rollout: the percentage of users that get the model (e.g. 5 or 5%)', number(percentProblem, true)),
      targetFolder: text(
        'targetFolder',
        'Folder for the files, relative to the workspace folder',
        (v) => {
          const n = normalizeFolder(v, language());
          return 'problem' in n ? n.problem : undefined;
        },
        undefined,
        (v) => this.occupiedProblem(v, flow),
      ),
    };
  }

  /** Whether the folder already holds another feature's code (its settings name another feature, or none). */
  private async occupiedProblem(value: string, flow: FlowState<ScaffoldAnswers>): Promise<string | undefined> {
    const root = this.folderOf(rootOf(flow.get('model')))?.uri.fsPath;
    const name = flow.get('name') ?? '';
    const language = flow.get('language') ?? 'python';
    const n = normalizeFolder(value, language);
    if (!root || 'problem' in n) return undefined;
    const { paths } = plannedPaths({ name, language, folder: n.folder });
    const kinds = await kindsOf(root, paths);
    const existing = paths.filter((p) => kinds.has(p));
    if (existing.length === 0) return undefined;
    const config = configPath(n.folder, language);
    return occupiedFolderProblem(name, language, n.folder, existing, existing.includes(config) ? await readText(join(root, config)) : null);
  }

  private async modelStep(flow: FlowState<ScaffoldAnswers>, ui: StepUi): Promise<StepResult> {
    type Item = vscode.QuickPickItem & { version?: CatalogVersion; source: 'catalog' | 'file' | 'oip' | 'chosen' };
    for (;;) {
      const answer = flow.get('model');
      const items: Item[] = (await this.versions()).map((v) => ({
        label: `$(circuit-board) ${versionTitle({ ...v.version, modelName: v.model.name })}`,
        description: [...v.version.aliases.map((a) => `@${a}`), v.version.stage].filter(Boolean).join(' · '),
        detail: v.version.reference,
        version: v,
        source: 'catalog' as const,
      }));
      // The file chosen before is offered as it is: Enter keeps it, "ONNX file…" chooses another.
      if (answer?.source === 'file') items.push({ label: `$(file) ${answer.choice.path}`, description: 'the file chosen', source: 'chosen' });
      items.push({ label: '$(file) ONNX file…', detail: 'an .onnx file in the workspace', source: 'file' }, { label: '$(globe) OIP v2 endpoint…', detail: 'a model served over the Open Inference Protocol v2 (KServe, Triton, MLServer, mlship serve)', source: 'oip' });
      const active = items.find((i) => (answer?.source === 'catalog' ? i.version?.version.id === answer.version.id : answer?.source === 'file' ? i.source === 'chosen' : i.source === answer?.source));
      const r = await pickOne(ui, { placeholder: 'The model: a version from the Models view, an ONNX file, or an endpoint', items, ...(active ? { active } : {}) });
      if (r.kind !== 'item') return r.kind;
      if (r.item.source === 'chosen') return 'next';
      if (r.item.version) {
        // The same version again keeps the answer (and what was answered for it later) as it is.
        if (answer?.source !== 'catalog' || answer.version.id !== r.item.version.version.id) flow.set('model', await catalogAnswer(r.item.version));
        return 'next';
      }
      if (r.item.source === 'oip') {
        flow.set('model', { source: 'oip' });
        return 'next';
      }
      const root = this.folderOf(rootOf(answer));
      ui.inputs.close();
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, ...(root ? { defaultUri: root.uri } : {}), openLabel: 'Use This Model' });
      const file = files?.[0];
      if (!file) continue;
      const folder = vscode.workspace.getWorkspaceFolder(file);
      if (!folder) {
        void showDetailed('warning', 'MLShip: choose a model file inside the workspace.', 'The generated code and mlship.yaml refer to the model by a path relative to the workspace folder.');
        continue;
      }
      flow.set('model', { source: 'file', root: folder.uri.fsPath, choice: await choiceFromFile(folder.uri.fsPath, file.fsPath) });
      return 'next';
    }
  }

  private async previousStep(flow: FlowState<ScaffoldAnswers>, ui: StepUi): Promise<StepResult> {
    type Item = vscode.QuickPickItem & { version?: ModelVersionEntry; chosen?: boolean };
    for (;;) {
      const model = flow.get('model');
      const answer = flow.get('previous');
      const picked = model?.source === 'catalog' ? model : undefined;
      const candidates = picked ? otherVersions(picked.model, picked.version) : [];
      const older = picked ? previousVersion(picked.model, picked.version) : undefined;
      const items: Item[] = candidates.map((v) => ({ label: versionTitle(v), description: [v === older ? 'previous' : '', ...v.aliases.map((a) => `@${a}`)].filter(Boolean).join(' · '), detail: v.reference, version: v }));
      if (answer && answer.versionId === undefined) items.push({ label: `$(file) ${answer.choice.path}`, description: 'the file chosen', chosen: true });
      items.push({ label: '$(file) ONNX file…', detail: 'another .onnx file with the same inputs and outputs' });
      // The answer so far, else the version before the model's.
      const active = answer ? items.find((i) => (answer.versionId === undefined ? i.chosen : i.version?.id === answer.versionId)) : items.find((i) => i.version && i.version === older);
      const r = await pickOne(ui, { placeholder: 'The previous model version: it answers when the new one does not', items, ...(active ? { active } : {}) });
      if (r.kind !== 'item') return r.kind;
      if (r.item.chosen) return 'next';
      if (r.item.version && picked) {
        if (answer?.versionId !== r.item.version.id) flow.set('previous', { choice: await choiceFromVersion(picked.root, picked.model, r.item.version), versionId: r.item.version.id });
        return 'next';
      }
      const root = this.folderOf(rootOf(model));
      ui.inputs.close();
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, ...(root ? { defaultUri: root.uri } : {}), openLabel: 'Use as Previous Version' });
      const file = files?.[0];
      if (!file || !root) continue;
      flow.set('previous', { choice: await choiceFromFile(root.uri.fsPath, file.fsPath) });
      return 'next';
    }
  }

  private async finish(flow: FlowState<ScaffoldAnswers>): Promise<void> {
    const folder = this.folderOf(rootOf(flow.get('model')));
    if (!folder) return;
    const root = folder.uri.fsPath;
    const req = scaffoldRequest(flow.get);
    let plan: ScaffoldPlan;
    try {
      // What exists: the files the plan would create, and the folders on their way.
      const { paths, folder: target } = plannedPaths(req);
      const parts = target.split('/');
      const kinds = await kindsOf(root, [...paths, ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))]);
      const { manifestText, flagFileText } = await workspaceTexts(root);
      const config = configPath(target, req.language);
      const configText = kinds.get(config) === 'file' ? await readText(join(root, config)) : null;
      const ws = { manifestText, flagFileText, kind: (p: string) => kinds.get(p), text: (p: string) => (p === config ? configText : null) };
      // Everything else first (a flag or deployment that exists, the model, the flag file): the question about
      // existing files comes only for a plan that can be written.
      plan = planScaffold(req, ws, { onExisting: 'skip' });
      if (plan.skipped.length > 0) {
        const skip = await vscode.window.showWarningMessage(
          `${plan.skipped.length} of the files to create already exist in ${target}. MLShip never overwrites a file.`,
          { modal: true, detail: plan.skipped.join('\n') },
          'Skip Existing Files',
        );
        if (skip !== 'Skip Existing Files') return;
      }
    } catch (err) {
      if (err instanceof ScaffoldError) {
        log().warn(`Scaffold ML Feature: ${err.message}`);
        void vscode.window.showErrorMessage(`MLShip: ${req.name} cannot be scaffolded; nothing was written.`, { modal: true, detail: err.problems.join('\n\n') });
        return;
      }
      throw err;
    }
    const create = await this.preview(plan);
    await this.closePreviews();
    if (!create) {
      log().info('Scaffold ML Feature: cancelled at the preview; nothing was written.');
      return;
    }
    await this.apply(folder, plan);
  }

  /** A quick pick over the plan: Create / Cancel, and every file and edit, which opens its preview. */
  private async preview(plan: ScaffoldPlan): Promise<boolean> {
    type Item = vscode.QuickPickItem & { action: 'create' | 'cancel' | 'file' | 'change'; path?: string; content?: string; change?: PlannedChange };
    const percent = describeRollout(readRollout(plan.flagFile.after, plan.flagFile.path, plan.spec.flagKey));
    const items: Item[] = [
      { label: `$(check) Create`, description: `${plan.files.length} files in ${plan.spec.folder}, flag ${plan.spec.flagKey} (${percent}), deployment ${plan.deployment.name}`, action: 'create' },
      { label: '$(close) Cancel', description: 'write nothing', action: 'cancel' },
      { label: 'Files', kind: vscode.QuickPickItemKind.Separator, action: 'file' },
      ...plan.files.map((f): Item => ({ label: `$(new-file) ${f.path}`, description: `${f.content.split('\n').length - 1} lines · select to preview`, action: 'file', path: f.path, content: f.content })),
      ...plan.skipped.map((p): Item => ({ label: `$(circle-slash) ${p}`, description: 'exists: left as it is', action: 'file', path: p, content: '' })),
      { label: 'Edits', kind: vscode.QuickPickItemKind.Separator, action: 'change' },
      { label: `$(diff) ${plan.flagFile.path}`, description: plan.flagFile.before === null ? `new flag file with ${plan.spec.flagKey}` : `adds flag ${plan.spec.flagKey}`, action: 'change', change: plan.flagFile },
      { label: `$(diff) ${plan.manifest.path}`, description: plan.manifest.before === null ? `new manifest with deployment ${plan.deployment.name}` : `adds deployment ${plan.deployment.name}`, action: 'change', change: plan.manifest },
    ];
    const quick = vscode.window.createQuickPick<Item>();
    quick.title = `${TITLE}: preview of ${plan.spec.feature} (nothing is written until Create)`;
    quick.placeholder = 'Select a file to preview it; Create writes everything as one undoable edit';
    quick.items = items;
    quick.ignoreFocusOut = true;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        quick.dispose();
        resolve(ok);
      };
      quick.onDidAccept(() => {
        const item = quick.selectedItems[0];
        if (!item) return;
        if (item.action === 'create') return finish(true);
        if (item.action === 'cancel') return finish(false);
        void this.open(plan.spec.feature, item).then(() => quick.show());
      });
      quick.onDidHide(() => {
        // Opening a preview takes the focus; the picker stays until Create, Cancel or Escape.
        if (!done && !this.opening) finish(false);
      });
      quick.show();
    });
  }

  private opening = false;

  /** Closes the preview editors the flow opened. */
  private async closePreviews(): Promise<void> {
    const isPreview = (input: unknown): boolean =>
      (input instanceof vscode.TabInputText && input.uri.scheme === PREVIEW_SCHEME) || (input instanceof vscode.TabInputTextDiff && input.modified.scheme === PREVIEW_SCHEME);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => isPreview(t.input));
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  }

  private async open(feature: string, item: { path?: string; content?: string; change?: PlannedChange }): Promise<void> {
    this.opening = true;
    try {
      if (item.change) {
        const c = item.change;
        const before = this.previews.set(c.path, c.before ?? '', `${feature} (now)`);
        const after = this.previews.set(c.path, c.after, `${feature} (after scaffold)`);
        await vscode.commands.executeCommand('vscode.diff', before, after, `${c.path} (scaffold preview)`, { preview: true, preserveFocus: true });
      } else if (item.path && item.content !== undefined) {
        const uri = this.previews.set(item.path, item.content, `${feature} (preview)`);
        await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true });
      }
    } finally {
      this.opening = false;
    }
  }

  /** One WorkspaceEdit: the new files, and the flag file and mlship.yaml (created, or edited in place and saved). */
  private async apply(folder: vscode.WorkspaceFolder, plan: ScaffoldPlan): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    const meta = { label: `Scaffold ML Feature: ${plan.spec.feature}`, needsConfirmation: false };
    const encoder = new TextEncoder();
    for (const f of plan.files) edit.createFile(vscode.Uri.joinPath(folder.uri, f.path), { contents: encoder.encode(f.content), overwrite: false, ignoreIfExists: false }, meta);
    const edited: vscode.TextDocument[] = [];
    for (const c of [plan.flagFile, plan.manifest]) {
      const uri = vscode.Uri.joinPath(folder.uri, c.path);
      if (c.before === null) {
        edit.createFile(uri, { contents: encoder.encode(c.after), overwrite: false, ignoreIfExists: false }, meta);
        continue;
      }
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.getText() !== c.before) {
        void showDetailed('error', `MLShip: nothing was written: ${basename(c.path)} changed since the preview. Save it and scaffold again.`, `${c.path} changed since the preview, or has unsaved changes.`);
        return;
      }
      for (const e of c.edits) edit.replace(uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content, meta);
      edited.push(doc);
    }
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: false }))) {
      void showDetailed('error', 'MLShip: the scaffold could not be written; nothing was changed. Scaffold again.', 'The editor refused the edit: a file to create may have appeared meanwhile.');
      return;
    }
    for (const doc of edited) await doc.save();
    log().info(`Scaffold ML Feature: ${plan.spec.feature}: ${plan.files.length} files in ${plan.spec.folder}, flag ${plan.spec.flagKey} in ${plan.flagFile.path}, deployment in ${MANIFEST_FILE}.${plan.notes.map((n) => ` ${n}`).join('')}`);
    const main = plan.files.find((f) => /\/predictor\.(?:py|ts)$/.test(f.path));
    if (main) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, main.path), { preview: false });
    void vscode.window.showInformationMessage(`MLShip: ${plan.spec.feature} is scaffolded behind ${plan.spec.flagKey}. Run its tests: ${plan.testCommand}`, 'Open README').then((a) => {
      const readme = plan.files.find((f) => f.path.endsWith('README.md'));
      if (a && readme) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder.uri, readme.path));
    });
  }
}
