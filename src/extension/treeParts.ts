// What the Models and Data Snapshots trees share: detail rows and groups under a node, a cache that keeps node
// identity stable between refreshes (TreeView.reveal needs it), and tooltips: every row has one with its full text,
// as a narrow sidebar cuts labels and descriptions.
import * as vscode from 'vscode';
import { problemPlace } from '../core/present/notice';
import { ROW_KIND } from '../core/present/rowKinds';
import { escapeMarkdown, rowTooltip, type RowText } from '../core/present/tooltip';
import type { ProblemInfo } from '../core/registry/types';

export interface DetailLeaf {
  label: string;
  description?: string;
  /** What the tooltip says after the label and description. */
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

/** A row's tooltip: its label in bold, its description, then `lines`. */
export function rowTooltipMarkdown(row: RowText): vscode.MarkdownString {
  return new vscode.MarkdownString(rowTooltip(row));
}

/** Most rows of a group a tooltip lists. */
const GROUP_TOOLTIP_ROWS = 12;

export function groupItem(node: { id: string } & DetailGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.description = String(node.items.length);
  const shown = node.items.slice(0, GROUP_TOOLTIP_ROWS).map((d) => (d.description ? `${d.label}: ${d.description}` : d.label));
  const more = node.items.length - shown.length;
  item.tooltip = rowTooltipMarkdown({ label: node.label, description: `${node.items.length} ${node.items.length === 1 ? 'entry' : 'entries'}`, lines: more > 0 ? [...shown, `and ${more} more`] : shown });
  return item;
}

export function detailItem(node: { id: string } & DetailLeaf): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  if (node.description) item.description = node.description;
  item.tooltip = rowTooltipMarkdown({ label: node.label, ...(node.description ? { description: node.description } : {}), lines: node.tooltip ? [node.tooltip] : [] });
  if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
  if (node.command) item.command = node.command;
  item.contextValue = node.contextValue ?? ROW_KIND.detail;
  return item;
}

/** A broken row's tooltip: what it is (`subject`, when the row says more than the problem), the problem, the file. */
export function problemTooltip(p: ProblemInfo, subject?: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  if (subject) md.appendMarkdown(`**${escapeMarkdown(subject)}**\n\n`);
  md.appendMarkdown(`**${escapeMarkdown(p.message)}**\n\n`);
  if (p.detail) md.appendText(`${p.detail}\n\n`);
  md.appendText(problemPlace(p));
  return md;
}

export function problemLeaf(p: ProblemInfo): DetailLeaf {
  return { label: p.message, icon: 'error', color: 'errorForeground', tooltip: `${p.detail ?? ''}\n${problemPlace(p)}`.trim(), contextValue: ROW_KIND.error };
}

export function rootFolderItem(id: string, label: string, path: string, description?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('root-folder');
  if (description) item.description = description;
  item.tooltip = rowTooltipMarkdown({ label, ...(description ? { description } : {}), lines: [path] });
  return item;
}
