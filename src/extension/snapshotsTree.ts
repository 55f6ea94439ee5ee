// The Data Snapshots view: dataset → snapshots (newest first) → schema, rows, size, hash, DVC tracking.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { countCsvRows, countJsonlRows } from '../core/formats/tabular';
import { formatDate } from '../core/present/format';
import { ROW_KIND, snapshotRowKind } from '../core/present/rowKinds';
import type { Catalog, DatasetEntry, SnapshotEntry } from '../core/registry/types';
import { formatBytes, sha256File, shortHash } from '../core/util/hash';
import { errorMessage } from '../core/util/concurrency';
import type { CatalogService } from './catalogService';
import { detailItem, detailNodes, groupChildren, groupItem, NodeCache, problemLeaf, problemTooltip, rootFolderItem, rowTooltipMarkdown, type DetailGroup, type DetailLeaf, type DetailNode, type GroupNode } from './treeParts';

export type SnapshotsNode =
  | { kind: 'folder'; id: string; catalog: Catalog }
  | { kind: 'dataset'; id: string; dataset: DatasetEntry; parent?: SnapshotsNode }
  | { kind: 'snapshot'; id: string; snapshot: SnapshotEntry; parent: SnapshotsNode }
  | GroupNode<SnapshotsNode>
  | DetailNode<SnapshotsNode>;

const rowCounts = new Map<string, { key: string; rows: number }>();

/** Counts rows of a text snapshot once per (size, mtime); Parquet rows come from its footer. */
export async function snapshotRows(s: SnapshotEntry): Promise<number | undefined> {
  if (s.metadata?.rows !== undefined) return s.metadata.rows;
  if (!s.present || s.error || s.format === 'directory' || s.format === 'parquet') return undefined;
  const key = `${s.size ?? ''}:${s.modified ?? ''}`;
  const hit = rowCounts.get(s.path);
  if (hit?.key === key) return hit.rows;
  const rows = s.format === 'jsonl' ? await countJsonlRows(s.path) : await countCsvRows(s.path, { format: s.format === 'tsv' ? 'tsv' : 'csv' });
  rowCounts.set(s.path, { key, rows });
  return rows;
}

export function snapshotDescription(s: SnapshotEntry): string {
  if (s.error) return s.error.message;
  const parts: string[] = [];
  if (!s.present) parts.push('DVC · not pulled');
  else if (s.dvc) parts.push('DVC');
  if (s.metadata?.rows !== undefined) parts.push(`${s.metadata.rows.toLocaleString('en-US')} rows`);
  if (s.metadata) parts.push(`${s.metadata.columns.length} cols`);
  if (s.size !== undefined) parts.push(formatBytes(s.size));
  return parts.join(' · ');
}

export class SnapshotsTreeProvider implements vscode.TreeDataProvider<SnapshotsNode> {
  private readonly changed = new vscode.EventEmitter<SnapshotsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new NodeCache<SnapshotsNode>();

  constructor(private readonly service: CatalogService) {
    service.onDidChange(() => {
      this.nodes.clear();
      this.changed.fire(undefined);
    });
  }

  private remember<T extends SnapshotsNode>(node: T): T {
    return this.nodes.get(node);
  }

  getParent(node: SnapshotsNode): SnapshotsNode | undefined {
    return node.kind === 'folder' ? undefined : node.parent;
  }

  /** The node of a snapshot id (with its parents), for `TreeView.reveal`. */
  snapshotNode(snapshotId: string): SnapshotsNode | undefined {
    for (const root of this.roots()) {
      const datasets = root.kind === 'folder' ? this.datasetNodes(root.catalog, root) : [root];
      for (const d of datasets) {
        if (d.kind !== 'dataset') continue;
        for (const s of this.snapshotNodes(d)) if (s.kind === 'snapshot' && s.snapshot.id === snapshotId) return s;
      }
    }
    return undefined;
  }

  private roots(): SnapshotsNode[] {
    const catalogs = this.service.all;
    if (catalogs.length === 1) return this.datasetNodes(catalogs[0] as Catalog, undefined);
    return catalogs.map((c) => this.remember({ kind: 'folder', id: `folder:${c.root}`, catalog: c }));
  }

  private datasetNodes(c: Catalog, parent: SnapshotsNode | undefined): SnapshotsNode[] {
    return c.datasets.map((d) => this.remember({ kind: 'dataset', id: `${c.root}|${d.id}`, dataset: d, ...(parent ? { parent } : {}) }));
  }

  private snapshotNodes(node: SnapshotsNode & { kind: 'dataset' }): SnapshotsNode[] {
    return node.dataset.snapshots.map((s) => this.remember({ kind: 'snapshot', id: `${node.id}|${s.id}`, snapshot: s, parent: node }));
  }

  async getChildren(node?: SnapshotsNode): Promise<SnapshotsNode[]> {
    if (!node) return this.service.discovered ? this.roots() : [];
    switch (node.kind) {
      case 'folder':
        return this.datasetNodes(node.catalog, node);
      case 'dataset':
        return this.snapshotNodes(node);
      case 'snapshot':
        return detailNodes(this.nodes, node, await this.details(node.snapshot));
      case 'group':
        return groupChildren(this.nodes, node);
      case 'detail':
        return [];
    }
  }

  private async details(s: SnapshotEntry): Promise<(DetailLeaf | DetailGroup)[]> {
    const out: (DetailLeaf | DetailGroup)[] = [];
    if (s.error) out.push(problemLeaf(s.error));
    out.push({ label: 'Format', description: s.format === 'directory' ? 'directory' : s.format.toUpperCase(), icon: 'file' });
    try {
      const rows = await snapshotRows(s);
      if (rows !== undefined) out.push({ label: 'Rows', description: rows.toLocaleString('en-US'), icon: 'list-ordered' });
    } catch (err) {
      out.push({ label: 'Rows', description: `could not count: ${errorMessage(err)}`, icon: 'warning' });
    }
    if (s.size !== undefined) out.push({ label: 'Size', description: formatBytes(s.size), icon: 'database' });
    if (s.dvc) {
      out.push({ label: 'DVC hash', description: `md5:${s.dvc.md5.slice(0, 12)}`, tooltip: `md5:${s.dvc.md5}${s.dvc.isDir ? ' (directory)' : ''}`, icon: 'key' });
      out.push({ label: 'Tracked by', description: s.dvc.stage ? `${s.dvc.trackedBy} (stage ${s.dvc.stage})` : s.dvc.trackedBy, icon: 'git-commit' });
      if (!s.present) out.push({ label: 'Not pulled', description: 'run dvc pull to fetch the data', icon: 'cloud-download' });
    }
    if (s.present && s.format !== 'directory') {
      try {
        const hex = await sha256File(s.path);
        out.push({ label: 'Hash', description: `sha256:${shortHash(hex)}`, tooltip: `sha256:${hex}`, icon: 'key' });
      } catch {
        /* unreadable: reported by the error node */
      }
    }
    if (s.modified) out.push({ label: 'Modified', description: formatDate(s.modified), icon: 'calendar' });
    const cols = s.metadata?.columns ?? [];
    if (cols.length) {
      out.push({ label: 'Columns', icon: 'symbol-structure', expanded: false, items: cols.map((c) => ({ label: c.name, description: c.physicalType ? `${c.type} (${c.physicalType})` : c.type, icon: c.type === 'string' ? 'symbol-string' : c.type === 'boolean' ? 'symbol-boolean' : c.type.includes('date') ? 'calendar' : 'symbol-number' })) });
    }
    const facts = (s.metadata?.properties ?? []).map((p) => ({ label: p.label, description: p.value, tooltip: `${p.label}: ${p.value}`, icon: 'symbol-property' }));
    if (facts.length) out.push({ label: 'File details', icon: 'list-tree', expanded: false, items: facts });
    return out;
  }

  getTreeItem(node: SnapshotsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder':
        return rootFolderItem(node.id, basename(node.catalog.root), node.catalog.root, `${node.catalog.datasets.length} datasets`);
      case 'dataset': {
        const d = node.dataset;
        const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = `${d.snapshots.length} snapshot${d.snapshots.length === 1 ? '' : 's'} · ${d.dir === '.' ? './' : `${d.dir}/`}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.tooltip = rowTooltipMarkdown({ label: d.name, description: item.description, lines: d.snapshots.map((s) => s.relPath) });
        item.contextValue = ROW_KIND.dataset;
        return item;
      }
      case 'snapshot': {
        const s = node.snapshot;
        const item = new vscode.TreeItem(s.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = snapshotDescription(s);
        item.iconPath = s.error
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : new vscode.ThemeIcon(!s.present ? 'cloud' : s.format === 'parquet' ? 'table' : 'file-text');
        item.tooltip = s.error ? problemTooltip(s.error, s.label) : rowTooltipMarkdown({ label: s.label, description: item.description, lines: [s.relPath, ...(s.dvc ? [`DVC md5:${s.dvc.md5}`] : [])] });
        item.resourceUri = vscode.Uri.file(s.path);
        item.contextValue = snapshotRowKind(s.present);
        return item;
      }
      case 'group':
        return groupItem(node);
      case 'detail':
        return detailItem(node);
    }
  }
}
