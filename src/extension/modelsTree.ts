// The Models view: model → versions (newest first, aliases/stage as description) → details.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, sha256Path, shortHash } from '../core/util/hash';
import { compactCount, formatDate, formatNumber, formatTensor, sourceLabel } from '../core/present/format';
import { ROW_KIND, versionRowKind } from '../core/present/rowKinds';
import { escapeMarkdown } from '../core/present/tooltip';
import { versionLabel } from '../core/registry/naming';
import type { Catalog, ModelEntry, ModelVersionEntry } from '../core/registry/types';
import type { CatalogService } from './catalogService';
import { detailItem, detailNodes, groupChildren, groupItem, NodeCache, problemLeaf, problemTooltip, rootFolderItem, rowTooltipMarkdown, type DetailGroup, type DetailLeaf, type DetailNode, type GroupNode } from './treeParts';

export type ModelsNode =
  | { kind: 'folder'; id: string; catalog: Catalog }
  | { kind: 'model'; id: string; model: ModelEntry; parent?: ModelsNode }
  | { kind: 'version'; id: string; version: ModelVersionEntry; parent: ModelsNode }
  | GroupNode<ModelsNode>
  | DetailNode<ModelsNode>;

const FORMAT_ICON: Record<string, string> = { onnx: 'circuit-board', safetensors: 'package', gguf: 'hubot', savedmodel: 'layers', huggingface: 'hubot', pickle: 'warning' };

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode> {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new NodeCache<ModelsNode>();

  constructor(private readonly service: CatalogService) {
    service.onDidChange(() => {
      this.nodes.clear();
      this.changed.fire(undefined);
    });
  }

  private remember<T extends ModelsNode>(node: T): T {
    return this.nodes.get(node);
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    return node.kind === 'folder' ? undefined : node.parent;
  }

  /** The node of a version id, creating the chain of parents so `TreeView.reveal` can find it. */
  versionNode(versionId: string): ModelsNode | undefined {
    for (const root of this.roots()) {
      const models = root.kind === 'folder' ? this.modelNodes(root.catalog, root) : [root];
      for (const m of models) {
        if (m.kind !== 'model') continue;
        for (const v of this.versionNodes(m)) if (v.kind === 'version' && v.version.id === versionId) return v;
      }
    }
    return undefined;
  }

  private roots(): ModelsNode[] {
    const catalogs = this.service.all;
    if (catalogs.length === 1) return this.modelNodes(catalogs[0] as Catalog, undefined);
    return catalogs.map((c) => this.remember({ kind: 'folder', id: `folder:${c.root}`, catalog: c }));
  }

  private modelNodes(catalog: Catalog, parent: ModelsNode | undefined): ModelsNode[] {
    return catalog.models.map((m) => this.remember({ kind: 'model', id: `${catalog.root}|${m.id}`, model: m, ...(parent ? { parent } : {}) }));
  }

  private versionNodes(node: ModelsNode & { kind: 'model' }): ModelsNode[] {
    return node.model.versions.map((v) => this.remember({ kind: 'version', id: `${node.id}|${v.id}`, version: v, parent: node }));
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (!node) return this.service.discovered ? this.roots() : [];
    switch (node.kind) {
      case 'folder':
        return this.modelNodes(node.catalog, node);
      case 'model':
        if (node.model.error && node.model.versions.length === 0) return detailNodes(this.nodes, node, [problemLeaf(node.model.error)]);
        return this.versionNodes(node);
      case 'version':
        return detailNodes(this.nodes, node, await this.versionDetails(node.version));
      case 'group':
        return groupChildren(this.nodes, node);
      case 'detail':
        return [];
    }
  }

  private async versionDetails(v: ModelVersionEntry): Promise<(DetailLeaf | DetailGroup)[]> {
    const out: (DetailLeaf | DetailGroup)[] = [];
    if (v.error) out.push(problemLeaf(v.error));
    if (v.metadata?.unsafe) out.push({ label: 'Unsafe to load from untrusted sources', description: 'pickle-based', icon: 'warning', color: 'list.warningForeground', tooltip: v.metadata.unsafe });
    const md = v.metadata;
    out.push({ label: 'Format', description: [md?.formatLabel ?? v.format ?? 'unknown', v.size !== undefined ? formatBytes(v.size) : undefined].filter(Boolean).join(' · '), icon: 'file-binary' });
    try {
      const hex = await sha256Path(v.modelFile ?? v.path);
      out.push({ label: 'Hash', description: `sha256:${shortHash(hex)}`, tooltip: `sha256:${hex}`, icon: 'key' });
    } catch {
      /* unreadable: the error node already says why */
    }
    if (v.created) out.push({ label: 'Created', description: formatDate(v.created), icon: 'calendar' });
    if (v.stage) out.push({ label: 'Stage', description: v.stage, icon: 'milestone' });
    const inputs = md?.inputs.length ? md.inputs : (v.signature?.inputs ?? []);
    const outputs = md?.outputs.length ? md.outputs : (v.signature?.outputs ?? []);
    if (inputs.length) out.push({ label: 'Inputs', icon: 'arrow-right', expanded: true, items: inputs.map((t) => ({ label: t.name, description: formatTensor(t), icon: 'symbol-field' })) });
    if (outputs.length) out.push({ label: 'Outputs', icon: 'arrow-left', expanded: true, items: outputs.map((t) => ({ label: t.name, description: formatTensor(t), icon: 'symbol-field' })) });
    const metrics = Object.entries(v.metrics);
    if (metrics.length) out.push({ label: 'Metrics', icon: 'graph', expanded: true, items: metrics.map(([k, n]) => ({ label: k, description: formatNumber(n), icon: 'symbol-number' })) });
    if (v.lineage.length) {
      out.push({
        label: 'Lineage',
        icon: 'git-merge',
        expanded: true,
        items: v.lineage.map((l) => ({
          label: l.label,
          description: l.relPath ?? l.digest ?? '',
          icon: l.snapshotId ? 'database' : 'question',
          tooltip: l.snapshotId ? `Trained on ${l.relPath}. Click to reveal the snapshot.` : `Recorded training data ${l.relPath ?? l.digest ?? ''} is not in this workspace.`,
          ...(l.snapshotId ? { command: { command: 'mlship.revealSnapshot', title: 'Reveal Data Snapshot', arguments: [l.snapshotId] }, contextValue: ROW_KIND.lineage } : {}),
        })),
      });
    }
    const facts: DetailLeaf[] = (md?.properties ?? []).map((p) => ({ label: p.label, description: p.value, tooltip: `${p.label}: ${p.value}`, icon: 'symbol-property' }));
    if (md?.parameterCount && !facts.some((f) => f.label === 'Parameters')) facts.push({ label: 'Parameters', description: compactCount(md.parameterCount), tooltip: md.parameterCount.toLocaleString('en-US'), icon: 'symbol-numeric' });
    if (facts.length) out.push({ label: `${md?.formatLabel ?? 'Format'} details`, icon: 'list-tree', expanded: false, items: facts });
    if (v.otherFiles.length) out.push({ label: 'Other files', icon: 'files', expanded: false, items: v.otherFiles.map((f) => ({ label: basename(f), icon: 'file', tooltip: f })) });
    return out;
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder':
        return rootFolderItem(node.id, basename(node.catalog.root), node.catalog.root, `${node.catalog.models.length} models`);
      case 'model': {
        const m = node.model;
        const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        const broken = m.error ?? (m.versions.length === 1 ? m.versions[0]?.error : undefined);
        // A single file reads as its format ("ONNX"), the others as where their versions come from.
        item.description = broken ? broken.message : m.source === 'file' ? (m.versions[0]?.metadata?.formatLabel ?? m.versions[0]?.format ?? sourceLabel(m.source)) : `${m.versions.length} version${m.versions.length === 1 ? '' : 's'} · ${sourceLabel(m.source)}`;
        item.iconPath = broken ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon(m.source === 'mlflow' ? 'beaker' : m.source === 'folder' || m.source === 'files' ? 'versions' : FORMAT_ICON[m.versions[0]?.format ?? ''] ?? 'symbol-file');
        item.tooltip = broken ? problemTooltip(broken, m.name) : rowTooltipMarkdown({ label: m.name, description: item.description, lines: [m.path] });
        item.resourceUri = vscode.Uri.file(m.path);
        item.contextValue = ROW_KIND.model;
        return item;
      }
      case 'version': {
        const v = node.version;
        const item = new vscode.TreeItem(versionLabel(v), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        const tags = [...v.aliases.map((a) => `@${a}`), ...(v.stage ? [v.stage] : [])];
        item.description = v.error ? v.error.message : [...tags, v.metadata?.formatLabel ?? v.format].filter(Boolean).join(' · ');
        item.iconPath = v.error
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : v.metadata?.unsafe
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
            : new vscode.ThemeIcon(v.aliases.length ? 'star-full' : 'tag');
        if (v.error) item.tooltip = problemTooltip(v.error, `${v.modelName} ${item.label as string}`);
        else {
          const md = new vscode.MarkdownString(`**${escapeMarkdown(v.modelName)}** ${escapeMarkdown(item.label as string)} — ${escapeMarkdown(item.description)}\n\n`);
          md.appendText(`${v.reference}\n${v.path}`);
          if (v.metadata?.unsafe) md.appendMarkdown(`\n\n$(warning) ${v.metadata.unsafe}`);
          md.supportThemeIcons = true;
          item.tooltip = md;
        }
        const benchmarkable = !v.error && v.format === 'onnx' && !!v.modelFile;
        item.contextValue = versionRowKind(benchmarkable);
        item.resourceUri = vscode.Uri.file(v.modelFile ?? v.path);
        item.command = undefined;
        return item;
      }
      case 'group':
        return groupItem(node);
      case 'detail':
        return detailItem(node);
    }
  }
}
