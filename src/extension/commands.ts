// Commands on tree nodes. Each accepts the node it was invoked on, falls back to the view's selection, and otherwise
// asks with a quick pick, so every command also works from the Command Palette.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE } from '../core/config/manifest';
import { runBenchmarkInModelProcess } from '../core/inference/modelProcess';
import { describeSnapshot, describeVersion } from '../core/present/details';
import { compareToBudget, formatMs } from '../core/stats/latency';
import { versionTitle } from '../core/registry/naming';
import { baselineOf } from '../core/registry/resolve';
import type { ModelVersionEntry } from '../core/registry/types';
import { errorMessage, isAbortError } from '../core/util/concurrency';
import { sha256File, sha256Path } from '../core/util/hash';
import { readSnapshotRows } from '../core/formats/tabular';
import { parseFeatureNames } from '../core/inference/inputs';
import { problemDetail } from '../core/present/notice';
import type { DetailsAction, DetailsView } from '../shared/detailsMessages';
import type { LatencyBenchmarkResult } from '../shared/serve';
import type { CatalogService } from './catalogService';
import { DetailsPanel, type DetailsHost } from './catalog/detailsPanel';
import { log } from './log';
import { modelProcess } from './modelProcess';
import type { ModelsNode, ModelsTreeProvider } from './modelsTree';
import { snapshotRows, type SnapshotsNode, type SnapshotsTreeProvider } from './snapshotsTree';
import { showCommandError, showDetailed, showNotice } from './notify';

type AnyNode = ModelsNode | SnapshotsNode;

export class Commands implements DetailsHost {
  private readonly benchmarks = new Map<string, LatencyBenchmarkResult>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: CatalogService,
    private readonly models: { provider: ModelsTreeProvider; view: vscode.TreeView<ModelsNode> },
    private readonly snapshots: { provider: SnapshotsTreeProvider; view: vscode.TreeView<SnapshotsNode> },
  ) {}

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await fn(...args);
      } catch (err) {
        showCommandError(id, err);
      }
    });
    return [
      reg('mlship.refresh', () => this.service.refresh()),
      reg('mlship.showDetails', (node?: AnyNode) => this.showDetails(node)),
      reg('mlship.benchmarkLatency', (node?: AnyNode) => this.benchmark(node)),
      reg('mlship.copyReference', (node?: AnyNode) => this.copyReference(node)),
      reg('mlship.revealInExplorer', (node?: AnyNode) => this.revealInExplorer(node)),
      reg('mlship.revealSnapshot', (snapshotId?: string) => this.openTarget(snapshotId ?? '')),
      reg('mlship.openManifest', () => this.openManifest()),
      reg('mlship.showLog', () => log().show()),
    ];
  }

  private selected(): AnyNode | undefined {
    return this.models.view.selection[0] ?? this.snapshots.view.selection[0];
  }

  /** Resolves a command argument to a version or snapshot id, asking when nothing is selected. */
  private async target(node: AnyNode | undefined, want: 'version' | 'any', ask: { title: string; placeHolder: string }): Promise<string | undefined> {
    let n = node ?? this.selected();
    while (n && n.kind !== 'version' && n.kind !== 'snapshot' && n.kind !== 'model' && n.kind !== 'folder' && n.kind !== 'dataset') n = n.parent;
    if (n?.kind === 'version') return n.version.id;
    if (n?.kind === 'snapshot' && want === 'any') return n.snapshot.id;
    if (n?.kind === 'model') {
      const first = n.model.versions[0];
      if (n.model.versions.length === 1 && first) return first.id;
    }
    const items: (vscode.QuickPickItem & { id: string })[] = [];
    for (const c of await this.service.discoveredCatalogs()) {
      for (const m of c.models) {
        if (n?.kind === 'model' && n.model.id !== m.id) continue;
        for (const v of m.versions) {
          if (want === 'version' && (v.error || v.format !== 'onnx')) continue;
          // The data it was trained on, when its lineage names a snapshot here: what a served version is replayed and
          // compared with for drift.
          const trainedOn = baselineOf(v);
          items.push({ id: v.id, label: versionTitle(v), description: [...v.aliases.map((a) => `@${a}`), v.metadata?.formatLabel].filter(Boolean).join(' · '), detail: trainedOn ? `${v.reference} · trained on ${trainedOn}` : v.reference });
        }
      }
      if (want === 'any' && n?.kind !== 'model') for (const d of c.datasets) for (const s of d.snapshots) items.push({ id: s.id, label: `${d.name} ${s.label}`, description: s.format, detail: s.relPath });
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage(want === 'version' ? 'MLShip: no ONNX model version in this workspace.' : 'MLShip: no models or data snapshots found.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { ...ask, matchOnDescription: true, matchOnDetail: true });
    return pick?.id;
  }

  /** The ONNX model version a command was invoked on (tree node, selection, or a quick pick). */
  async pickVersion(node: unknown, ask: { title: string; placeHolder: string }): Promise<ModelVersionEntry | undefined> {
    const id = await this.target(node as AnyNode | undefined, 'version', ask);
    return id ? this.service.findVersion(id) : undefined;
  }

  async render(targetId: string): Promise<DetailsView | undefined> {
    const trusted = vscode.workspace.isTrusted;
    for (const c of this.service.all) {
      for (const m of c.models) {
        const v = m.versions.find((x) => x.id === targetId);
        if (!v) continue;
        let sha256: string | undefined;
        try {
          sha256 = await sha256Path(v.modelFile ?? v.path);
        } catch {
          /* unreadable: the view shows the problem */
        }
        const benchmark = this.benchmarks.get(v.id);
        const budget = this.budgetFor(v);
        return describeVersion(m, v, { trusted, latencyBudgetMs: budget, ...(sha256 ? { sha256 } : {}), ...(benchmark ? { benchmark } : {}) });
      }
    }
    const hit = this.service.findSnapshot(targetId);
    if (!hit) return undefined;
    const { dataset, snapshot } = hit;
    let rows: number | undefined;
    let sha256: string | undefined;
    try {
      rows = await snapshotRows(snapshot);
      if (snapshot.present && snapshot.format !== 'directory') sha256 = await sha256File(snapshot.path);
    } catch (err) {
      log().warn(`${snapshot.path}: ${errorMessage(err)}`);
    }
    return describeSnapshot(snapshot, dataset.name, { ...(rows !== undefined ? { rows } : {}), ...(sha256 ? { sha256 } : {}) });
  }

  private budgetFor(v: ModelVersionEntry): number {
    return vscode.workspace.getConfiguration('mlship', vscode.Uri.file(v.path)).get<number>('latencyBudgetMs') ?? 50;
  }

  async showDetails(node?: AnyNode): Promise<void> {
    const id = await this.target(node, 'any', { title: 'MLShip: Show Details', placeHolder: 'Model version or data snapshot to show the details of' });
    if (!id) return;
    const view = await this.render(id);
    if (view) DetailsPanel.show(this.extensionUri, this, view);
  }

  async runAction(action: DetailsAction, targetId: string): Promise<void> {
    const version = this.service.findVersion(targetId);
    const snapshot = this.service.findSnapshot(targetId)?.snapshot;
    if (action === 'benchmark' && version) await this.benchmarkVersion(version);
    else if (action === 'copyReference') await this.copy(version?.reference ?? snapshot?.relPath);
    else if (action === 'revealInExplorer') await this.reveal(version ? (version.modelFile ?? version.path) : snapshot?.present ? snapshot.path : snapshot?.dvc ? join(this.rootOf(snapshot.path), snapshot.dvc.trackedBy) : undefined);
  }

  private rootOf(path: string): string {
    return this.service.all.find((c) => path.startsWith(c.root))?.root ?? '';
  }

  async openTarget(targetId: string): Promise<void> {
    const node = this.snapshots.provider.snapshotNode(targetId);
    if (!node) {
      void vscode.window.showWarningMessage('MLShip: that data snapshot is no longer in the workspace. Run "MLShip: Refresh".');
      return;
    }
    await this.snapshots.view.reveal(node, { select: true, focus: true, expand: true });
  }

  async benchmark(node?: AnyNode): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void showDetailed('warning', 'MLShip: Benchmark Latency needs a trusted workspace. Trust it, then benchmark again.', 'Benchmarking loads the model into onnxruntime, which Restricted Mode does not allow.', { actions: ['Manage Workspace Trust'] }).then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    const id = await this.target(node, 'version', { title: 'MLShip: Benchmark Latency', placeHolder: 'ONNX model version to benchmark in onnxruntime' });
    const version = id ? this.service.findVersion(id) : undefined;
    if (version) await this.benchmarkVersion(version);
  }

  private async benchmarkVersion(v: ModelVersionEntry): Promise<void> {
    if (v.format !== 'onnx' || !v.modelFile || v.error) {
      if (v.error) void showDetailed('warning', `MLShip: ${versionTitle(v)} cannot be benchmarked: its model file cannot be read.`, problemDetail(v.error));
      else void showNotice('warning', `MLShip: ${versionTitle(v)} cannot be benchmarked: only ONNX models run in onnxruntime.`);
      return;
    }
    const modelFile = v.modelFile;
    const cfg = vscode.workspace.getConfiguration('mlship', vscode.Uri.file(modelFile));
    const runs = cfg.get<number>('benchmark.runs') ?? 200;
    const warmupRuns = cfg.get<number>('benchmark.warmupRuns') ?? 20;
    const batchSize = cfg.get<number>('benchmark.batchSize') ?? 1;
    const budget = this.budgetFor(v);
    const label = versionTitle(v);
    // Inputs from the linked training snapshot when there is one, otherwise from the signature.
    const linked = v.lineage.map((l) => (l.snapshotId ? this.service.findSnapshot(l.snapshotId)?.snapshot : undefined)).find((s) => s?.present && !s.error);
    let rows: Record<string, unknown>[] | undefined;
    if (linked) {
      try {
        rows = await readSnapshotRows(linked.path, linked.format === 'directory' ? 'csv' : linked.format, Math.max(batchSize, 64));
      } catch (err) {
        log().warn(`Could not read rows of ${linked.relPath} for the benchmark: ${errorMessage(err)}`);
      }
    }
    const featureNames = parseFeatureNames(v.metadata?.metadata) ?? v.signature?.inputs.map((t) => t.name);
    DetailsPanel.active?.busy(`Benchmarking ${label}…`);
    log().info(`Benchmark ${label}: ${modelFile}, ${warmupRuns} warm-up + ${runs} runs, batch ${batchSize}${linked ? `, rows from ${linked.relPath}` : ''}`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `MLShip: Benchmarking ${label}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return runBenchmarkInModelProcess(
            modelProcess(this.extensionUri),
            {
              modelPath: modelFile,
              ...(v.metadata?.inputs.length ? { inputs: v.metadata.inputs } : {}),
              warmupRuns, runs, batchSize,
              ...(rows ? { rows } : {}),
              ...(featureNames ? { featureNames } : {}),
            },
            {
              signal: abort.signal,
              onProgress: (done, total, phase) => {
                const pct = Math.round(((phase === 'warmup' ? 0 : warmupRuns) + done) / (warmupRuns + runs) * 100);
                progress.report({ message: `${phase === 'warmup' ? 'warming up' : 'measuring'} ${done}/${total}`, increment: pct - last });
                last = pct;
              },
            },
          );
        },
      );
      this.benchmarks.set(v.id, result);
      const s = result.latency;
      const cmp = compareToBudget(s, budget, 'p95');
      const summary = `p50 ${formatMs(s.p50)} · p95 ${formatMs(s.p95)} · p99 ${formatMs(s.p99)} · ${Math.round(result.throughput).toLocaleString('en-US')} inferences/s · cold start ${formatMs(result.coldStartMs)}`;
      log().info(`Benchmark ${label}: ${summary}. ${cmp.message}${result.notes.length ? ` Notes: ${result.notes.join(' ')}` : ''}`);
      const view = await this.render(v.id);
      if (view) DetailsPanel.show(this.extensionUri, this, view);
      // The toast says what a reader looks for (the percentiles, or the budget exceeded); all of it is in the log.
      const percentiles = `p50 ${formatMs(s.p50)} · p95 ${formatMs(s.p95)} (within the ${formatMs(cmp.budgetMs)} budget) · p99 ${formatMs(s.p99)} · ${Math.round(result.throughput).toLocaleString('en-US')} inferences/s`;
      if (cmp.withinBudget) void showDetailed('info', `MLShip: ${label} — ${percentiles}.`, `Cold start ${formatMs(result.coldStartMs)}. ${cmp.message}`, { logged: true });
      else void showDetailed('warning', `MLShip: ${label} — ${cmp.message}`, `${summary}.`, { logged: true });
    } catch (err) {
      if (isAbortError(err)) {
        log().info(`Benchmark ${label} cancelled.`);
        return;
      }
      throw err;
    } finally {
      DetailsPanel.active?.busy(null);
    }
  }

  private async copyReference(node?: AnyNode): Promise<void> {
    const n = node ?? this.selected();
    if (n?.kind === 'model') return this.copy(n.model.source === 'mlflow' ? `models:/${n.model.name}` : (n.model.versions[0]?.reference ?? n.model.path));
    const id = await this.target(n, 'any', { title: 'MLShip: Copy Reference', placeHolder: 'Model version or data snapshot whose reference to copy' });
    if (!id) return;
    await this.copy(this.service.findVersion(id)?.reference ?? this.service.findSnapshot(id)?.snapshot.relPath);
  }

  private async copy(text: string | undefined): Promise<void> {
    if (!text) return;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`$(copy) Copied ${text}`, 3000);
  }

  private async revealInExplorer(node?: AnyNode): Promise<void> {
    const n = node ?? this.selected();
    if (n?.kind === 'model') return this.reveal(n.model.path);
    const id = await this.target(n, 'any', { title: 'MLShip: Reveal in Explorer', placeHolder: 'Model version or data snapshot to reveal in the Explorer' });
    if (id) await this.runAction('revealInExplorer', id);
  }

  private async reveal(path: string | undefined): Promise<void> {
    if (path) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path));
  }

  private async openManifest(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const file = join(folder.uri.fsPath, MANIFEST_FILE);
    try {
      await readFile(file);
    } catch {
      const create = await vscode.window.showInformationMessage(`${MANIFEST_FILE} does not exist in ${folder.name}. Create it?`, { modal: true }, 'Create');
      if (create !== 'Create') return;
      await writeFile(file, 'version: 1\n# Where MLShip looks for models and data (folders or globs, relative to this folder).\n# Without these keys it searches the whole workspace.\n# models: [models/]\n# data: [data/]\n# mlflow: { trackingUri: ./mlruns }\n', { flag: 'wx' });
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  }
}
