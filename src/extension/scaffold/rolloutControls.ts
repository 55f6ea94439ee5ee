// Rollout controls in the editor: a CodeLens over each flag of a flag file with its percentage and the linked
// deployment's health, and the commands Set Rollout Percentage (5 → 25 → 50 → 100, or custom) and Kill Switch. Edits
// go through core/scaffold/flagFile (only the changed numbers, formatting and other flags kept) as an undoable edit of
// the document, which is then saved; raising is refused while the linked deployment breaches its budgets unless the
// user overrides with a reason; every change is appended to the rollout log next to the flag file.
import { appendFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import { describeRollout, FlagFileError, flagLenses, formatPercent, readRollout, rolloutFlagsOf, type FlagFileChange, type RolloutState } from '../../core/scaffold/flagFile';
import type { DeploymentConfig } from '../../core/config/manifest';
import {
  applyRolloutTarget,
  decideRollout,
  DEFAULT_VERDICT_MAX_AGE_MS,
  healthLabel,
  overrideProblem,
  rolloutLogLine,
  rolloutLogPath,
  rolloutLogRecord,
  type DeploymentHealth,
  type GuardDecision,
  type RolloutOverride,
  type RolloutTarget,
} from '../../core/scaffold/rollout';
import { log } from '../log';
import type { DeploymentHealthSource } from './health';
import { flagFileOf, folderRelative, isFlagFile, linkedDeployment } from './workspaceFiles';

export const ROLLOUT_STEPS = [5, 25, 50, 100] as const;

/** The oldest health verdict file the guard uses (`mlship.rollout.verdictMaxAgeMinutes`). */
function verdictMaxAgeMs(folder: vscode.WorkspaceFolder): number {
  const minutes = vscode.workspace.getConfiguration('mlship', folder.uri).get<number>('rollout.verdictMaxAgeMinutes');
  return typeof minutes === 'number' && minutes > 0 ? minutes * 60_000 : DEFAULT_VERDICT_MAX_AGE_MS;
}

interface FlagTarget {
  folder: vscode.WorkspaceFolder;
  document: vscode.TextDocument;
  /** Relative to the folder. */
  file: string;
  flagKey: string;
}

export class RolloutControls implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly healthSource: DeploymentHealthSource) {
    const manifests = vscode.workspace.createFileSystemWatcher('**/mlship.yaml');
    const fire = () => this.changed.fire();
    this.disposables.push(this.changed, manifests, manifests.onDidChange(fire), manifests.onDidCreate(fire), manifests.onDidDelete(fire), healthSource.onDidChange(fire));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  async provideCodeLenses(document: vscode.TextDocument, _token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!(await isFlagFile(document.uri))) return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const lenses: vscode.CodeLens[] = [];
    for (const lens of flagLenses(document.getText())) {
      const range = new vscode.Range(lens.range.start.line - 1, lens.range.start.column - 1, lens.range.start.line - 1, lens.range.start.column - 1);
      if (!lens.rollout) {
        lenses.push(new vscode.CodeLens(range, { title: lens.title, command: '' }));
        continue;
      }
      const deployment = folder ? await linkedDeployment(folder, lens.flagKey) : undefined;
      const health = folder && deployment ? await this.healthSource.health(folder, deployment) : undefined;
      const args = [document.uri, lens.flagKey];
      const label = healthLabel(deployment?.name, health, folder ? verdictMaxAgeMs(folder) : DEFAULT_VERDICT_MAX_AGE_MS);
      lenses.push(new vscode.CodeLens(range, { title: `$(rocket) ${lens.title} · ${label}`, command: 'mlship.setRolloutPercentage', arguments: args, tooltip: 'Set Rollout Percentage' }));
      lenses.push(
        new vscode.CodeLens(range, lens.rollout.killSwitch
          ? { title: '$(debug-start) Release Kill Switch', command: 'mlship.killSwitch', arguments: args, tooltip: `Serve ${formatPercent(lens.rollout.percent)} again (guarded like a raise)` }
          : { title: '$(debug-stop) Kill Switch', command: 'mlship.killSwitch', arguments: args, tooltip: 'Send everyone to the fallback now' }),
      );
    }
    return lenses;
  }

  /** The flag to act on: the arguments of a CodeLens, else the active flag file or the folder's, asking for the flag. */
  private async target(uri: vscode.Uri | undefined, flagKey: string | undefined): Promise<FlagTarget | undefined> {
    let fileUri = uri instanceof vscode.Uri ? uri : undefined;
    if (!fileUri) {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && (await isFlagFile(active))) fileUri = active;
    }
    if (!fileUri) {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const folder = folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder of the flag' });
      if (!folder) return undefined;
      fileUri = await flagFileOf(folder);
    }
    const folder = vscode.workspace.getWorkspaceFolder(fileUri);
    if (!folder) throw new Error(`${fileUri.fsPath} is not in a workspace folder.`);
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(fileUri);
    } catch {
      throw new Error(`There is no flag file ${folderRelative(folder, fileUri.fsPath)}: scaffold a feature, or set flags: in mlship.yaml.`);
    }
    const file = folderRelative(folder, fileUri.fsPath);
    let key = typeof flagKey === 'string' ? flagKey : undefined;
    if (!key) {
      const flags = rolloutFlagsOf(document.getText(), file);
      const pick = flags.length === 1 ? flags[0] : await vscode.window.showQuickPick(flags.map((f) => ({ label: f.flagKey, description: f.title, flag: f })), { title: `MLShip: rollout flag in ${file}`, placeHolder: `Flag in ${file} whose rollout to change` }).then((p) => p?.flag);
      if (!pick) return undefined;
      key = pick.flagKey;
    }
    return { folder, document, file, flagKey: key };
  }

  private async healthOf(t: FlagTarget): Promise<{ deployment?: DeploymentConfig; health?: DeploymentHealth }> {
    const deployment = await linkedDeployment(t.folder, t.flagKey);
    if (!deployment) return {};
    const health = await this.healthSource.health(t.folder, deployment);
    return health ? { deployment, health } : { deployment };
  }

  async setPercentage(uri?: vscode.Uri, flagKey?: string): Promise<void> {
    const t = await this.target(uri, flagKey);
    if (!t) return;
    const current = readRollout(t.document.getText(), t.file, t.flagKey);
    const next = ROLLOUT_STEPS.find((p) => p > current.effectivePercent);
    type Item = vscode.QuickPickItem & { percent?: number };
    const items: Item[] = ROLLOUT_STEPS.map((p) => ({
      label: formatPercent(p),
      percent: p,
      description: p === current.percent && !current.killSwitch ? 'current' : p === next ? 'next step' : p < current.effectivePercent ? 'lower' : '',
    }));
    items.push({ label: 'Custom…', description: 'a whole percentage from 0 to 100' });
    const quick = vscode.window.createQuickPick<Item>();
    quick.title = `Set Rollout Percentage: ${t.flagKey}`;
    quick.placeholder = `Now ${current.killSwitch ? `kill switch on (${formatPercent(current.percent)} when released)` : formatPercent(current.percent)}; choose the share of users that get the model`;
    quick.items = items;
    const preselect = items.find((i) => i.percent === next);
    if (preselect) quick.activeItems = [preselect];
    const picked = await new Promise<Item | undefined>((resolve) => {
      quick.onDidAccept(() => resolve(quick.selectedItems[0]));
      quick.onDidHide(() => resolve(undefined));
      quick.show();
    });
    quick.dispose();
    if (!picked) return;
    let percent = picked.percent;
    if (percent === undefined) {
      const typed = await vscode.window.showInputBox({
        title: `Set Rollout Percentage: ${t.flagKey}`,
        prompt: 'Percentage of targeting keys that get the model (0–100)',
        placeHolder: 'A whole number from 0 to 100, e.g. 25',
        value: String(current.percent),
        validateInput: (v) => (/^\s*\d{1,3}\s*%?\s*$/.test(v) && Number.parseInt(v, 10) <= 100 ? undefined : 'A whole number from 0 to 100'),
      });
      if (typed === undefined) return;
      percent = Number.parseInt(typed, 10);
    }
    await this.change(t, current, { kind: 'percent', percent }, 'set');
  }

  async killSwitch(uri?: vscode.Uri, flagKey?: string): Promise<void> {
    const t = await this.target(uri, flagKey);
    if (!t) return;
    const current = readRollout(t.document.getText(), t.file, t.flagKey);
    if (!current.killSwitch) {
      const ok = await vscode.window.showWarningMessage(
        `Turn on the kill switch of ${t.flagKey}? Everyone gets the fallback until it is released (now ${formatPercent(current.percent)} get the model).`,
        { modal: true },
        'Turn On Kill Switch',
      );
      if (ok !== 'Turn On Kill Switch') return;
      await this.change(t, current, { kind: 'kill' }, 'kill');
    } else {
      await this.change(t, current, { kind: 'release' }, 'release');
    }
  }

  /** Guards, applies and records one change of a flag. */
  private async change(t: FlagTarget, current: RolloutState, target: RolloutTarget, action: 'set' | 'kill' | 'release'): Promise<void> {
    const { deployment, health } = await this.healthOf(t);
    const by = userInfo().username || 'unknown';
    let override: RolloutOverride | undefined;
    // A verdict file of another deployment, undated or older than the setting refuses a raise, as in `mlship rollout`.
    const guard = { current, target, ...(health ? { health } : {}), ...(deployment ? { linkedDeployment: deployment.name } : {}), maxVerdictAgeMs: verdictMaxAgeMs(t.folder) };
    let decision: GuardDecision = decideRollout(guard);
    if (!decision.allowed) {
      const choice = await vscode.window.showWarningMessage(decision.message, { modal: true, detail: 'An override is recorded in the rollout log with who, when and why.' }, 'Override…');
      if (choice !== 'Override…') return;
      const reason = await vscode.window.showInputBox({
        title: `Override the rollout guard: ${t.flagKey}`,
        prompt: 'Why does the percentage go up despite the breach? (recorded in the rollout log)',
        placeHolder: 'The reason, e.g. the breach is a known load test',
        validateInput: (v) => overrideProblem({ by, at: new Date().toISOString(), reason: v }),
        ignoreFocusOut: true,
      });
      if (reason === undefined) return;
      override = { by, at: new Date().toISOString(), reason: reason.trim() };
      decision = decideRollout({ ...guard, override });
      if (!decision.allowed) return;
    }
    if (t.document.isDirty) throw new Error(`${t.file} has unsaved changes: save or revert them first, then change the rollout.`);
    const text = t.document.getText();
    let result: FlagFileChange;
    try {
      // The file may have changed during the dialogs (a kill switch from the CLI, a pull): the decision was about `current`.
      result = applyRolloutTarget(text, t.file, t.flagKey, target, current);
    } catch (err) {
      if (err instanceof FlagFileError) throw new Error(err.message);
      throw err;
    }
    if (result.edits.length === 0) {
      void vscode.window.showInformationMessage(`MLShip: ${t.flagKey} is already ${describeRollout(current)}.`);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of result.edits) edit.replace(t.document.uri, new vscode.Range(t.document.positionAt(e.offset), t.document.positionAt(e.offset + e.length)), e.content, { label: `Rollout of ${t.flagKey}`, needsConfirmation: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`${t.file} could not be edited.`);
    await t.document.save();
    const next = readRollout(t.document.getText(), t.file, t.flagKey);
    const record = rolloutLogRecord({ ts: new Date().toISOString(), flag: t.flagKey, file: t.file, action, from: current, to: next, by, ...(health ? { health } : {}), decision, ...(override ? { override } : {}) });
    const logFile = rolloutLogPath(t.document.uri.fsPath);
    await appendFile(logFile, rolloutLogLine(record));
    log().info(`Rollout ${t.flagKey}: ${describeRollout(current)} → ${describeRollout(next)}. ${decision.message}`);
    this.changed.fire();
    void vscode.window.showInformationMessage(`MLShip: ${t.flagKey}: ${describeRollout(current)} → ${describeRollout(next)}${override ? ' (override recorded)' : ''}. Logged in ${folderRelative(t.folder, logFile)}.`);
  }
}
