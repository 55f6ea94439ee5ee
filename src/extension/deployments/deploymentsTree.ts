// The Deployments view: one node per watched deployment (health, p95 vs budget, fallback rate, drift as description
// and icon), and its details underneath. The rows are built in core/present/deployments.ts.
//
// Deployments are polled every few seconds. VS Code redraws every row it is told changed, and a redrawn row closes
// its open hover, so the view redraws only what differs from what it last rendered (deploymentRowChange): a row
// whose text changed (with the rows under it), or only the rows under it that changed (the time of the last check),
// or nothing. Nodes keep their identity for as long as their deployment is watched; the whole view is redrawn only
// when deployments come, go or change places.
import * as vscode from 'vscode';
import { deploymentRow, deploymentRowChange, deploymentRowTraits, type DeploymentDetail, type DeploymentRowView } from '../../core/present/deployments';
import { deploymentRowKind, ROW_KIND } from '../../core/present/rowKinds';
import { detailItem, type DetailNode } from '../treeParts';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';

export type DeploymentNode = { kind: 'deployment'; id: string; entry: DeploymentEntry };
export type DeploymentsNode = DeploymentNode | DetailNode<DeploymentsNode>;

/** A deployment's node as last rendered: the row it shows and the nodes of the rows under it. */
interface Shown {
  node: DeploymentNode;
  view: DeploymentRowView;
  details: DetailNode<DeploymentsNode>[];
}

/** The commands a deployment's menus offer depend on this (package.json `viewItem` clauses). */
function contextValueOf(entry: DeploymentEntry): string {
  return deploymentRowKind(deploymentRowTraits(entry.config, entry.drift, !!entry.local));
}

/** Sets a detail node's shown fields to `d`'s, in place (VS Code knows the node by its identity). */
function showDetail(node: DetailNode<DeploymentsNode>, d: DeploymentDetail): void {
  node.label = d.label;
  node.description = d.description;
  node.icon = d.icon;
  if (d.color === undefined) delete node.color;
  else node.color = d.color;
  if (d.tooltip === undefined) delete node.tooltip;
  else node.tooltip = d.tooltip;
}

export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentsNode> {
  private readonly changed = new vscode.EventEmitter<DeploymentsNode | DeploymentsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** By deployment id, in the order of the last whole render. */
  private readonly shown = new Map<string, Shown>();
  private order: string[] = [];

  constructor(private readonly service: DeploymentsService) {
    service.onDidChange((entry) => this.update(entry));
  }

  /** Configured deployments first (in mlship.yaml order), then the local ones started here. */
  private entries(): DeploymentEntry[] {
    return this.service.all.sort((a, b) => Number(!!a.local) - Number(!!b.local));
  }

  /** After a poll of `entry` (or of all, after a reload): fires for what differs from what was rendered. */
  private update(entry: DeploymentEntry | undefined): void {
    const entries = this.entries();
    if (entries.length !== this.order.length || entries.some((e, i) => e.id !== this.order[i])) {
      this.changed.fire(undefined);
      return;
    }
    const redraw: DeploymentsNode[] = [];
    for (const e of entry ? [entry] : entries) {
      const shown = this.shown.get(e.id);
      if (!shown) continue;
      shown.node.entry = e;
      const view = deploymentRow(e.monitor.status, contextValueOf(e));
      const change = deploymentRowChange(shown.view, view);
      shown.view = view;
      if (change.redraw === 'row') {
        shown.details = this.detailNodes(shown.node, view.details, shown.details);
        redraw.push(shown.node);
      } else if (change.redraw === 'details') {
        for (const i of change.indices) {
          const node = shown.details[i];
          const d = view.details[i];
          if (node && d) {
            showDetail(node, d);
            redraw.push(node);
          }
        }
      }
    }
    if (redraw.length > 0) this.changed.fire(redraw);
  }

  /** The nodes of the rows under a deployment: those of `previous` with the same label are kept (and updated). */
  private detailNodes(parent: DeploymentNode, details: readonly DeploymentDetail[], previous: readonly DetailNode<DeploymentsNode>[]): DetailNode<DeploymentsNode>[] {
    const byLabel = new Map(previous.map((n) => [n.label, n]));
    return details.map((d) => {
      const node = byLabel.get(d.label) ?? { kind: 'detail' as const, id: `${parent.id}|${d.label}`, parent, label: d.label, contextValue: ROW_KIND.deploymentDetail };
      showDetail(node, d);
      return node;
    });
  }

  /** The node of a deployment, made now when the view has not shown it yet (so it can be revealed). */
  private shownFor(entry: DeploymentEntry): Shown {
    let shown = this.shown.get(entry.id);
    const view = deploymentRow(entry.monitor.status, contextValueOf(entry));
    if (!shown) {
      const node: DeploymentNode = { kind: 'deployment', id: `d:${entry.id}`, entry };
      shown = { node, view, details: [] };
      this.shown.set(entry.id, shown);
    }
    shown.node.entry = entry;
    shown.view = view;
    shown.details = this.detailNodes(shown.node, view.details, shown.details);
    return shown;
  }

  getParent(node: DeploymentsNode): DeploymentsNode | undefined {
    return node.kind === 'deployment' ? undefined : node.parent;
  }

  nodeFor(id: string): DeploymentsNode | undefined {
    const entry = this.service.get(id);
    return entry ? (this.shown.get(id) ?? this.shownFor(entry)).node : undefined;
  }

  getChildren(node?: DeploymentsNode): DeploymentsNode[] {
    if (!node) {
      const entries = this.entries();
      this.order = entries.map((e) => e.id);
      const watched = new Set(this.order);
      for (const id of this.shown.keys()) if (!watched.has(id)) this.shown.delete(id);
      return entries.map((e) => this.shownFor(e).node);
    }
    if (node.kind === 'deployment') return this.shown.get(node.entry.id)?.details ?? [];
    return [];
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    if (node.kind !== 'deployment') return detailItem(node);
    const view = (this.shown.get(node.entry.id) ?? this.shownFor(node.entry)).view;
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.icon, view.color ? new vscode.ThemeColor(view.color) : undefined);
    item.tooltip = new vscode.MarkdownString(view.tooltip);
    item.contextValue = view.contextValue;
    item.accessibilityInformation = { label: view.accessibility };
    return item;
  }
}
