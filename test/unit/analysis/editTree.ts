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

/**
 * The tree as text (every node, named or not, with its field, type, missing flag and span), walked by a cursor in
 * JavaScript: `rootNode.toString()` recurses inside the wasm module and runs out of its stack on trees ~150 levels deep,
 * which error recovery builds from ordinary edits.
 */
export function treeText(tree: Tree): string {
  const cursor = tree.walk();
  const out: string[] = [];
  try {
    for (let depth = 0; ; ) {
      out.push(`${depth} ${cursor.currentFieldName ?? ''}:${cursor.nodeType}${cursor.nodeIsNamed ? '' : "'"}${cursor.nodeIsMissing ? '!' : ''} ${cursor.startIndex}-${cursor.endIndex}`);
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out.join('\n');
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
