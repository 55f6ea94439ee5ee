// Tells an old tree-sitter tree how a document changed, as the language server does before reparsing.
import type { Tree } from 'web-tree-sitter';

export function position(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index);
  return { row: before.split('\n').length - 1, column: index - (before.lastIndexOf('\n') + 1) };
}

/** Tells the old tree how `before` became `after` (one span: common prefix and suffix kept). */
export function editTree(tree: Tree, before: string, after: string): void {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  tree.edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition: position(before, start), oldEndPosition: position(before, oldEnd), newEndPosition: position(after, newEnd) });
}
