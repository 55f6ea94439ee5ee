// The Deployments view: one node per watched deployment (health, p95 vs budget, fallback rate, drift as description
// and icon), and its details underneath. The rows are built in core/present/deployments.ts.
import * as vscode from 'vscode';
import { STATE_LABEL } from '../../shared/deployments';
import { deploymentDetails, STATE_ICON, statusFacts } from '../../core/present/deployments';
import { detailItem, detailNodes, NodeCache, type DetailNode } from '../treeParts';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';

export type DeploymentsNode = { kind: 'deployment'; id: string; entry: DeploymentEntry } | DetailNode<DeploymentsNode>;

export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentsNode> {
  private readonly changed = new vscode.EventEmitter<DeploymentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new NodeCache<DeploymentsNode>();

  constructor(private readonly service: DeploymentsService) {
    service.onDidChange(() => {
      this.nodes.clear();
      this.changed.fire(undefined);
    });
  }

  getParent(node: DeploymentsNode): DeploymentsNode | undefined {
    return node.kind === 'deployment' ? undefined : node.parent;
  }

  nodeFor(id: string): DeploymentsNode | undefined {
    const entry = this.service.get(id);
    return entry ? this.nodes.get({ kind: 'deployment', id: `d:${id}`, entry }) : undefined;
  }

  getChildren(node?: DeploymentsNode): DeploymentsNode[] {
    if (!node) {
      // Configured deployments first (in mlship.yaml order), then the local ones started here.
      return this.service.all.sort((a, b) => Number(!!a.local) - Number(!!b.local)).map((entry) => this.nodes.get({ kind: 'deployment', id: `d:${entry.id}`, entry }));
    }
    if (node.kind === 'deployment') {
      return detailNodes(this.nodes, node, deploymentDetails(node.entry.monitor.status).map((d) => ({ ...d, contextValue: 'mlship.deploymentDetail' })));
    }
    return [];
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    if (node.kind !== 'deployment') return detailItem(node);
    const s = node.entry.monitor.status;
    const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    // Unreachable or not checked: the reason says more than empty measurements.
    item.description = `${STATE_LABEL[s.state]} · ${s.state === 'unreachable' || s.state === 'unknown' ? s.reason : statusFacts(s)}`;
    const icon = STATE_ICON[s.state];
    item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${s.name.replace(/[*_`[\]\\]/g, '\\$&')}** — ${STATE_LABEL[s.state]}\n\n`);
    for (const r of s.reasons.length > 0 ? s.reasons : [s.reason]) md.appendText(`• ${r}\n`);
    md.appendText(`\n${statusFacts(s)}`);
    if (s.url) md.appendText(`\n${s.url}`);
    item.tooltip = md;
    const kind = node.entry.local ? 'local' : 'configured';
    item.contextValue = `mlship.deployment.${kind}${node.entry.config.inference ? '.inference' : ''}${node.entry.config.baseline ? '.baseline' : ''}`;
    item.accessibilityInformation = { label: `${s.name}: ${STATE_LABEL[s.state]}, ${s.reason}` };
    return item;
  }
}
