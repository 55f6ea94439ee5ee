// The few questions the analyzer asks the tree-sitter tree, each answered with one or two calls across the wasm
// boundary: the analyzer never walks the tree (a full walk through web-tree-sitter costs more than the parse).
import type { Node, Tree } from 'web-tree-sitter';
import type { Span } from './scan';

export class TreeIndex {
  private rootNode: Node | undefined;
  private top: (Node | null)[] | undefined;

  /** `tree` may be a function that parses the text when a question first needs the tree (a module summary never does). */
  constructor(private readonly tree: Tree | (() => Tree)) {}

  private get root(): Node {
    this.rootNode ??= (typeof this.tree === 'function' ? this.tree() : this.tree).rootNode;
    return this.rootNode;
  }

  /**
   * The smallest node covering [start, end). Searching from the module would scan all top-level statements on
   * every call (thousands in a long script): the top-level statement is found by binary search first.
   */
  nodeAt(start: number, end: number): Node | null {
    this.top ??= this.root.namedChildren;
    const top = this.top;
    let lo = 0;
    let hi = top.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = top[mid];
      if (n && n.startIndex <= start) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const stmt = best >= 0 ? top[best] : undefined;
    const next = best + 1 < top.length ? top[best + 1] : undefined;
    if (stmt && (!next || next.startIndex >= end)) {
      const found = stmt.descendantForIndex(start, end);
      if (found && found.startIndex <= start && found.endIndex >= end) return found;
    }
    return this.root.descendantForIndex(start, end);
  }

  /** The call expression whose callee and opening parenthesis span [start, parenEnd), if the tree has one there. */
  callAt(start: number, parenEnd: number): Span | undefined {
    const node = this.nodeAt(start, parenEnd);
    if (!node || node.type !== 'call') return undefined;
    return { start: node.startIndex, end: node.endIndex };
  }

  /**
   * The spans of the top-level nodes that hold a syntax error. With `known` (those of the text before the edit, and
   * the part of the new text [from, to] the edit can have restructured: the text it rescanned and the tree's changed
   * ranges), only the nodes over that part are asked; the others are the nodes of the old tree, unchanged (shifted
   * by `delta` after it).
   */
  topErrors(known?: { spans: readonly Span[]; from: number; to: number; delta: number }): Span[] {
    if (!this.root.hasError) return [];
    const out: Span[] = [];
    const add = (n: Node) => {
      if (n.hasError || n.isError || n.isMissing) out.push({ start: n.startIndex, end: n.endIndex });
    };
    if (!known) {
      for (const n of this.root.children) if (n) add(n);
      return out;
    }
    const { from, to, delta } = known;
    for (const s of known.spans) {
      if (s.end < from) out.push(s);
      else if (s.start + delta > to) out.push({ start: s.start + delta, end: s.end + delta });
    }
    // Each node reaching into [from, to] is asked (none of the old spans kept does).
    for (let n = this.root.firstChildForIndex(Math.max(0, from - 1)); n && n.startIndex <= to; n = n.nextSibling) if (n.endIndex >= from) add(n);
    return out.sort((x, y) => x.start - y.start);
  }

  /** The spans of the top-level statements that hold a syntax error (the whole module if the error is elsewhere). */
  errorSpans(top = this.topErrors()): Span[] {
    if (top.length > 0 || !this.root.hasError) return top;
    return [{ start: 0, end: this.root.endIndex }];
  }
}
