// Where the rollout controls get a deployment's health: the Deployments view's live status (its last poll, or a poll
// made for the question when there has been none), else a health verdict file, `.mlship/health/<deployment>.json` in
// the workspace folder, in the format of `mlship rollout --health` (budgets left out come from mlship.yaml). With
// neither, a deployment's health is unknown and the guard lets a raise through (as `mlship rollout` does without
// --require-healthy).
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentConfig } from '../../core/config/manifest';
import { budgetsOf, HEALTH_METRICS, healthFromStatus, invalidVerdict, parseHealthVerdict, type DeploymentHealth } from '../../core/scaffold/rollout';
import { errorMessage } from '../../core/util/concurrency';
import type { DeploymentEntry, DeploymentsService } from '../deployments/deploymentsService';
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

/** Health verdict files: `.mlship/health/<deployment>.json` (watched). An invalid file is logged and refuses a raise. */
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
      if (!this.reported.has(file)) log().warn(`${errorMessage(err)} Raising the rollout of ${deployment.name} is refused until it is fixed or removed.`);
      this.reported.add(file);
      return invalidVerdict(deployment.name, errorMessage(err));
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** The Deployments view's live status of a deployment; the verdict files where no poll has measured it. */
export class LiveHealthSource implements DeploymentHealthSource {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly inFlight = new Map<string, Promise<DeploymentHealth | undefined>>();

  constructor(
    private readonly deployments: DeploymentsService,
    private readonly files: DeploymentHealthSource = new FileHealthSource(),
  ) {
    this.subscriptions = [deployments.onDidChange(() => this.changed.fire()), files.onDidChange(() => this.changed.fire())];
  }

  async health(folder: vscode.WorkspaceFolder, deployment: DeploymentConfig): Promise<DeploymentHealth | undefined> {
    const candidates = this.deployments.all.filter((e) => e.root === folder.uri.fsPath && e.config.name === deployment.name);
    const entry = candidates.find((e) => !e.local) ?? candidates[0];
    let live: DeploymentHealth | undefined;
    if (entry) {
      live = healthFromStatus(entry.monitor.status);
      // Not polled yet, or not lately (polling runs while the Deployments view or a dashboard is open): measure now.
      const age = Date.now() - Date.parse(entry.monitor.status.checkedAt);
      if (!live || (!this.deployments.isPolling && !(age <= entry.monitor.intervalMs))) live = (await this.pollOnce(entry)) ?? live;
      if (live && HEALTH_METRICS.some((m) => typeof live?.metrics[m] === 'number')) return live;
    }
    return (await this.files.health(folder, deployment)) ?? live;
  }

  private pollOnce(entry: DeploymentEntry): Promise<DeploymentHealth | undefined> {
    let p = this.inFlight.get(entry.id);
    if (!p) {
      p = entry.monitor.poll().then(
        (status) => healthFromStatus(status),
        (err: unknown) => {
          log().warn(`Could not poll ${entry.config.name} for its health: ${errorMessage(err)}`);
          return undefined;
        },
      );
      this.inFlight.set(entry.id, p);
      void p.finally(() => this.inFlight.delete(entry.id));
    }
    return p;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.files.dispose();
    this.changed.dispose();
  }
}
