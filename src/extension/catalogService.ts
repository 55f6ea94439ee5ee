// Keeps one Catalog per workspace folder up to date: discovery off the activation path, debounced refresh on file
// changes, a reported (never silent) watcher failure, and mlship.yaml problems as diagnostics.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../core/config/manifest';
import { discoverCatalog, isInterestingFile } from '../core/registry/catalog';
import type { Catalog, DatasetEntry, ModelEntry, ModelVersionEntry, ProblemInfo, SnapshotEntry } from '../core/registry/types';
import { ALWAYS_SKIPPED_DIRS, walkWorkspace } from '../core/registry/walk';
import { WorkspaceWatcher } from '../core/registry/watcher';
import { errorMessage, RerunnableJob } from '../core/util/concurrency';
import { log } from './log';
import { problemPlace } from '../core/present/notice';
import { showDetailed, showNotice } from './notify';

function enabledExcludes(folder: vscode.WorkspaceFolder): string[] {
  const filesExclude = vscode.workspace.getConfiguration('files', folder).get<Record<string, unknown>>('exclude') ?? {};
  const extra = vscode.workspace.getConfiguration('mlship', folder).get<string[]>('discovery.exclude') ?? [];
  return [...Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob), ...extra];
}

export class CatalogService implements vscode.Disposable {
  private readonly catalogs = new Map<string, Catalog>();
  private readonly watchers = new Map<string, WorkspaceWatcher>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly manifestDiagnostics = vscode.languages.createDiagnosticCollection('mlship.yaml');
  private readonly discovery = new RerunnableJob((signal) => this.discoverAll(signal));
  private readonly disposables: vscode.Disposable[] = [];
  private watcherWarned = false;
  discovered = false;

  constructor() {
    this.disposables.push(
      this.changed,
      this.manifestDiagnostics,
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.restartWatchers();
        this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('mlship.discovery')) this.refresh();
      }),
    );
  }

  get all(): Catalog[] {
    return [...this.catalogs.values()];
  }

  get multiRoot(): boolean {
    return this.catalogs.size > 1;
  }

  /** Starts discovery in the background; concurrent calls coalesce into one more run. */
  refresh(): void {
    this.discovery.request();
  }

  /** Resolves when the current discovery (if any) is done. */
  async whenIdle(): Promise<void> {
    await this.discovery.idle();
  }

  /**
   * The catalogs once discovery has completed and none is in progress: what a command lists or picks from, so that
   * one run while the workspace is still being scanned waits for it instead of finding nothing.
   */
  async discoveredCatalogs(): Promise<Catalog[]> {
    await this.discovery.settled();
    return this.all;
  }

  start(): void {
    this.restartWatchers();
    this.refresh();
  }

  private async discoverAll(signal: AbortSignal): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    await vscode.window.withProgress({ location: { viewId: 'mlship.models' } }, async () => {
      for (const folder of folders) {
        const root = folder.uri.fsPath;
        const started = performance.now();
        try {
          const manifest = await this.loadManifest(root);
          const catalog = await discoverCatalog(root, { exclude: enabledExcludes(folder), signal, ...(manifest ? { manifest } : {}) });
          this.catalogs.set(root, catalog);
          const versions = catalog.models.reduce((n, m) => n + m.versions.length, 0);
          const snapshots = catalog.datasets.reduce((n, d) => n + d.snapshots.length, 0);
          log().info(`Discovered ${catalog.models.length} models (${versions} versions) and ${snapshots} snapshots in ${folder.name}: ${catalog.stats.filesSeen} files, ${catalog.stats.dirs} folders in ${(performance.now() - started).toFixed(0)} ms.`);
          for (const p of catalog.problems) log().warn(`${problemPlace(p)}: ${p.message}`);
          for (const m of catalog.models) {
            if (m.error) warnBroken(m.error);
            for (const v of m.versions) if (v.error) warnBroken(v.error);
          }
          for (const d of catalog.datasets) for (const s of d.snapshots) if (s.error) log().warn(`${s.error.file}: ${s.error.message}`);
        } catch (err) {
          if ((err as Error).name === 'AbortError') return;
          log().error(`Discovery failed in ${folder.name}: ${errorMessage(err)}`);
          void showDetailed('error', `MLShip could not scan ${folder.name}. Run "MLShip: Refresh" to try again.`, errorMessage(err), { logged: true });
        }
      }
      for (const root of [...this.catalogs.keys()]) if (!folders.some((f) => f.uri.fsPath === root)) this.catalogs.delete(root);
    });
    if (signal.aborted) return;
    this.discovered = true;
    await vscode.commands.executeCommand('setContext', 'mlship.discovered', true);
    this.changed.fire();
  }

  private async loadManifest(root: string): Promise<Manifest | undefined> {
    const file = join(root, MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      this.manifestDiagnostics.delete(vscode.Uri.file(file));
      return undefined;
    }
    const { manifest, issues } = parseManifest(text);
    this.manifestDiagnostics.set(
      vscode.Uri.file(file),
      issues.map((i) => {
        const range = new vscode.Range(i.line - 1, i.column - 1, i.endLine - 1, Math.max(i.endColumn - 1, i.column));
        const d = new vscode.Diagnostic(range, i.message, i.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'MLShip';
        return d;
      }),
    );
    for (const i of issues) log().warn(`${file}:${i.line}:${i.column}: ${i.message}`);
    if (!manifest && issues.length) log().warn(`${file} is invalid; discovery uses its defaults until it is fixed.`);
    return manifest;
  }

  private restartWatchers(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.fsPath;
      const watcher = new WorkspaceWatcher({
        root,
        relevant: (rel) => !rel.split('/').some((seg) => ALWAYS_SKIPPED_DIRS.has(seg)) && (rel === '' || isInterestingFile(rel.split('/').pop() ?? rel) || rel.split('/').includes('mlruns') || !rel.includes('.')),
        onChange: (changed) => {
          log().debug(`Changed: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` (+${changed.length - 5})` : ''}`);
          this.refresh();
        },
        onError: (problem) => {
          log().error(`${problem.message} ${problem.advice}`);
          if (!this.watcherWarned) {
            this.watcherWarned = true;
            void showNotice('warning', `MLShip: ${problem.message}. ${problem.advice}`, { logged: true });
          }
        },
        fingerprint: async () => {
          const w = await walkWorkspace(root, { keepFile: isInterestingFile, exclude: enabledExcludes(folder) });
          return `${w.filesSeen}:${w.files.map((f) => f.relPath).join('|')}`;
        },
      });
      watcher.start();
      this.watchers.set(root, watcher);
    }
  }

  findModel(id: string): ModelEntry | undefined {
    for (const c of this.catalogs.values()) for (const m of c.models) if (m.id === id) return m;
    return undefined;
  }

  findVersion(id: string): ModelVersionEntry | undefined {
    for (const c of this.catalogs.values()) for (const m of c.models) for (const v of m.versions) if (v.id === id) return v;
    return undefined;
  }

  findSnapshot(id: string): { dataset: DatasetEntry; snapshot: SnapshotEntry } | undefined {
    for (const c of this.catalogs.values()) for (const d of c.datasets) for (const s of d.snapshots) if (s.id === id) return { dataset: d, snapshot: s };
    return undefined;
  }

  dispose(): void {
    this.discovery.abort();
    for (const w of this.watchers.values()) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A broken model or model version, in the log: where, what, and the reader's detail. */
function warnBroken(p: ProblemInfo): void {
  log().warn(`${problemPlace(p)}: ${p.message}${p.detail ? ` — ${p.detail}` : ''}`);
}
