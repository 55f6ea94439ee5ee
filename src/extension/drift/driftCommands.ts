// Drift commands on data snapshots: Compare with Baseline, Compare with…, Profile Snapshot, Set as Baseline. Each
// accepts the tree node it was invoked on, falls back to the selection, then asks with a quick pick.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE, parseManifest, type DriftManifest } from '../../core/config/manifest';
import { setBaselineInManifest } from '../../core/config/manifestEdit';
import { defaultBaseline, modelsOfDataset, type BaselineChoice } from '../../core/drift/baseline';
import { driftReportView, profileView } from '../../core/present/drift';
import type { Catalog, DatasetEntry, SnapshotEntry } from '../../core/registry/types';
import type { CatalogService } from '../catalogService';
import { log } from '../log';
import type { SnapshotsNode } from '../snapshotsTree';
import { DriftPanel } from './driftPanel';
import { DriftWorker, JobCancelled } from './driftWorker';
import { showCommandError, showNotice } from '../notify';

interface Target {
  catalog: Catalog;
  dataset: DatasetEntry;
  snapshot: SnapshotEntry;
}

const DATA_FILE = /\.(csv|tsv|tab|jsonl|ndjson|parquet|pq)$/i;

export class DriftCommands {
  private readonly worker: DriftWorker;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly service: CatalogService,
    private readonly snapshotsView: vscode.TreeView<SnapshotsNode>,
  ) {
    this.worker = new DriftWorker(context.extensionUri, vscode.Uri.joinPath(context.globalStorageUri, 'profiles'));
  }

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (node?: SnapshotsNode) => Promise<void>) =>
      vscode.commands.registerCommand(id, async (node?: SnapshotsNode) => {
        try {
          await fn(node);
        } catch (err) {
          if (err instanceof JobCancelled) return;
          showCommandError(id, err);
        }
      });
    return [
      reg('mlship.compareWithBaseline', (n) => this.compareWithBaseline(n)),
      reg('mlship.compareWith', (n) => this.compareWith(n)),
      reg('mlship.profileSnapshot', (n) => this.profileSnapshot(n)),
      reg('mlship.setAsBaseline', (n) => this.setAsBaseline(n)),
      DriftPanel.serializer(this.context.extensionUri, () => vscode.workspace.workspaceFolders?.[0]?.uri),
    ];
  }

  // ---- targets ------------------------------------------------------------------------------------------------

  private locate(snapshotId: string): Target | undefined {
    for (const catalog of this.service.all) {
      for (const dataset of catalog.datasets) {
        const snapshot = dataset.snapshots.find((s) => s.id === snapshotId);
        if (snapshot) return { catalog, dataset, snapshot };
      }
    }
    return undefined;
  }

  private readable(s: SnapshotEntry): boolean {
    return s.present && s.format !== 'directory';
  }

  private label(t: Target): string {
    return t.dataset.snapshots.length > 1 ? `${t.dataset.name} ${t.snapshot.label}` : t.snapshot.label;
  }

  /** The snapshot a command is about: the node, the selection, or a pick. */
  private async target(node: SnapshotsNode | undefined, title: string, placeHolder: string): Promise<Target | undefined> {
    const n = node ?? this.snapshotsView.selection[0];
    if (n?.kind === 'snapshot') {
      const t = this.locate(n.snapshot.id);
      if (t && !this.readable(t.snapshot)) {
        void showNotice('warning', `MLShip: ${t.snapshot.relPath} is not in the workspace (${t.snapshot.dvc ? 'run dvc pull to fetch it' : 'not a data file'}).`);
        return undefined;
      }
      if (t) return t;
    }
    const items: (vscode.QuickPickItem & { id: string })[] = [];
    for (const c of await this.service.discoveredCatalogs()) for (const d of c.datasets) for (const s of d.snapshots) {
      if (this.readable(s)) items.push({ id: s.id, label: d.snapshots.length > 1 ? `${d.name} ${s.label}` : s.label, description: s.format, detail: s.relPath });
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage('MLShip: no data snapshots in this workspace.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
    return pick ? this.locate(pick.id) : undefined;
  }

  private async manifestText(root: string): Promise<string | undefined> {
    const file = join(root, MANIFEST_FILE);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (open) return open.getText();
    try {
      return await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  private async driftSettings(root: string): Promise<DriftManifest | undefined> {
    const text = await this.manifestText(root);
    return text ? parseManifest(text).manifest?.drift : undefined;
  }

  // ---- commands -----------------------------------------------------------------------------------------------

  async compareWithBaseline(node?: SnapshotsNode): Promise<void> {
    const t = await this.target(node, 'MLShip: Compare with Baseline', 'Data snapshot to compare with its drift baseline');
    if (!t) return;
    const choice = defaultBaseline(t.catalog, t.snapshot, await this.driftSettings(t.catalog.root));
    if (!choice) {
      const isTraining = modelsOfDataset(t.catalog, t.snapshot).some((m) => m.training.id === t.snapshot.id);
      const why = isTraining ? `${t.snapshot.relPath} is itself the training data of a model` : `no model is linked to ${t.dataset.name} and mlship.yaml sets no drift baseline`;
      const action = await vscode.window.showInformationMessage(`MLShip: no baseline for ${this.label(t)}: ${why}.`, 'Compare with…', 'Set a Baseline…');
      if (action === 'Compare with…') await this.compareWith(node ?? this.nodeOf(t));
      else if (action === 'Set a Baseline…') await vscode.commands.executeCommand('mlship.setAsBaseline');
      return;
    }
    await this.compare(t, join(t.catalog.root, choice.relPath), this.baselineName(t.catalog, choice), choice.reason);
  }

  private nodeOf(t: Target): SnapshotsNode {
    return { kind: 'snapshot', id: t.snapshot.id, snapshot: t.snapshot, parent: { kind: 'dataset', id: t.dataset.id, dataset: t.dataset } };
  }

  private baselineName(catalog: Catalog, choice: BaselineChoice): string {
    for (const d of catalog.datasets) {
      const s = d.snapshots.find((x) => x.relPath === choice.relPath);
      if (s) return d.snapshots.length > 1 ? `${d.name} ${s.label}` : s.label;
    }
    return choice.relPath.split('/').pop() ?? choice.relPath;
  }

  async compareWith(node?: SnapshotsNode): Promise<void> {
    const t = await this.target(node, 'MLShip: Compare with…', 'Data snapshot to compare (the baseline is asked next)');
    if (!t) return;
    const suggested = defaultBaseline(t.catalog, t.snapshot, await this.driftSettings(t.catalog.root));
    const items: (vscode.QuickPickItem & { path?: string; name?: string; reason?: string })[] = [];
    for (const d of t.catalog.datasets) for (const s of d.snapshots) {
      if (s.id === t.snapshot.id || !this.readable(s)) continue;
      const isDefault = suggested?.relPath === s.relPath;
      const item = { label: d.snapshots.length > 1 ? `${d.name} ${s.label}` : s.label, description: isDefault ? `default baseline: ${suggested?.reason ?? ''}` : s.format, detail: s.relPath, path: s.path, name: d.snapshots.length > 1 ? `${d.name} ${s.label}` : s.label };
      if (isDefault) items.unshift(item);
      else items.push(item);
    }
    items.push({ label: '$(file) Choose a file…', description: 'a data file or a profile JSON from `mlship profile --out`' });
    const pick = await vscode.window.showQuickPick(items, { title: `MLShip: Compare ${this.label(t)} with…`, placeHolder: `Baseline to compare ${this.label(t)} with`, matchOnDescription: true, matchOnDetail: true });
    if (!pick) return;
    let path = pick.path;
    let name = pick.name;
    if (!path) {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as Baseline', filters: { 'Data or profile': ['csv', 'tsv', 'jsonl', 'ndjson', 'parquet', 'json'] }, defaultUri: vscode.Uri.file(t.catalog.root) });
      const file = files?.[0];
      if (!file) return;
      path = file.fsPath;
      name = path.split(/[\\/]/).pop();
    }
    await this.compare(t, path, name ?? path, suggested?.relPath && path === join(t.catalog.root, suggested.relPath) ? suggested.reason : undefined);
  }

  private async compare(t: Target, baselinePath: string, baselineName: string, reason: string | undefined): Promise<void> {
    if (!DATA_FILE.test(baselinePath) && !baselinePath.toLowerCase().endsWith('.json')) throw new Error(`${baselinePath} is not a data file (CSV, TSV, JSON Lines, Parquet) or a profile JSON.`);
    const current = this.label(t);
    log().info(`Comparing ${t.snapshot.path} with the baseline ${baselinePath}${reason ? ` (${reason})` : ''}.`);
    const result = await this.worker.run(
      { type: 'compare', baseline: baselinePath, current: t.snapshot.path, baselineName, currentName: current, manifestPath: join(t.catalog.root, MANIFEST_FILE) },
      `Comparing ${current} with ${baselineName}`,
    );
    if (result.type !== 'report') throw new Error('The profiling worker answered with something other than a report.');
    const report = result.report;
    log().info(`Drift ${current} vs ${baselineName}: ${report.summary.verdict}`);
    for (const p of report.problems) log().warn(`${p.file ?? p.side}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
    DriftPanel.show(this.context.extensionUri, driftReportView(report, reason), report, vscode.Uri.file(t.catalog.root));
  }

  async profileSnapshot(node?: SnapshotsNode): Promise<void> {
    const t = await this.target(node, 'MLShip: Profile Snapshot', 'Data snapshot to profile');
    if (!t) return;
    const result = await this.worker.run({ type: 'profile', path: t.snapshot.path, name: this.label(t), manifestPath: join(t.catalog.root, MANIFEST_FILE) }, `Profiling ${this.label(t)}`);
    if (result.type !== 'profile') throw new Error('The profiling worker answered with something other than a profile.');
    log().info(`Profiled ${t.snapshot.path}: ${result.profile.rows} rows, ${result.profile.columns.length} columns${result.cached ? ' (from the cache)' : ''}.`);
    DriftPanel.show(this.context.extensionUri, profileView(result.profile));
  }

  async setAsBaseline(node?: SnapshotsNode): Promise<void> {
    const t = await this.target(node, 'MLShip: Set as Baseline', 'Data snapshot to use as a drift baseline');
    if (!t) return;
    const linked = modelsOfDataset(t.catalog, t.snapshot).map((m) => m.model.name);
    const others = t.catalog.models.map((m) => m.name).filter((n, i, all) => !linked.includes(n) && all.indexOf(n) === i);
    const items: (vscode.QuickPickItem & { model?: string; scope?: 'workspace' })[] = [
      ...linked.map((m) => ({ label: `For model ${m}`, description: `drift.baselines.${m} — trained on ${t.dataset.name}`, model: m })),
      { label: 'For the workspace', description: 'drift.baseline — for data no model is linked to', scope: 'workspace' as const },
      ...(others.length ? [{ label: 'Other models', kind: vscode.QuickPickItemKind.Separator }] : []),
      ...others.map((m) => ({ label: `For model ${m}`, description: `drift.baselines.${m}`, model: m })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `MLShip: Set ${this.label(t)} as Baseline`, placeHolder: `Whose drift baseline ${t.snapshot.relPath} becomes (written to mlship.yaml)` });
    if (!pick || (!pick.model && pick.scope !== 'workspace')) return;
    const root = t.catalog.root;
    const file = join(root, MANIFEST_FILE);
    const text = await this.manifestText(root);
    const edit = setBaselineInManifest(text, t.snapshot.relPath, pick.model, MANIFEST_FILE);
    const whom = pick.model ? `model ${pick.model}` : 'the workspace';
    if (edit.previous === t.snapshot.relPath) {
      void vscode.window.showInformationMessage(`MLShip: ${t.snapshot.relPath} is already the baseline for ${whom}.`);
      return;
    }
    if (edit.previous !== undefined) {
      const ok = await vscode.window.showWarningMessage(`mlship.yaml already sets ${edit.previous} as the baseline for ${whom}. Replace it with ${t.snapshot.relPath}?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc) {
      const we = new vscode.WorkspaceEdit();
      we.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), edit.text);
      await vscode.workspace.applyEdit(we);
      await doc.save();
    } else await writeFile(file, edit.text);
    log().info(`Set ${t.snapshot.relPath} as the drift baseline for ${whom} in ${file}.`);
    void vscode.window.showInformationMessage(`MLShip: ${t.snapshot.relPath} is now the drift baseline for ${whom} (mlship.yaml).`, 'Open mlship.yaml').then((a) => a && vscode.window.showTextDocument(vscode.Uri.file(file)));
  }
}
