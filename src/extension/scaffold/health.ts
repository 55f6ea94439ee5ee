// Where the rollout controls get a deployment's health: an interface the Deployments view implements with its live
// status, and the implementation used until then — health verdict files, `.mlship/health/<deployment>.json` in the
// workspace folder, in the format of `mlship rollout --health` (budgets left out come from mlship.yaml). Without a
// verdict, a deployment's health is unknown and the guard lets a raise through (as `mlship rollout` does without
// --require-healthy).
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentConfig } from '../../core/config/manifest';
import { HEALTH_METRICS, parseHealthVerdict, type DeploymentHealth, type HealthMetric } from '../../core/scaffold/rollout';
import { errorMessage } from '../../core/util/concurrency';
import { log } from '../log';
import { readText } from './workspaceFiles';

/** The health of the deployments named in a workspace folder's mlship.yaml. */
export interface DeploymentHealthSource extends vscode.Disposable {
  /** The deployment's current health, or undefined when nothing is known about it. */
  health(folder: vscode.WorkspaceFolder, deployment: DeploymentConfig): Promise<DeploymentHealth | undefined>;
  /** Fires when some deployment's health may have changed. */
  readonly onDidChange: vscode.Event<void>;
}

export const HEALTH_DIR = '.mlship/health';

/** The budgets of a deployment entry, as the guard reads them. */
export function budgetsOf(deployment: DeploymentConfig): Partial<Record<HealthMetric, number>> {
  const out: Partial<Record<HealthMetric, number>> = {};
  for (const m of HEALTH_METRICS) {
    const v = deployment.budgets?.[m];
    if (typeof v === 'number') out[m] = v;
  }
  return out;
}

/** Health verdict files: `.mlship/health/<deployment>.json` (watched). An invalid file is logged and counts as unknown. */
export class FileHealthSource implements DeploymentHealthSource {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/${HEALTH_DIR}/*.json`);
  private readonly reported = new Set<string>();

  constructor() {
    const fire = () => this.changed.fire();
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  async health(folder: vscode.WorkspaceFolder, deployment: DeploymentConfig): Promise<DeploymentHealth | undefined> {
    const file = join(folder.uri.fsPath, HEALTH_DIR, `${deployment.name}.json`);
    const text = await readText(file);
    if (text === null) return undefined;
    try {
      const health = parseHealthVerdict(text, `${HEALTH_DIR}/${deployment.name}.json`, budgetsOf(deployment));
      this.reported.delete(file);
      return { ...health, deployment: health.deployment ?? deployment.name };
    } catch (err) {
      if (!this.reported.has(file)) log().warn(`${errorMessage(err)} The health of ${deployment.name} is unknown until it is fixed.`);
      this.reported.add(file);
      return undefined;
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
