// The deployments the editor watches: those of each workspace folder's mlship.yaml, plus local deployments started
// here (Serve Model Locally). Polling is bounded: per-deployment interval with backoff (core PollScheduler), paused
// while the window is unfocused, stopped when neither the Deployments view nor a dashboard is open. Auth tokens live
// in SecretStorage only. Drift of the logged inputs against each deployment's baseline is computed in one worker
// process (DriftProcess running the CLI bundle's `mlship worker`), never on the extension host's thread.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE, parseManifest, type DeploymentConfig, type DriftManifest } from '../../core/config/manifest';
import { DriftProcess } from '../../core/deployments/driftProcess';
import { deploymentDriftSource, type DeploymentDriftSource } from '../../core/deployments/driftSource';
import { localDeploymentConfig, serveOptionsFor, type ServableModel } from '../../core/deployments/local';
import { DeploymentMonitor, type MonitorOptions } from '../../core/deployments/monitor';
import { PollScheduler } from '../../core/deployments/scheduler';
import { startLocalDeployment, type LocalDeploymentProcess } from '../../core/inference/modelProcess';
import type { ModelEntry, ModelVersionEntry } from '../../core/registry/types';
import { errorMessage } from '../../core/util/concurrency';
import type { DeploymentStatus } from '../../shared/deployments';
import { log } from '../log';
import { modelProcess } from '../modelProcess';
import { showDetailed } from '../notify';

export interface DeploymentEntry {
  id: string;
  root: string;
  config: DeploymentConfig;
  monitor: DeploymentMonitor;
  /** Set for a local deployment started here. */
  local?: { process: LocalDeploymentProcess; model: ServableModel };
  featureNames?: string[];
  /** The baseline its logged inputs are compared with, or why there is none. */
  drift: DeploymentDriftSource;
}

/** What the workspace knows of the model version a deployment serves. */
export interface ServedModel {
  featureNames?: string[];
  /** The version itself, whose lineage names the training snapshot (the default drift baseline). */
  served?: { model: ModelEntry; version: ModelVersionEntry };
}

const TOKEN_KEY = (id: string): string => `mlship.deployment.token:${id}`;

/** The drift section of the mlship.yaml in `root` (its mode and methods), when it has a valid one. */
async function manifestDrift(root: string): Promise<DriftManifest | undefined> {
  try {
    return parseManifest(await readFile(join(root, MANIFEST_FILE), 'utf8')).manifest?.drift;
  } catch {
    return undefined;
  }
}

export class DeploymentsService implements vscode.Disposable {
  private readonly entries = new Map<string, DeploymentEntry>();
  private readonly scheduler: PollScheduler;
  private readonly changed = new vscode.EventEmitter<DeploymentEntry | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private viewVisible = false;
  private dashboards = 0;
  private polling = false;
  private loaded = false;
  private driftProcess: DriftProcess | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly resolveModel: (config: DeploymentConfig, root: string) => ServedModel | undefined = () => undefined,
  ) {
    this.scheduler = new PollScheduler({ onError: (id, err) => log().warn(`Polling ${id} failed: ${errorMessage(err)}`) });
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${MANIFEST_FILE}`);
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidChange(() => void this.reload()),
      watcher.onDidCreate(() => void this.reload()),
      watcher.onDidDelete(() => void this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
      vscode.window.onDidChangeWindowState((s) => (s.focused ? this.scheduler.resume() : this.scheduler.pause())),
    );
    if (!vscode.window.state.focused) this.scheduler.pause();
  }

  get all(): DeploymentEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): DeploymentEntry | undefined {
    return this.entries.get(id);
  }

  /** Whether the polling schedule is running (the view or a dashboard is open). */
  get isPolling(): boolean {
    return this.polling;
  }

  /** The Deployments view was shown or hidden. */
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    if (visible && !this.loaded) void this.reload();
    this.updatePolling();
  }

  /** How many dashboards are open (editor tabs), as the tab groups report it. */
  setDashboardCount(count: number): void {
    this.dashboards = count;
    this.updatePolling();
  }

  private updatePolling(): void {
    const want = this.viewVisible || this.dashboards > 0;
    if (want === this.polling) return;
    this.polling = want;
    if (want) for (const e of this.entries.values()) this.schedule(e);
    else {
      this.scheduler.stop();
      // The drift worker starts again with the next poll.
      this.driftProcess?.stop();
    }
    log().info(`Deployment polling ${want ? 'started' : 'stopped (no Deployments view or dashboard open)'}.`);
  }

  private schedule(e: DeploymentEntry): void {
    if (!this.polling) return;
    this.scheduler.add({
      id: e.id,
      intervalMs: e.monitor.intervalMs,
      poll: async (signal) => {
        const before = e.monitor.status.state;
        const status = await e.monitor.poll(signal);
        if (status.state !== before) log().info(`${e.config.name}: ${status.state} — ${status.reason}`);
        this.changed.fire(e);
        return status.state !== 'unreachable';
      },
    });
  }

  /** Polls a deployment now (Probe Now, after a token change). */
  pollNow(id: string): void {
    if (this.polling) this.scheduler.pollNow(id);
    else {
      const e = this.entries.get(id);
      if (e) void e.monitor.poll().then(() => this.changed.fire(e));
    }
  }

  /** The drift worker, started on the first drift request of any deployment. */
  private drifts(): DriftProcess {
    this.driftProcess ??= new DriftProcess({
      script: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'cli.js').fsPath,
      // VS Code's extension host runs in Electron: run the child as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      // The same profile cache as Compare with Baseline, so a snapshot is profiled once for both.
      cacheDir: vscode.Uri.joinPath(this.context.globalStorageUri, 'profiles').fsPath,
      onLog: (level, message) => (level === 'error' ? log().error(message) : level === 'warn' ? log().warn(message) : log().info(message)),
    });
    return this.driftProcess;
  }

  private monitorFor(id: string, root: string, config: DeploymentConfig, featureNames: string[] | undefined, local: boolean, drift: DeploymentDriftSource): DeploymentMonitor {
    // The worker reads the drift methods and thresholds from it (the defaults when there is none).
    const manifestPath = join(root, MANIFEST_FILE);
    const driftOptions: Pick<MonitorOptions, 'drift' | 'driftUnavailable'> =
      'unavailable' in drift ? { driftUnavailable: drift.unavailable } : { drift: { scorer: this.drifts().scorer(id, drift.baseline, manifestPath), reason: drift.reason, mode: drift.mode } };
    return new DeploymentMonitor(config, {
      root,
      token: async () => (await this.context.secrets.get(TOKEN_KEY(id))) ?? undefined,
      ...(featureNames ? { featureNames } : {}),
      ...driftOptions,
      // Probe Now sends rows of the same baseline drift is measured against.
      ...('baseline' in drift ? { probeSnapshot: drift.baseline } : {}),
      onProblem: (m) => log().warn(m),
      local,
    });
  }

  /** Re-reads every mlship.yaml; keeps local deployments and the monitors of unchanged configured ones. */
  async reload(): Promise<void> {
    this.loaded = true;
    const seen = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.fsPath;
      let text: string;
      try {
        text = await readFile(join(root, MANIFEST_FILE), 'utf8');
      } catch {
        continue;
      }
      const { manifest } = parseManifest(text);
      for (const config of manifest?.deployments ?? []) {
        const id = `${root}|${config.name}`;
        seen.add(id);
        const existing = this.entries.get(id);
        const model = this.resolveModel(config, root);
        const featureNames = model?.featureNames;
        const drift = deploymentDriftSource(config, manifest?.drift, model?.served, root);
        const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
        if (existing && same(existing.config, config) && same(existing.featureNames, featureNames) && same(existing.drift, drift)) continue;
        if (existing) await this.remove(id);
        const entry: DeploymentEntry = { id, root, config, drift, monitor: this.monitorFor(id, root, config, featureNames, false, drift), ...(featureNames ? { featureNames } : {}) };
        this.entries.set(id, entry);
        this.schedule(entry);
      }
    }
    for (const [id, e] of this.entries) if (!e.local && !seen.has(id)) await this.remove(id);
    this.changed.fire(undefined);
  }

  private async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    this.scheduler.remove(id);
    this.entries.delete(id);
    await e.monitor.close();
    await this.driftProcess?.close(id);
  }

  /** Starts a local deployment of a model version; resolves once it listens (and shows in the view). */
  async startLocal(model: ServableModel, root: string, budgets: DeploymentConfig['budgets']): Promise<DeploymentEntry> {
    const running = this.all.find((e) => e.local?.model.modelFile === model.modelFile);
    if (running) return running;
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const logDir = join(storage.fsPath, 'deployments');
    const child = await startLocalDeployment(modelProcess(this.context.extensionUri), serveOptionsFor(model, { logDir }));
    const config = localDeploymentConfig(model, child.endpoint, budgets);
    const id = `local:${child.pid}`;
    // A local deployment's baseline is the served version's training snapshot (lineage), when it names one.
    const source = model.baseline ? deploymentDriftSource({ baseline: model.baseline }, await manifestDrift(root), undefined, root) : undefined;
    const drift: DeploymentDriftSource =
      source && 'baseline' in source ? { ...source, reason: `training data of ${model.title} (lineage)` } : { unavailable: `no baseline: the lineage of ${model.title} names no training snapshot` };
    const entry: DeploymentEntry = { id, root, config, drift, monitor: this.monitorFor(id, root, config, model.featureNames, true, drift), local: { process: child, model }, ...(model.featureNames ? { featureNames: model.featureNames } : {}) };
    this.entries.set(id, entry);
    log().info(`Serving ${model.title} locally on ${child.endpoint.url} (model process ${child.pid}); logs in ${logDir}.`);
    void child.exited.then(async (how) => {
      if (!this.entries.has(id)) return;
      log().warn(`The local deployment of ${model.title} stopped: the model process ${how}.`);
      void showDetailed('warning', `MLShip: the local deployment of ${model.title} stopped. Serve it again to restart it.`, `The model process ${how}.`, { logged: true });
      await this.remove(id);
      this.changed.fire(undefined);
    });
    this.schedule(entry);
    if (!this.polling) void entry.monitor.poll().then(() => this.changed.fire(entry));
    this.changed.fire(undefined);
    return entry;
  }

  /** Stops a local deployment: the server closes, the port is freed, the process exits. */
  async stopLocal(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e?.local) return;
    await this.remove(id);
    await e.local.process.stop();
    log().info(`Stopped the local deployment of ${e.local.model.title}; port ${e.local.process.endpoint.port} is free.`);
    this.changed.fire(undefined);
  }

  async setToken(id: string, token: string | undefined): Promise<void> {
    if (token) await this.context.secrets.store(TOKEN_KEY(id), token);
    else await this.context.secrets.delete(TOKEN_KEY(id));
    this.pollNow(id);
  }

  statuses(): DeploymentStatus[] {
    return this.all.map((e) => e.monitor.status);
  }

  dispose(): void {
    this.scheduler.stop();
    for (const e of this.entries.values()) {
      void e.monitor.close();
      void e.local?.process.stop(1000);
    }
    this.entries.clear();
    this.driftProcess?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
