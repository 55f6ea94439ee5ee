// The deployment dashboard panel (one per deployment) on the shared panel host. After every poll of its deployment
// it builds the series of the selected window (DeploymentMonitor.dashboard) and posts them; the webview updates its
// charts in place. Pause stops that; the window selector rebuilds for another window. The linked rollout flag is read
// from the flagd file. The webview keeps { deployment, window, paused }, which the serializer reopens after a reload.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE, parseManifest } from '../../core/config/manifest';
import { dashboardSources } from '../../core/present/deployments';
import { chartView } from '../../core/present/drift';
import { DEFAULT_FLAG_FILE, parseFlagFile, readRollout } from '../../core/scaffold/flagFile';
import { errorMessage } from '../../core/util/concurrency';
import { DASHBOARD_WINDOWS, isDashboardPanelState, isDashboardToHost, type DashboardExport, type DashboardPanelState, type DashboardToHost, type DashboardView, type DashboardWindow, type HostToDashboard, type RolloutView } from '../../shared/dashboardMessages';
import type { DashboardData, DeploymentStatus } from '../../shared/deployments';
import { log } from '../log';
import { PanelHost, registerPanelSerializer, type PanelSpec } from '../webview/panelHost';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';
import { showDetailed } from '../notify';

export const DASHBOARD_VIEW_TYPE = 'mlship.dashboard';

const SPEC: PanelSpec<DashboardToHost> = { viewType: DASHBOARD_VIEW_TYPE, script: 'dashboard.js', styles: ['panel.css', 'drift.css', 'dashboard.css'], isMessage: isDashboardToHost, loadingText: 'Loading the dashboard…' };

/** The model name a deployment serves: "credit-risk" from "models:/credit-risk@champion" or "credit-risk/2". */
function modelNameOf(e: DeploymentEntry): string | undefined {
  if (e.local) return e.local.model.name;
  const ref = e.config.model?.replace(/^models:\//, '');
  return ref?.split(/[@/]/)[0] || undefined;
}

/**
 * The rollout flag of a deployment: the flag its `flag:` in mlship.yaml names, else a flag of the workspace's flagd
 * file (`flags:` in mlship.yaml, else flags/flags.flagd.json) named after the deployment or the model it serves.
 */
export async function rolloutOf(e: DeploymentEntry): Promise<RolloutView> {
  let flagsPath = DEFAULT_FLAG_FILE;
  try {
    flagsPath = parseManifest(await readFile(join(e.root, MANIFEST_FILE), 'utf8')).manifest?.flags ?? DEFAULT_FLAG_FILE;
  } catch {
    // No mlship.yaml: the default flag file.
  }
  const file = join(e.root, flagsPath);
  const shown = relative(e.root, file) || flagsPath;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { kind: 'none', reason: `No flag file (${shown}). Scaffold ML Feature or \`mlship rollout <flag> <percent> --create\` makes one; the flag named by the deployment's flag: in mlship.yaml (or named after the deployment or its model) is shown here.` };
  }
  const keys = new Set(parseFlagFile(text).flags.map((f) => f.key));
  if (e.config.flag && !keys.has(e.config.flag)) return { kind: 'none', reason: `The flag "${e.config.flag}" that mlship.yaml links to ${e.config.name} (flag:) is not in ${shown}.` };
  const candidates = [e.config.flag, e.config.name, modelNameOf(e)].filter((k): k is string => !!k);
  const key = candidates.find((k) => keys.has(k));
  if (!key) return { kind: 'none', reason: `No flag in ${shown} is named after the deployment or its model (${candidates.map((c) => `"${c}"`).join(' or ')}).` };
  try {
    const r = readRollout(text, shown, key);
    return { kind: 'linked', flagKey: key, file: shown, percent: r.percent, effectivePercent: r.effectivePercent, killSwitch: r.killSwitch };
  } catch (err) {
    return { kind: 'none', reason: errorMessage(err) };
  }
}

function histogramLabels(data: DashboardData): Record<string, string[]> | undefined {
  const hs = data.drift?.histograms;
  if (!hs?.length) return undefined;
  return Object.fromEntries(hs.map((h) => [h.feature, chartView(h.chart)?.labels ?? []]));
}

function placeholderStatus(name: string, reason: string): DeploymentStatus {
  return { name, state: 'unknown', reason, reasons: [reason], checks: [], p95Ms: null, errorRate: null, fallbackRate: null, lowConfidenceShare: null, throughput: null, drift: null, quality: null, checkedAt: new Date().toISOString() };
}

export class DashboardPanel {
  private static readonly panels = new Set<DashboardPanel>();
  private static countChanged: (count: number) => void = () => undefined;
  private building = false;
  private again = false;
  private stale = false;
  private readonly disposables: vscode.Disposable[] = [];

  /** Open dashboards (polling runs while there is one). */
  static get count(): number {
    return DashboardPanel.panels.size;
  }

  static onCountChange(fn: (count: number) => void): void {
    DashboardPanel.countChanged = fn;
  }

  /** Reveals the deployment's dashboard, or opens one. */
  static show(extensionUri: vscode.Uri, service: DeploymentsService, e: DeploymentEntry): DashboardPanel {
    const open = [...DashboardPanel.panels].find((p) => p.deploymentId === e.id);
    if (open) {
      open.host.reveal();
      return open;
    }
    const host = PanelHost.open<DashboardToHost, HostToDashboard>(extensionUri, SPEC, `${e.config.name} dashboard`);
    return new DashboardPanel(host, service, { deploymentId: e.id, name: e.config.name, window: '15m', paused: false });
  }

  static serializer(extensionUri: vscode.Uri, service: DeploymentsService): vscode.Disposable {
    return registerPanelSerializer(DASHBOARD_VIEW_TYPE, isDashboardPanelState, (panel, state) => {
      new DashboardPanel(PanelHost.adopt<DashboardToHost, HostToDashboard>(panel, extensionUri, SPEC), service, state);
    });
  }

  private deploymentId: string;
  private readonly name: string;
  private window: DashboardWindow;
  private paused: boolean;

  private constructor(
    private readonly host: PanelHost<DashboardToHost, HostToDashboard>,
    private readonly service: DeploymentsService,
    state: DashboardPanelState,
  ) {
    this.deploymentId = state.deploymentId;
    this.name = state.name;
    this.window = state.window;
    this.paused = state.paused;
    host.title = `${state.name} dashboard`;
    DashboardPanel.panels.add(this);
    DashboardPanel.countChanged(DashboardPanel.count);
    host.onMessage((msg) => void this.receive(msg));
    this.disposables.push(
      service.onDidChange((e) => {
        if (!e || e.id === this.deploymentId) this.refresh();
      }),
      host.panel.onDidChangeViewState((ev) => {
        if (ev.webviewPanel.visible && this.stale) this.refresh();
      }),
    );
    host.onDidDispose(() => {
      for (const d of this.disposables) d.dispose();
      DashboardPanel.panels.delete(this);
      DashboardPanel.countChanged(DashboardPanel.count);
    });
    this.refresh(true);
  }

  private entry(): DeploymentEntry | undefined {
    const e = this.service.get(this.deploymentId) ?? (this.deploymentId.startsWith('local:') ? undefined : this.service.all.find((x) => !x.local && x.config.name === this.name));
    if (e) this.deploymentId = e.id;
    return e;
  }

  /** Rebuilds after a poll (coalesced: one build at a time, and one more if a poll landed meanwhile). */
  private refresh(force = false): void {
    if (this.host.isDisposed || (this.paused && !force)) return;
    if (!this.host.panel.visible && !force) {
      this.stale = true;
      return;
    }
    this.stale = false;
    if (this.building) {
      this.again = true;
      return;
    }
    this.building = true;
    void this.build()
      .then((view) => {
        // Paused while this view was built: it is not shown (a forced build, for a new window or Resume, is).
        if (this.paused && !force) return;
        this.host.post({ type: 'show', view, paused: this.paused }, { sticky: true });
      })
      .catch((err: unknown) => log().warn(`Dashboard of ${this.name}: ${errorMessage(err)}`))
      .finally(() => {
        this.building = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async build(): Promise<DashboardView> {
    const e = this.entry();
    const base = { deploymentId: this.deploymentId, name: this.name, window: this.window };
    if (!e) {
      const gone = this.deploymentId.startsWith('local:')
        ? `This local deployment is no longer running (a local server ends with the editor session or Stop Local Deployment). Serve the model again with Serve Model Locally, then Open Dashboard.`
        : `"${this.name}" is not among the deployments of mlship.yaml (yet). Add it under deployments:, or close this dashboard.`;
      return { ...base, status: placeholderStatus(this.name, 'not watched'), rollout: { kind: 'none', reason: 'no deployment' }, sources: { inference: false, metrics: false, predictions: false, feedback: false, baseline: false }, gone };
    }
    const c = e.config;
    const sources = dashboardSources(c, e.drift, !!e.local);
    const w = DASHBOARD_WINDOWS[this.window];
    const end = Date.now();
    const [data, rollout] = await Promise.all([
      e.monitor.dashboard({ start: end - w.ms, end, stepMs: w.stepMs, maxPoints: Math.ceil(w.ms / w.stepMs) }).then(
        (d) => ({ data: d }),
        (err: unknown) => ({ error: errorMessage(err) }),
      ),
      rolloutOf(e),
    ]);
    const url = e.local?.process.endpoint.url;
    const labels = 'data' in data ? histogramLabels(data.data) : undefined;
    return { ...base, name: c.name, status: e.monitor.status, rollout, sources, ...data, ...(url ? { url } : {}), ...(labels ? { histogramLabels: labels } : {}) };
  }

  private async receive(msg: Exclude<DashboardToHost, { type: 'ready' }>): Promise<void> {
    switch (msg.type) {
      case 'window':
        this.window = msg.window;
        this.refresh(true);
        return;
      case 'pause':
        this.paused = msg.paused;
        if (!msg.paused) this.refresh(true);
        return;
      case 'timing':
        if (msg.phase === 'first') log().info(`Dashboard of ${this.name}: first render ${msg.ms.toFixed(1)} ms (${msg.points} points).`);
        else log().debug(`Dashboard of ${this.name}: update, longest frame ${msg.ms.toFixed(1)} ms${msg.totalMs !== undefined ? `, ${msg.totalMs.toFixed(1)} ms over ${msg.frames ?? 1} frames` : ''} (${msg.points} points).`);
        return;
      case 'export':
        await this.export(msg.file);
        return;
    }
  }

  private async export(file: DashboardExport): Promise<void> {
    const root = this.service.get(this.deploymentId)?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${file.name}`,
      saveLabel: 'Export',
      filters: file.format === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
      ...(root ? { defaultUri: vscode.Uri.file(join(root, file.name)) } : {}),
    });
    if (!target) return;
    try {
      await writeFile(target.fsPath, file.format === 'png' ? Buffer.from(file.base64, 'base64') : file.text);
    } catch (err) {
      void showDetailed('error', `MLShip: could not write ${basename(target.fsPath)}. Choose a folder you can write to and export again.`, `${target.fsPath}: ${errorMessage(err)}`);
      return;
    }
    log().info(`Exported ${file.format.toUpperCase()} of the ${this.name} dashboard to ${target.fsPath}.`);
    void vscode.window.showInformationMessage(`MLShip: exported ${vscode.workspace.asRelativePath(target)}.`);
  }
}
