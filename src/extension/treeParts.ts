// What the Models and Data Snapshots trees share: detail rows and groups under a node, a cache that keeps node
// identity stable between refreshes (TreeView.reveal needs it), and tooltips for problems.
import * as vscode from 'vscode';
import type { ProblemInfo } from '../core/registry/types';

export interface DetailLeaf {
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  color?: string;
  command?: vscode.Command;
  contextValue?: string;
}

/** A collapsible list of details under a version or snapshot. */
export interface DetailGroup {
  label: string;
  icon: string;
  items: DetailLeaf[];
  expanded: boolean;
}

export interface GroupNode<P> extends DetailGroup {
  kind: 'group';
  id: string;
  parent: P;
}

export interface DetailNode<P> extends DetailLeaf {
  kind: 'detail';
  id: string;
  parent: P;
}

/** Remembers nodes by id until the next refresh, so the same id always yields the same object. */
export class NodeCache<T extends { id: string }> {
  private readonly nodes = new Map<string, T>();

  get<N extends T>(node: N): N {
    const existing = this.nodes.get(node.id);
    if (existing) return existing as N;
    this.nodes.set(node.id, node);
    return node;
  }

  clear(): void {
    this.nodes.clear();
  }
}

/** Child nodes for a list of details and groups under `parent`. */
export function detailNodes<P extends { id: string }, T extends { id: string }>(cache: NodeCache<T>, parent: P, details: (DetailLeaf | DetailGroup)[]): T[] {
  return details.map((d, i) => {
    const node = 'items' in d ? { kind: 'group' as const, id: `${parent.id}|g${i}`, parent, ...d } : { kind: 'detail' as const, id: `${parent.id}|d${i}`, parent, ...d };
    return cache.get(node as unknown as T);
  });
}

export function groupChildren<P extends { id: string }, T extends { id: string }>(cache: NodeCache<T>, group: GroupNode<P>): T[] {
  return group.items.map((d, i) => cache.get({ kind: 'detail', id: `${group.id}|${i}`, parent: group, ...d } as unknown as T));
}

export function groupItem(node: { id: string } & DetailGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.description = String(node.items.length);
  return item;
}

export function detailItem(node: { id: string } & DetailLeaf): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  if (node.description) item.description = node.description;
  if (node.tooltip) item.tooltip = node.tooltip;
  if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
  if (node.command) item.command = node.command;
  item.contextValue = node.contextValue ?? 'mlship.detail';
  return item;
}

export function problemTooltip(p: ProblemInfo): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${p.message.replace(/[*_`[\]\\]/g, '\\$&')}**\n\n`);
  if (p.detail) md.appendText(`${p.detail}\n\n`);
  md.appendText(`${p.file}${p.line ? `:${p.line}` : ''}`);
  return md;
}

export function problemLeaf(p: ProblemInfo): DetailLeaf {
  return { label: p.message, icon: 'error', color: 'errorForeground', tooltip: `${p.detail ?? ''}\n${p.file}${p.line ? `:${p.line}` : ''}`.trim(), contextValue: 'mlship.error' };
}

export function rootFolderItem(id: string, label: string, description?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('root-folder');
  if (description) item.description = description;
  return item;
}
