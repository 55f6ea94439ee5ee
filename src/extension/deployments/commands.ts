// Commands of the Deployments view and of model versions: Open Dashboard (the dashboard webview), Probe Now, Set Auth Token, Edit in mlship.yaml, Serve Model Locally / Stop, Replay Snapshot
// Traffic. The work happens in core and in the model process; these only ask, route and show progress.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE } from '../../core/config/manifest';
import { probeRowsSource } from '../../core/deployments/driftSource';
import { DEFAULT_MIN_RECORDS } from '../../core/deployments/driftSeries';
import { servableFromVersion } from '../../core/deployments/local';
import { OipClient, type OipModelMetadata } from '../../core/deployments/oip';
import { DEFAULT_REPLAY_REQUESTS, defaultReplaySeconds, describeShift, orderReplayChoices, parseShift, replayMisfit, replayMisfitSummary, replayMissingInputs, replaySnapshot, replayUnavailable, type ColumnShift, type ReplayChoice } from '../../core/deployments/replay';
import { readSnapshotRows } from '../../core/formats/tabular';
import { problemDetail } from '../../core/present/notice';
import { dataFormatOf } from '../../core/registry/catalog';
import { versionTitle } from '../../core/registry/naming';
import { findModelVersion, labelColumnOf } from '../../core/registry/resolve';
import type { ModelVersionEntry, SnapshotEntry } from '../../core/registry/types';
import { errorMessage, mapLimit } from '../../core/util/concurrency';
import type { CatalogService } from '../catalogService';
import { log } from '../log';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';
import { DashboardPanel } from './dashboardPanel';
import type { DeploymentsNode, DeploymentsTreeProvider } from './deploymentsTree';
import { showCommandError, showDetailed, showNotice } from '../notify';

/** A snapshot Replay Snapshot Traffic offers, with where it is; `unavailable` says why it has no rows here to send. */
type ReplaySource = { s: SnapshotEntry; dataset: string; root: string; unavailable?: string };
/**
 * Its picker item; `blocked` says why it cannot be picked (its rows do not fit the model, or there are no rows here
 * to send), and `blockedHint` what the picker's placeholder says when it is picked anyway.
 */
type ReplayItem = vscode.QuickPickItem & { name: string; s: SnapshotEntry; blocked?: string; blockedHint?: string };
const isReplayItem = (i: vscode.QuickPickItem): i is ReplayItem => 's' in i;

export class DeploymentCommands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly service: DeploymentsService,
    private readonly tree: { provider: DeploymentsTreeProvider; view: vscode.TreeView<DeploymentsNode> },
    private readonly catalog: CatalogService,
    private readonly pickVersion: (node: unknown, ask: { title: string; placeHolder: string }) => Promise<ModelVersionEntry | undefined>,
  ) {}

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: never[]) => unknown) =>
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          await fn(...args);
        } catch (err) {
          showCommandError(id, err);
        }
      });
    // Polling runs while a dashboard is open (or the view is shown).
    DashboardPanel.onCountChange((n) => this.service.setDashboardCount(n));
    return [
      DashboardPanel.serializer(this.context.extensionUri, this.service),
      reg('mlship.refreshDeployments', () => this.refresh()),
      reg('mlship.openDashboard', (node?: DeploymentsNode | string) => this.openDashboard(node)),
      reg('mlship.probeDeployment', (node?: DeploymentsNode) => this.probe(node)),
      reg('mlship.setDeploymentToken', (node?: DeploymentsNode) => this.setToken(node)),
      reg('mlship.editDeployment', (node?: DeploymentsNode) => this.edit(node)),
      reg('mlship.serveLocally', (node?: unknown) => this.serveLocally(node)),
      reg('mlship.stopLocalDeployment', (node?: DeploymentsNode) => this.stopLocal(node)),
      reg('mlship.replaySnapshot', (node?: DeploymentsNode) => this.replay(node)),
    ];
  }

  /** The deployment a command is about: its node, the selection, or a quick pick. */
  private async entryFor(node: DeploymentsNode | string | undefined, command: string, purpose: string, filter: (e: DeploymentEntry) => boolean = () => true): Promise<DeploymentEntry | undefined> {
    if (typeof node === 'string') return this.service.get(node);
    let n = node ?? this.tree.view.selection[0];
    while (n && n.kind !== 'deployment') n = n.parent;
    if (n?.kind === 'deployment' && filter(n.entry)) return this.service.get(n.entry.id) ?? n.entry;
    if (this.service.all.length === 0) await this.service.reload();
    const candidates = this.service.all.filter(filter);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`MLShip: no deployment to ${purpose}. Add one under deployments: in mlship.yaml, or use Serve Model Locally on a model version.`);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const pick = await vscode.window.showQuickPick(
      candidates.map((e) => ({ label: e.config.name, description: e.monitor.status.state, detail: e.config.inference?.url ?? e.config.metrics?.scrape ?? e.config.predictions?.jsonl, e })),
      { title: `MLShip: ${command}`, placeHolder: `Deployment to ${purpose}` },
    );
    return pick?.e;
  }

  private async refresh(): Promise<void> {
    await this.service.reload();
    for (const e of this.service.all) this.service.pollNow(e.id);
  }

  private async openDashboard(node?: DeploymentsNode | string): Promise<void> {
    const e = await this.entryFor(node, 'Open Dashboard', 'open the dashboard of');
    if (!e) return;
    DashboardPanel.show(this.context.extensionUri, this.service, e);
  }

  private async probe(node?: DeploymentsNode): Promise<void> {
    const e = await this.entryFor(node, 'Probe Now', 'probe');
    if (!e) return;
    this.service.pollNow(e.id);
    if (!e.config.inference) {
      void vscode.window.setStatusBarMessage(`$(sync) Polled ${e.config.name}`, 3000);
      return;
    }
    // The baseline by the drift rule (deploymentDriftSource), as the dashboard and the row's menus find it.
    const rows = probeRowsSource(e.drift);
    if ('unavailable' in rows) {
      void vscode.window.showInformationMessage(`MLShip: polled ${e.config.name}. ${rows.unavailable}`);
      return;
    }
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLShip: probing ${e.config.name} with baseline rows…` }, () => e.monitor.probe(8));
    if (r.ok) void vscode.window.showInformationMessage(`MLShip: ${e.config.name} answered ${r.rows} baseline rows in ${r.latencyMs.toFixed(1)} ms.`);
    else {
      void showDetailed('warning', `MLShip: the probe of ${e.config.name} failed. Check that it is up and answers, then probe again.`, r.error);
    }
  }

  private async setToken(node?: DeploymentsNode): Promise<void> {
    const e = await this.entryFor(node, 'Set Auth Token', 'set the auth token of', (x) => !x.local);
    if (!e) return;
    const token = await vscode.window.showInputBox({
      title: `MLShip: Auth token for ${e.config.name}`,
      placeHolder: 'Bearer token (leave empty to remove the stored one)',
      prompt: 'Sent as "Authorization: Bearer …" to its inference, metrics and log URLs. Stored in the editor\'s secret storage, never in settings or logs. Leave empty to remove it.',
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return;
    await this.service.setToken(e.id, token.trim() || undefined);
    void vscode.window.showInformationMessage(token.trim() ? `MLShip: the auth token of ${e.config.name} is stored.` : `MLShip: the auth token of ${e.config.name} is removed.`);
  }

  private async edit(node?: DeploymentsNode): Promise<void> {
    const e = await this.entryFor(node, 'Edit in mlship.yaml', 'edit', (x) => !x.local);
    if (!e) return;
    const file = join(e.root, MANIFEST_FILE);
    const text = await readFile(file, 'utf8');
    const name = e.config.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const line = text.split('\n').findIndex((l) => new RegExp(`^\\s*(-\\s*)?name:\\s*["']?${name}["']?\\s*(#.*)?$`).test(l));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    if (line >= 0) {
      const pos = new vscode.Position(line, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.AtTop);
    }
  }

  private rootOf(path: string): string {
    return this.catalog.all.find((c) => path.startsWith(c.root))?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  }

  private async serveLocally(node?: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void showDetailed('warning', 'MLShip: Serve Model Locally needs a trusted workspace. Trust it, then serve again.', 'Serving loads the model into onnxruntime, which Restricted Mode does not allow.', { actions: ['Manage Workspace Trust'] }).then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    const v = await this.pickVersion(node, { title: 'MLShip: Serve Model Locally', placeHolder: 'ONNX model version to serve on this machine (Open Inference Protocol v2)' });
    if (!v) return;
    const servable = servableFromVersion(v);
    if ('problem' in servable) {
      // A broken model file: the toast says so and what to do; the reader's full reason is behind Show Details.
      if (v.error) void showDetailed('warning', `MLShip: ${versionTitle(v)} cannot be served: its model file cannot be read. Fix or replace it, then serve again.`, problemDetail(v.error));
      else void showNotice('warning', `MLShip: ${servable.problem}`);
      return;
    }
    const budget = vscode.workspace.getConfiguration('mlship', vscode.Uri.file(v.path)).get<number>('latencyBudgetMs') ?? 50;
    const entry = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLShip: starting ${servable.title}…` }, () =>
      this.service.startLocal(servable, this.rootOf(v.path), { latency_p95_ms: budget, drift_psi: 0.2, fallback_rate: 0.05 }),
    );
    await vscode.commands.executeCommand('mlship.deployments.focus');
    const n = this.tree.provider.nodeFor(entry.id);
    if (n) await this.tree.view.reveal(n, { select: true, expand: true });
    const url = entry.local?.process.endpoint.url ?? '';
    const action = await vscode.window.showInformationMessage(`MLShip: ${servable.title} is served at ${url} (Open Inference Protocol v2, /metrics).`, 'Replay Snapshot Traffic', 'Copy URL', 'Stop');
    if (action === 'Copy URL') await vscode.env.clipboard.writeText(url);
    else if (action === 'Stop') await this.service.stopLocal(entry.id);
    else if (action === 'Replay Snapshot Traffic') await this.replay(entry.id);
  }

  private async stopLocal(node?: DeploymentsNode): Promise<void> {
    const e = await this.entryFor(node, 'Stop Local Deployment', 'stop', (x) => !!x.local);
    if (!e?.local) return;
    const port = e.local.process.endpoint.port;
    await this.service.stopLocal(e.id);
    void vscode.window.setStatusBarMessage(`$(debug-stop) Stopped ${e.local.model.title}; port ${port} is free`, 5000);
  }

  /** The version a deployment serves, when the workspace has it (for the label column). */
  private versionOf(e: DeploymentEntry): ModelVersionEntry | undefined {
    if (e.local) return this.catalog.all.flatMap((c) => c.models.flatMap((m) => m.versions)).find((v) => v.modelFile === e.local?.model.modelFile);
    return e.config.model ? findModelVersion(this.catalog.all, e.config.model, e.root)?.version : undefined;
  }

  /**
   * The snapshot to replay, from a picker that lists first the snapshots whose rows fit the served model (its
   * training snapshot first of all), under a separator those that do not, and under another those with no rows here
   * to send (DVC data not pulled, folders, unreadable files), each with the reason and what to do; picking one of
   * those keeps the picker open. Fit is judged on each snapshot's first row against the model's metadata; when the
   * deployment does not answer in time, the snapshots are listed unjudged (the replay reports the deployment).
   */
  private async pickReplaySnapshot(e: DeploymentEntry, client: OipClient, snapshots: readonly ReplaySource[]): Promise<{ pick: ReplayItem; known: OipModelMetadata | undefined } | undefined> {
    const name = e.config.name;
    const quick = vscode.window.createQuickPick<ReplayItem | vscode.QuickPickItem>();
    quick.title = `MLShip: Replay Snapshot Traffic to ${name}`;
    quick.placeholder = `Checking which snapshots fit the inputs of ${name}…`;
    quick.matchOnDescription = true;
    quick.matchOnDetail = true;
    quick.ignoreFocusOut = true;
    quick.busy = true;
    quick.enabled = false;
    quick.show();
    let hidden = false;
    const closed = new Promise<undefined>((resolve) => quick.onDidHide(() => ((hidden = true), resolve(undefined))));
    try {
      const known = await Promise.race([client.modelMetadata().catch(() => undefined), closed]);
      if (hidden) return undefined;
      const firstRows = known
        ? await mapLimit(snapshots, 4, ({ s, unavailable }) =>
            unavailable !== undefined
              ? Promise.resolve(undefined)
              : readSnapshotRows(s.path, dataFormatOf(s.path) ?? 'csv', 1).then(
                  (rows) => ({ misfit: replayMisfitSummary(known, rows, e.featureNames), partial: replayMissingInputs(rows, e.featureNames) }),
                  (err: unknown) => ({ misfit: `Could not read it: ${errorMessage(err)}`, partial: undefined }),
                ),
          )
        : [];
      if (hidden) return undefined;
      // Snapshots that fit with some of the model's inputs missing (sent as NaN): said on their line.
      const partialOf = new Map<SnapshotEntry, string>();
      snapshots.forEach((x, i) => {
        const partial = firstRows[i]?.partial;
        if (partial) partialOf.set(x.s, partial);
      });
      const version = this.versionOf(e);
      const training = new Set((version?.lineage ?? []).map((l) => l.snapshotId).filter((id): id is string => !!id));
      const { fitting, misfits, unavailable } = orderReplayChoices(
        snapshots.map((x, i) => ({ item: x, snapshotId: x.s.id, dataset: x.dataset, path: x.s.path, ...(firstRows[i]?.misfit !== undefined ? { misfit: firstRows[i].misfit } : {}), ...(x.unavailable !== undefined ? { unavailable: x.unavailable } : {}) })),
        training,
        // The snapshot its live drift is measured against, by the same rule as the dashboard and Probe Now.
        'baseline' in e.drift ? e.drift.baseline : undefined,
      );
      const item = ({ item: { s, dataset }, relation, baseline, misfit, unavailable: none }: ReplayChoice<ReplaySource>): ReplayItem => {
        const roles = [relation === 'training' ? 'trained on' : undefined, baseline ? 'baseline' : undefined].filter(Boolean);
        const folder = s.format === 'directory' || !!s.dvc?.isDir;
        const itemName = `${dataset} ${s.label}`;
        const label = (icon: string): string => `${icon} ${itemName}`;
        // What cannot be picked says why first; its path is in the label's dataset and file name.
        if (none !== undefined) {
          return {
            label: label(folder ? '$(folder)' : !s.present ? '$(cloud-download)' : '$(error)'),
            description: [folder ? 'folder' : s.format, s.dvc ? 'DVC' : undefined, s.present ? undefined : 'not pulled'].filter(Boolean).join(' · '),
            detail: none,
            name: itemName,
            s,
            blocked: none,
            blockedHint: `${itemName}: ${none}`,
          };
        }
        const partial = partialOf.get(s);
        return {
          label: label(misfit ? '$(circle-slash)' : partial ? '$(warning)' : known ? '$(pass)' : '$(database)'),
          description: misfit ? `does not fit · ${s.format}` : [...roles, partial ? 'inputs missing' : undefined, s.format].filter(Boolean).join(' · '),
          detail: misfit ?? (partial ? `${partial} · ${s.relPath}` : s.relPath),
          name: itemName,
          s,
          ...(misfit ? { blocked: misfit, blockedHint: `${itemName} does not fit the model: pick one above the line` } : {}),
        };
      };
      const fits = fitting.map(item);
      const misfitItems = misfits.map(item);
      const unavailableItems = unavailable.map(item);
      quick.items = [
        ...(known && fits.length ? [{ label: 'fit the model', kind: vscode.QuickPickItemKind.Separator }] : []),
        ...fits,
        ...(misfitItems.length ? [{ label: 'do not fit: cannot be picked', kind: vscode.QuickPickItemKind.Separator }] : []),
        ...misfitItems,
        ...(unavailableItems.length ? [{ label: 'no rows here: cannot be picked', kind: vscode.QuickPickItemKind.Separator }] : []),
        ...unavailableItems,
      ];
      quick.placeholder =
        fits.length === 0 && misfitItems.length === 0
          ? 'No snapshot here has rows to send: each line below says what to do'
          : !known
            ? `Snapshot whose rows to send (${name} did not answer, so fit with its inputs is not checked)`
            : fits.length
              ? 'Snapshot whose rows to send (pick one other than the baseline to rehearse drift)'
              : `No snapshot in this workspace fits the inputs of ${name}`;
      quick.busy = false;
      quick.enabled = true;
      const pick = await new Promise<ReplayItem | undefined>((resolve) => {
        quick.onDidAccept(() => {
          const chosen = quick.selectedItems[0] ?? quick.activeItems[0];
          if (!chosen || !isReplayItem(chosen)) return;
          // Rows that would be refused, or that are not here, are not picked: the picker stays open and says why.
          if (chosen.blocked !== undefined) {
            quick.value = '';
            quick.placeholder = chosen.blockedHint ?? chosen.blocked;
            return;
          }
          resolve(chosen);
        });
        void closed.then(resolve);
      });
      return pick ? { pick, known } : undefined;
    } finally {
      quick.dispose();
    }
  }

  private async replay(node?: DeploymentsNode | string): Promise<void> {
    const e = await this.entryFor(node, 'Replay Snapshot Traffic', 'replay snapshot traffic to', (x) => !!x.config.inference);
    if (!e?.config.inference) return;
    // Once discovery is done: a pass in progress (the served model's logs just appeared) must not hide the version it
    // serves.
    // Every snapshot: those with no rows here to send (not pulled, folders, unreadable) are listed with what to do.
    const snapshots = (await this.catalog.discoveredCatalogs()).flatMap((c) =>
      c.datasets.flatMap((d) =>
        d.snapshots.map((s): ReplaySource => {
          const unavailable = replayUnavailable(s) ?? (dataFormatOf(s.path) ? undefined : 'not a CSV, TSV, JSONL or Parquet file');
          return { s, dataset: d.name, root: c.root, ...(unavailable !== undefined ? { unavailable } : {}) };
        }),
      ),
    );
    if (snapshots.length === 0) {
      void vscode.window.showInformationMessage('MLShip: no CSV, TSV, JSONL or Parquet snapshot in this workspace to replay.');
      return;
    }
    const token = (await this.context.secrets.get(`mlship.deployment.token:${e.id}`)) ?? undefined;
    const target = { url: e.config.inference.url, model: e.config.inference.model ?? e.config.name };
    const clientWithin = (timeoutMs: number): OipClient => new OipClient(target, { timeoutMs, ...(token ? { token } : {}) });
    const client = clientWithin(10_000);
    // The picker waits for the model's metadata only briefly: a deployment that is down gets the snapshots unjudged.
    const picked = await this.pickReplaySnapshot(e, clientWithin(3000), snapshots);
    if (!picked) return;
    const { pick } = picked;
    // Asked again, with the replay's own timeout, when the picker could not wait for it.
    const known = picked.known ?? (await client.modelMetadata().catch(() => undefined));
    const snapshot: SnapshotEntry = pick.s;
    const version = this.versionOf(e);
    const rows = await readSnapshotRows(snapshot.path, dataFormatOf(snapshot.path) ?? 'csv', 5000);
    // The picker checked the first row when the model's metadata was known; a snapshot changed since is refused
    // now, not after every question about the replay has been answered (an unreachable deployment is reported by
    // the replay itself, as before).
    const misfit = known ? replayMisfit(known, rows, e.featureNames) : undefined;
    if (misfit) {
      void showDetailed('error', `MLShip: ${pick.name} cannot be replayed to ${e.config.name}: its columns do not fit the model. Pick another snapshot.`, misfit);
      return;
    }
    const positive = (what: string, integer: boolean) => (text: string) => {
      const n = Number(text);
      return Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n)) ? undefined : `Enter ${integer ? 'a whole number' : 'a number'} above 0 (${what}).`;
    };
    const ask = async (prompt: string, value: string, validate: (t: string) => string | undefined, placeHolder = prompt): Promise<string | undefined> =>
      vscode.window.showInputBox({ title: `Replay ${pick.name} to ${e.config.name}`, prompt, placeHolder, value, validateInput: validate, ignoreFocusOut: true });
    const rate = await ask('Requests per second', '10', positive('requests per second', false));
    if (rate === undefined) return;
    // By default enough requests for live drift to be measured once they are logged, and the time to send them.
    const count = await ask(`At most this many requests (live drift is measured from ${DEFAULT_MIN_RECORDS} logged inputs)`, String(DEFAULT_REPLAY_REQUESTS), positive('requests', true));
    if (count === undefined) return;
    const duration = await ask('And for at most this many seconds', String(defaultReplaySeconds(Number(count), Number(rate))), positive('seconds', false));
    if (duration === undefined) return;
    const shiftText = await ask('Shift columns to rehearse drift (optional): income*1.3, age+10, region=north', '', (t) => {
      try {
        t.split(',').filter((x) => x.trim() !== '').forEach(parseShift);
        return undefined;
      } catch (err) {
        return errorMessage(err);
      }
    }, 'No shift (Enter), or e.g. income*1.3, age+10');
    if (shiftText === undefined) return;
    const shifts: ColumnShift[] = shiftText.split(',').filter((x) => x.trim() !== '').map(parseShift);
    // Looked up again now, as the catalog may have been refreshed while the questions were answered.
    await this.catalog.whenIdle();
    const served = this.versionOf(e) ?? version;
    const labelColumn = served ? labelColumnOf(served) : undefined;
    let feedbackShare = 0;
    if (labelColumn && rows.some((r) => r[labelColumn] !== undefined && r[labelColumn] !== null)) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Feedback for 30 % of requests', share: 0.3 },
          { label: 'Feedback for 100 % of requests', share: 1 },
          { label: 'Feedback for 10 % of requests', share: 0.1 },
          { label: 'No feedback', share: 0 },
        ].map((c) => ({ ...c, description: c.share > 0 ? `true outcome from "${labelColumn}", 2 s after the prediction` : undefined })),
        { title: `Replay ${pick.name} to ${e.config.name}`, placeHolder: 'Post feedback from the snapshot\'s label column?' },
      );
      if (!choice) return;
      feedbackShare = choice.share;
    }
    const title = `MLShip: replaying ${pick.name} to ${e.config.name}${shifts.length ? ` (${shifts.map(describeShift).join(', ')})` : ''}`;
    log().info(`${title}: ${rate}/s, at most ${count} requests in ${duration} s, feedback ${Math.round(feedbackShare * 100)} %.`);
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
      const abort = new AbortController();
      cancel.onCancellationRequested(() => abort.abort());
      const metadata = known ?? (await client.modelMetadata());
      let reported = 0;
      return replaySnapshot({
        client,
        metadata,
        rows,
        ...(e.featureNames ? { featureNames: e.featureNames } : {}),
        rate: Number(rate),
        maxRequests: Number(count),
        maxDurationMs: Number(duration) * 1000,
        shifts,
        ...(labelColumn && feedbackShare > 0 ? { labelColumn } : {}),
        feedbackShare,
        signal: abort.signal,
        onProgress: (p) => {
          const pct = Math.min(100, Math.max((p.sent / Number(count)) * 100, (p.elapsedMs / (Number(duration) * 1000)) * 100));
          progress.report({ message: `sent ${p.sent}, answered ${p.ok}, failed ${p.failed}, feedback ${p.feedback}`, increment: pct - reported });
          reported = pct;
        },
      });
    });
    this.service.pollNow(e.id);
    const text = `MLShip: replay to ${e.config.name} ${summary.stoppedBy === 'cancelled' ? 'cancelled' : 'done'} — sent ${summary.sent}, answered ${summary.ok}, failed ${summary.failed}, feedback ${summary.feedback}.`;
    if (summary.failed > 0) {
      // The toast says what happened; the last error, which can be long, is behind Show Details (and in the log).
      void showDetailed('warning', text, `Last error: ${summary.lastError ?? 'unknown'}`, { actions: ['Open Dashboard'] }).then((a) => (a ? this.openDashboard(e.id) : undefined));
    } else {
      log().info(text);
      void vscode.window.showInformationMessage(text, 'Open Dashboard').then((a) => a && this.openDashboard(e.id));
    }
  }
}
