// A light, plain-object copy of the tree-sitter tree, built in one TreeCursor pass. Every later step (scopes,
// bindings, predict calls, checks, fixes) walks these objects instead of calling into wasm for each property.
import type { Tree } from 'web-tree-sitter';
import type { Position, Range } from '../types';

export interface JNode {
  type: string;
  /** Named (not punctuation or keyword). */
  named: boolean;
  /** Field name in the parent (`function`, `arguments`, `body`…). */
  field: string | null;
  start: number;
  end: number;
  parent: JNode | null;
  children: JNode[];
  /** Pre-order index (document order). */
  idx: number;
  /** Pre-order index of the last node of this subtree (`nodes.slice(idx, last + 1)` is the subtree). */
  last: number;
}

export interface Ast {
  root: JNode;
  /** Every node in document (pre-order) order. */
  nodes: JNode[];
  source: string;
  lineStarts: number[];
}

const PUNCTUATION = new Set(['(', ')', '{', '}', '[', ']', ',', '.', ':', "'", '"', '`', '${', '=>']);

/** Copies the tree into plain objects with an explicit stack (no recursion, so deep trees cannot overflow). */
export function buildAst(tree: Tree, source: string): Ast {
  const cursor = tree.walk();
  const nodes: JNode[] = [];
  // Type names, field names and named-ness come from per-language tables: fewer calls into wasm per node.
  const language = tree.language;
  const types = language.types;
  const fields = language.fields;
  const namedById: (boolean | undefined)[] = [];
  const mk = (parent: JNode | null): JNode => {
    const typeId = cursor.nodeTypeId;
    const type = types[typeId] ?? 'ERROR';
    let named = namedById[typeId];
    if (named === undefined) named = namedById[typeId] = type === 'ERROR' || language.nodeTypeIsNamed(typeId);
    // Punctuation leaves are walked over but not kept (nothing reads them); they only carry their parent.
    if (parent && !named && PUNCTUATION.has(type)) return { type, named, field: null, start: 0, end: 0, parent, children: [], idx: -1, last: -1 };
    const n: JNode = {
      type,
      named,
      field: parent ? (fields[cursor.currentFieldId] ?? null) : null,
      start: cursor.startIndex,
      end: cursor.endIndex,
      parent,
      children: [],
      idx: nodes.length,
      last: nodes.length,
    };
    nodes.push(n);
    if (parent) parent.children.push(n);
    return n;
  };
  const root = mk(null);
  let current = root;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        current = mk(current);
        continue;
      }
      let advanced = false;
      while (!advanced) {
        if (cursor.gotoNextSibling()) {
          current = mk(current.parent);
          advanced = true;
        } else if (cursor.gotoParent()) {
          current = current.parent ?? root;
        } else {
          return finish();
        }
      }
    }
  } finally {
    cursor.delete();
  }
  function finish(): Ast {
    // tree-sitter-javascript reads `await (x)` as a call of a function named `await`: make it the await it is.
    for (const n of nodes) {
      if (n.type !== 'call_expression' || n.children.length !== 2) continue;
      const [f, a] = n.children as [JNode, JNode];
      if (f.type !== 'identifier' || f.end - f.start !== 5 || source.slice(f.start, f.end) !== 'await' || a.type !== 'arguments') continue;
      const inner = a.children.filter((c) => c.named && c.type !== 'comment');
      if (inner.length !== 1) continue;
      const arg = inner[0] as JNode;
      n.type = 'await_expression';
      n.children = [arg];
      arg.parent = n;
      arg.field = null;
    }
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i] as JNode;
      const lastChild = n.children[n.children.length - 1];
      if (lastChild) n.last = lastChild.last;
    }
    const starts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
    return { root, nodes, source, lineStarts: starts };
  }
}

export function text(ast: Ast, n: JNode): string {
  return ast.source.slice(n.start, n.end);
}

export function child(n: JNode, field: string): JNode | undefined {
  for (const c of n.children) if (c.field === field) return c;
  return undefined;
}

export function namedKids(n: JNode): JNode[] {
  return n.children.filter((c) => c.named && c.type !== 'comment');
}

export function firstNamed(n: JNode): JNode | undefined {
  for (const c of n.children) if (c.named && c.type !== 'comment') return c;
  return undefined;
}

export function posAt(ast: Ast, offset: number): Position {
  const starts = ast.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (starts[lo] ?? 0) };
}


export function rangeOfNode(ast: Ast, n: JNode): Range {
  return { start: posAt(ast, n.start), end: posAt(ast, n.end) };
}


/** Whether `a` is `b` or inside it. */
export function within(a: JNode, b: JNode): boolean {
  return a.idx >= b.idx && a.idx <= b.last;
}

/** The nodes of a subtree, in document order (the node itself first). */
export function subtree(ast: Ast, n: JNode): JNode[] {
  return ast.nodes.slice(n.idx, n.last + 1);
}

/** Strips wrappers that do not change a value: parentheses, `await`, TS `as`/`!`/`satisfies`/`<T>x`. */
export function unwrap(n: JNode): JNode {
  let cur = n;
  for (let i = 0; i < 50; i++) {
    if (VALUE_WRAPPERS.has(cur.type)) {
      const inner = cur.type === 'type_assertion' ? cur.children.filter((c) => c.named && c.type !== 'type_arguments' && c.type !== 'comment').pop() : firstNamed(cur);
      if (!inner) return cur;
      cur = inner;
    } else return cur;
  }
  return cur;
}

/** The outermost value-preserving wrapper of an expression (parens, await, as, !, satisfies). */
export function outerValue(n: JNode): JNode {
  let cur = n;
  while (cur.parent && VALUE_WRAPPERS.has(cur.parent.type)) cur = cur.parent;
  return cur;
}

const VALUE_WRAPPERS = new Set(['parenthesized_expression', 'await_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

export const FUNCTION_TYPES = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);
export const CLASS_TYPES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);


/**
 * The nearest ancestor whose type is in `types` (or null), memoized per node so that deep nesting stays linear:
 * the walk stops at the first ancestor whose answer is known and fills in the path.
 */
export function nearestAncestor(n: JNode, types: ReadonlySet<string>, memo: WeakMap<JNode, JNode | null>): JNode | null {
  const path: JNode[] = [];
  let found: JNode | null = null;
  for (let p = n.parent; p; p = p.parent) {
    if (types.has(p.type)) {
      found = p;
      break;
    }
    const known = memo.get(p);
    if (known !== undefined) {
      found = known;
      break;
    }
    path.push(p);
  }
  // Every node on the path (below the answer, none of the given types) has the same nearest ancestor.
  for (const q of path) memo.set(q, found);
  return found;
}

const functionMemo = new WeakMap<JNode, JNode | null>();

export function enclosingFunction(n: JNode): JNode | undefined {
  return nearestAncestor(n, FUNCTION_TYPES, functionMemo) ?? undefined;
}

/** Text of a string literal's contents (escape sequences kept raw), or undefined. */
export function stringValue(ast: Ast, n: JNode): string | undefined {
  if (n.type !== 'string') return undefined;
  let out = '';
  for (const c of n.children) if (c.type === 'string_fragment' || c.type === 'escape_sequence') out += text(ast, c);
  return out;
}

/** Property name of a member expression / pair key / method name (strings and identifiers). */
export function propName(ast: Ast, n: JNode | undefined): string | undefined {
  if (!n) return undefined;
  switch (n.type) {
    case 'property_identifier':
    case 'private_property_identifier':
    case 'identifier':
    case 'shorthand_property_identifier':
    case 'shorthand_property_identifier_pattern':
    case 'type_identifier':
    case 'number':
      return text(ast, n);
    case 'string':
      return stringValue(ast, n);
    default:
      return undefined;
  }
}
