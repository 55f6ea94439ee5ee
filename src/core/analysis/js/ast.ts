// A light, plain-object copy of the tree-sitter tree, built in one TreeCursor pass. Every later step (scopes,
// bindings, predict calls, checks, fixes) walks these objects instead of calling into wasm for each property.
import type { Language as TsLanguage, Tree, TreeCursor } from 'web-tree-sitter';
import { type CursorModule, parseWith, treeSitterCursorModule, treeSitterMemory } from '../parser';
import { memoryWalkOf, type Walk, walkRecord } from '../treeMemory';
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
  /** The nearest enclosing function (filled once the tree is built). */
  fn: JNode | null;
  /**
   * The text of a name (identifier, property name…), read once when the node is copied: a statement copy reused after
   * an edit keeps it, and lookups by name hash the same string each time.
   */
  name: string | null;
}

export interface Ast {
  root: JNode;
  /** Every node in document (pre-order) order. */
  nodes: JNode[];
  source: string;
  lineStarts: number[];
  /**
   * The top-level statements that were not copied (see `buildAst`'s `keep`): placeholders with no children. A set
   * here rather than a flag on every node: each field of a node is 8 bytes on each of the tens of thousands of nodes
   * the garbage collector copies while the analysis runs.
   */
  skipped: ReadonlySet<JNode>;
}

const PUNCTUATION = new Set(['(', ')', '{', '}', '[', ']', ',', '.', ':', "'", '"', '`', '${', '=>']);
/**
 * Keywords and operators the passes read wherever they are (`async` and `*` of a function, `readonly` of a
 * constructor parameter, `export default`). Other keywords and operators are copied only where something reads them
 * (see `keepToken`): under the program, with a field name (an operator, a `for…of` loop's `const`), or a statement's
 * closing `;`.
 */
const READ_TOKENS = new Set(['async', '*', 'readonly', 'default']);
/** Statements whose closing `;` tells the quick fixes whether the file uses semicolons; class bodies' `;` separate members. */
const SEMICOLON_PARENTS = new Set(['expression_statement', 'lexical_declaration', 'variable_declaration', 'return_statement', 'import_statement', 'throw_statement', 'class_body']);

/** Node types (JavaScript, TypeScript, TSX grammars) with fields; children of other nodes have none (no call into wasm). */
const FIELD_PARENTS = new Set([
  'abstract_class_declaration', 'abstract_method_signature', 'arrow_function', 'assignment_expression', 'assignment_pattern', 'augmented_assignment_expression',
  'binary_expression', 'break_statement', 'call_expression', 'call_signature', 'catch_clause', 'class', 'class_body', 'class_declaration', 'class_static_block',
  'conditional_type', 'construct_signature', 'constructor_type', 'continue_statement', 'do_statement', 'enum_assignment', 'enum_body', 'enum_declaration',
  'export_specifier', 'export_statement', 'extends_clause', 'extends_type_clause', 'field_definition', 'finally_clause', 'for_in_statement', 'for_statement',
  'function_declaration', 'function_expression', 'function_signature', 'function_type', 'generator_function', 'generator_function_declaration', 'generic_type',
  'if_statement', 'import_require_clause', 'import_specifier', 'import_statement', 'index_signature', 'instantiation_expression', 'interface_declaration',
  'internal_module', 'jsx_closing_element', 'jsx_element', 'jsx_opening_element', 'jsx_self_closing_element', 'labeled_statement', 'lexical_declaration',
  'mapped_type_clause', 'member_expression', 'method_definition', 'method_signature', 'module', 'nested_identifier', 'nested_type_identifier', 'new_expression',
  'object_assignment_pattern', 'optional_parameter', 'pair', 'pair_pattern', 'parenthesized_expression', 'property_signature', 'public_field_definition', 'regex',
  'required_parameter', 'subscript_expression', 'switch_case', 'switch_default', 'switch_statement', 'ternary_expression', 'try_statement', 'type_alias_declaration',
  'type_parameter', 'type_predicate', 'unary_expression', 'update_expression', 'using_declaration', 'variable_declarator', 'while_statement', 'with_statement',
  'ERROR',
]);
/** Named node types that never have children. */
const LEAVES = new Set([
  'comment', 'escape_sequence', 'false', 'hash_bang_line', 'html_comment', 'null', 'number', 'private_property_identifier', 'property_identifier', 'regex_flags',
  'regex_pattern', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern', 'statement_identifier', 'string_fragment', 'super', 'this',
  'true', 'type_identifier', 'undefined', 'html_character_reference', 'jsx_text', 'identifier',
]);
/** The children of every node with none (frozen: nothing may add to it). */
const NO_CHILDREN: JNode[] = Object.freeze([]) as unknown as JNode[];
/** Leaves whose end is found in the text (an identifier ends where its characters do). */
const NAME_LEAVES = new Set(['identifier', 'property_identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern', 'type_identifier', 'statement_identifier', 'private_property_identifier']);
const NAME_RE = /#?[\p{ID_Continue}$\u200c\u200d]+/uy;

/** What `buildAst` needs to know of a node type, one bit each (see `namesOf`). */
const K_NAMED = 1;
/** Punctuation: not copied. */
const K_PUNCT = 2;
/** Named, never has children: not entered. */
const K_LEAF = 4;
/** Named and a name: its end and text are read from the source. */
const K_NAME = 8;
/** Its children have field names. */
const K_FIELDS = 16;
/** A function: the nearest enclosing one of its descendants. */
const K_FUNCTION = 32;
/** A keyword or operator copied only where a pass reads it (see `keepToken`). */
const K_TOKEN = 64;

interface Names {
  types: string[];
  fields: (string | null)[];
  /** The `K_` bits of each node type id; ids past its end are ERROR's (`error`). */
  kinds: Uint8Array;
  error: number;
}

/**
 * The grammar's type and field names as internalized strings, and what the copy needs to know of each node type.
 * web-tree-sitter builds the names from wasm memory, so they are not internalized: comparing one with a literal
 * (`n.type === 'identifier'`, a `switch`) then compares characters instead of pointers, and the analysis compares
 * node types millions of times.
 */
const internalizedNames = new WeakMap<TsLanguage, Names>();

function kindOf(type: string, named: boolean): number {
  if (!named) return PUNCTUATION.has(type) ? K_PUNCT : READ_TOKENS.has(type) ? 0 : K_TOKEN;
  let k = K_NAMED;
  if (LEAVES.has(type)) k |= K_LEAF;
  if (NAME_LEAVES.has(type)) k |= K_NAME;
  if (FIELD_PARENTS.has(type)) k |= K_FIELDS;
  if (FUNCTION_TYPES.has(type)) k |= K_FUNCTION;
  return k;
}

function namesOf(language: TsLanguage): Names {
  let names = internalizedNames.get(language);
  if (!names) {
    // A string used as a property key is internalized; Object.keys hands back that copy.
    const intern = (s: string): string => Object.keys({ [s]: 0 })[0] ?? s;
    const types = language.types.map(intern);
    const kinds = new Uint8Array(types.length);
    for (let id = 0; id < types.length; id++) {
      const type = types[id] ?? 'ERROR';
      kinds[id] = kindOf(type, type === 'ERROR' || language.nodeTypeIsNamed(id));
    }
    names = { types, fields: language.fields.map((f) => (f === null ? null : intern(f))), kinds, error: kindOf('ERROR', true) };
    internalizedNames.set(language, names);
  }
  return names;
}

/**
 * Where a name that starts at `start` ends (`#private`, `$x`, `_a1`), or -1 when none starts there or it holds an
 * escape (`\u0061`, read from the tree instead). ASCII names are scanned here, others by `NAME_RE`.
 */
function nameEnd(source: string, start: number): number {
  let i = start;
  if (source.charCodeAt(i) === 35) i++; // #
  const from = i;
  for (;;) {
    const c = source.charCodeAt(i);
    // [0-9A-Za-z_$]
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36) i++;
    else if (c >= 128) {
      NAME_RE.lastIndex = start;
      if (!NAME_RE.test(source)) return -1;
      i = NAME_RE.lastIndex;
      break;
    } else {
      if (i === from) return -1;
      break;
    }
  }
  return source.charCodeAt(i) === 92 ? -1 : i;
}

/** Chooses the top-level statements to copy whole; the others become childless placeholders (`skipped`). */
export type StatementFilter = (type: string, start: number, end: number) => boolean;
/**
 * A copy of a top-level statement made for an earlier version of the text: its nodes in document order (the
 * statement first) are `nodes[from..to]` of the earlier copy's node list, and `delta` is how far their offsets move.
 */
export type StatementReuse = (type: string, start: number, end: number) => { nodes: readonly JNode[]; from: number; to: number; delta: number } | undefined;

export type { Walk };

/** The internal words of web-tree-sitter's objects: a tree's address, a cursor's four words. */
type Words = Record<0 | 1 | 2 | 3, number>;

/**
 * A walk that calls tree-sitter's cursor functions directly: the cursor stays in the module's transfer buffer from
 * the first move to the last (nothing else calls into tree-sitter meanwhile), where TreeCursor copies its four words
 * in and out around every call. Its state goes back into the TreeCursor before that is deleted.
 */
class DirectWalk implements Walk {
  private readonly at: number;
  constructor(
    private readonly m: CursorModule,
    private readonly tree: number,
    private readonly cursor: TreeCursor,
  ) {
    this.at = m._ts_init() >> 2;
    const words = cursor as unknown as Words;
    const heap = m.HEAP32;
    for (let i = 0; i < 4; i++) heap[this.at + i] = words[i as 0 | 1 | 2 | 3];
  }
  get nodeTypeId(): number {
    return this.m._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  get currentFieldId(): number {
    return this.m._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  get startIndex(): number {
    return this.m._ts_tree_cursor_start_index_wasm(this.tree);
  }
  get endIndex(): number {
    return this.m._ts_tree_cursor_end_index_wasm(this.tree);
  }
  gotoFirstChild(): boolean {
    return this.m._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.m._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.m._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  delete(): void {
    // The heap may have grown (a new view) while the cursor's stack did.
    const heap = this.m.HEAP32;
    const words = this.cursor as unknown as Words;
    for (let i = 0; i < 4; i++) words[i as 0 | 1 | 2 | 3] = heap[this.at + i] ?? 0;
    this.cursor.delete();
  }
}

/** How the copy walks the tree: from wasm memory, through tree-sitter's cursor functions, or through TreeCursor. */
export type WalkKind = 'memory' | 'direct' | 'cursor';
/** Set by tests comparing the walks; `memory` falls back to `direct` for a language whose layout was not confirmed. */
let walkKind: WalkKind = 'memory';

/** Chooses how `buildAst` walks the tree (the default: memory, when the module and the language allow). */
export function setWalk(kind: WalkKind): void {
  walkKind = kind;
}

/**
 * A text of every grammar the walks read (JavaScript, TypeScript, TSX: each parses part of it as an error), walked
 * both from memory and by tree-sitter's cursor before a language's first memory walk: aliases (property and type
 * names, labels), fields through hidden nodes, comments (extras), errors, missing tokens, JSX, templates, regular
 * expressions and names outside the Basic Multilingual Plane (UTF-16 offsets).
 */
const WALK_SAMPLE = `// sample
import def, { a as b, type C } from 'm';
export default class K<T extends object> extends B implements I { #p = 1; static s?: number; constructor(private readonly x: T) { super(); }
  async *gen(this: K<T>, { y = 2, ...r }: { y?: number }, [z]: number[] = []): AsyncGenerator<number> { label: for (const q of r as any) { yield* q!; continue label; } }
  get v() { return this.#p ?? obj?.[k]?.(1) satisfies number; } }
type U = { [key in keyof T]-?: T[key] extends () => infer R ? R : never } | \`t\${string}\`;
interface J { m(a: number): void; readonly n: string }
enum E { A = 1, B }
const f = async <X,>(p: X): Promise<X> => { try { return await g(p, /re[g]+x/giu, 1e3, 0x1f, 'ß😀'); } catch { throw new Error(\`ouch \${p}\`); } finally {} };
let 𝑥 = <div className="a" {...props}>{items.map((i) => <Item key={i} />)} text &amp; more</div>;
switch (n) { case 1: break; default: { } }
if (a) b(); else if (c) { d = e ? f : g, h++; } while (0) {}
do { x += 1 } while (x < 3)
var m = { a, 'b': 2, [c]: 3, d() {}, get e() { return 1 } }; new M<N>(
function broken( { `;

/** A memory walk of `tree` when the module and the tree's language allow one (the language's layout confirmed). */
function memoryWalk(tree: Tree): Walk | undefined {
  const m = treeSitterMemory();
  return m ? memoryWalkOf(m, tree, () => parseWith(tree.language, WALK_SAMPLE), cursorRecord) : undefined;
}

/** Every node of `tree` as tree-sitter's cursor walks it (see `walkRecord`), for the check of a memory walk. */
function cursorRecord(tree: Tree): number[] {
  const w = cursorWalk(tree, 'direct');
  try {
    return walkRecord(w);
  } finally {
    w.delete();
  }
}

/** A walk through tree-sitter's cursor functions (`direct`, when the module allows) or through TreeCursor. */
function cursorWalk(tree: Tree, kind: WalkKind): Walk {
  const cursor = tree.walk();
  const m = kind !== 'cursor' ? treeSitterCursorModule() : undefined;
  const address = (tree as unknown as Words)[0];
  return m && typeof address === 'number' && typeof (cursor as unknown as Words)[3] === 'number' ? new DirectWalk(m, address, cursor) : cursor;
}

/** A walk on the tree's root; `delete()` it when done, and call nothing else of tree-sitter meanwhile. */
export function walkOf(tree: Tree): Walk {
  return (walkKind === 'memory' ? memoryWalk(tree) : undefined) ?? cursorWalk(tree, walkKind);
}

/** The offset where each line of `source` starts. */
export function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The line starts of a text after an edit replaced [start, oldEnd) of the text before (whose line starts are
 * `before`) with [start, newEnd) of `source`: only the edited span is searched for line breaks, the starts after it
 * move by the edit's length.
 */
export function editedLineStarts(before: readonly number[], source: string, edit: { start: number; oldEnd: number; newEnd: number }): number[] {
  let k = 0;
  while (k < before.length && (before[k] as number) <= edit.start) k++;
  let after = k;
  while (after < before.length && (before[after] as number) <= edit.oldEnd) after++;
  let added = 0;
  for (let i = source.indexOf('\n', edit.start); i >= 0 && i < edit.newEnd; i = source.indexOf('\n', i + 1)) added++;
  const delta = edit.newEnd - edit.oldEnd;
  if (after - k === added) {
    // As many lines as before (the usual edit): a copy of the list the size it has, changed in place, where a list
    // grown a push at a time is copied each time it fills.
    const starts = before.slice();
    for (let i = source.indexOf('\n', edit.start); i >= 0 && i < edit.newEnd; i = source.indexOf('\n', i + 1)) starts[k++] = i + 1;
    for (; k < before.length; k++) starts[k] = (before[k] as number) + delta;
    return starts;
  }
  const starts = before.slice(0, k);
  for (let i = source.indexOf('\n', edit.start); i >= 0 && i < edit.newEnd; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  for (k = after; k < before.length; k++) starts.push((before[k] as number) + delta);
  return starts;
}

/**
 * Copies the tree into plain objects with an explicit loop (no recursion, so deep trees cannot overflow). With `keep`,
 * only the top-level statements it accepts are copied whole. `lines`: the line starts of `source`, when known. `size`:
 * about how many nodes the copy will hold (an earlier copy's count, after an edit).
 */
export function buildAst(tree: Tree, source: string, keep?: StatementFilter, reuse?: StatementReuse, lines?: number[], size?: number): Ast {
  const cursor = walkOf(tree);
  // Made the size it will have, near enough, and filled by index: a list grown a push at a time is copied each time
  // it fills (after an edit, a fifth of what the reanalysis allocated).
  const nodes: JNode[] = size !== undefined && size > 0 ? new Array<JNode>(size) : [];
  /** How many nodes are in `nodes`. */
  let count = 0;
  // Type names, field names and what the copy needs of each type come from per-language tables: fewer calls into
  // wasm, and no lookups by name, per node.
  const { types, fields, kinds, error } = namesOf(tree.language);
  /** Calls copied from the tree (a few of them are `await (x)` misread, see finish). */
  const calls: JNode[] = [];
  /** The top-level statements `keep` left out. */
  const skipped = new Set<JNode>();
  /**
   * The children copied so far of the nodes being walked (`open`, the root first), each node's from `marks[i]` on:
   * its list is made when the walk leaves it, of the size it has (a list grown one push at a time holds room for 16).
   */
  const kids: JNode[] = [];
  const open: JNode[] = [];
  const marks: number[] = [];
  /** The kind (`K_` bits) of the node `mk` made last. */
  let kind = 0;
  /** The node whose `;` was copied last: the tokens after it are copied too (its last child stays its last child). */
  let semicolonParent: JNode | null = null;
  /**
   * Whether a keyword or operator under `parent` is copied: under the program (the statements), with a field name
   * that a pass reads (every one but a declaration's `const`/`let`), a statement's `;` and what follows it.
   */
  const keepToken = (parent: JNode, type: string, field: string | null): boolean => {
    if (parent === root || semicolonParent === parent) return true;
    if (field !== null) return field !== 'kind' || parent.type !== 'lexical_declaration';
    if (type === ';' && SEMICOLON_PARENTS.has(parent.type)) {
      semicolonParent = parent;
      return true;
    }
    return false;
  };
  /** The node at the cursor, or null for punctuation and tokens nothing reads (walked over, not kept). */
  const mk = (parent: JNode | null, withFields: boolean, fn: JNode | null): JNode | null => {
    const typeId = cursor.nodeTypeId;
    kind = typeId < kinds.length ? (kinds[typeId] as number) : error;
    if (parent && kind & K_PUNCT) return null;
    const type = types[typeId] ?? 'ERROR';
    const field = withFields ? (fields[cursor.currentFieldId] ?? null) : null;
    if (parent && kind & K_TOKEN && !keepToken(parent, type, field)) return null;
    const named = (kind & K_NAMED) !== 0;
    const start = cursor.startIndex;
    let end = -1;
    let name: string | null = null;
    if (kind & K_NAME) {
      end = nameEnd(source, start);
      if (end >= 0) name = source.slice(start, end);
    } else if (!named && type !== ';' && source.startsWith(type, start)) end = start + type.length;
    const n: JNode = {
      type,
      named,
      field,
      start,
      end: end >= 0 ? end : cursor.endIndex,
      parent,
      // Set when the walk leaves the node; leaves (never entered), nodes with no child and statements left out share
      // one empty list.
      children: NO_CHILDREN,
      idx: count,
      last: count,
      fn,
      name,
    };
    nodes[count++] = n;
    if (parent) kids.push(n);
    if (type === 'call_expression') calls.push(n);
    return n;
  };
  const root = mk(null, false, null) as JNode;
  /** The node walked (the parent of the cursor's node) and what its children inherit. */
  let parent = root;
  try {
    if (!cursor.gotoFirstChild()) return finish();
    const rootKind = kind;
    let withFields = (rootKind & K_FIELDS) !== 0;
    let fn: JNode | null = rootKind & K_FUNCTION ? root : null;
    open.push(root);
    marks.push(0);
    for (;;) {
      const copy = parent === root && reuse ? reuseAt() : false;
      if (copy) {
        while (!cursor.gotoNextSibling()) return finish();
        continue;
      }
      const n = mk(parent, withFields, fn);
      let descend = n !== null && (kind & (K_NAMED | K_LEAF)) === K_NAMED;
      if (descend && n && parent === root && keep && !keep(n.type, n.start, n.end)) {
        skipped.add(n);
        descend = false;
      }
      if (descend && n) {
        const k = kind;
        if (cursor.gotoFirstChild()) {
          parent = n;
          withFields = (k & K_FIELDS) !== 0;
          fn = k & K_FUNCTION ? n : n.fn;
          open.push(n);
          marks.push(kids.length);
          continue;
        }
      }
      while (!cursor.gotoNextSibling()) {
        if (parent === root || !cursor.gotoParent()) return finish();
        close();
        parent.last = count - 1;
        parent = parent.parent ?? root;
        withFields = FIELD_PARENTS.has(parent.type);
        fn = FUNCTION_TYPES.has(parent.type) ? parent : parent.fn;
      }
    }
  } finally {
    cursor.delete();
  }
  /** Gives the innermost node walked its children. */
  function close(): void {
    const node = open.pop() as JNode;
    const mark = marks.pop() as number;
    node.children = kids.slice(mark);
    kids.length = mark;
  }
  /** Splices an earlier copy of the statement at the cursor into the tree, if there is one. */
  function reuseAt(): boolean {
    const typeId = cursor.nodeTypeId;
    const type = types[typeId] ?? 'ERROR';
    const old = reuse?.(type, cursor.startIndex, cursor.endIndex);
    const top = old?.nodes[old.from];
    if (!old || !top) return false;
    top.parent = root;
    kids.push(top);
    // Its nodes join the document order in the order they had: indexes move together, offsets by the edit (before
    // the edit, often neither moves).
    const move = count - top.idx;
    const { nodes: list, from, to, delta } = old;
    if (move === 0 && delta === 0) for (let i = from; i <= to; i++) nodes[count++] = list[i] as JNode;
    else {
      for (let i = from; i <= to; i++) {
        const n = list[i] as JNode;
        n.idx += move;
        n.last += move;
        n.start += delta;
        n.end += delta;
        nodes[count++] = n;
      }
    }
    return true;
  }

  function finish(): Ast {
    while (open.length > 0) close();
    // tree-sitter-javascript reads `await (x)` as a call of a function named `await`: make it the await it is.
    for (const n of calls) {
      if (n.children.length !== 2) continue;
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
    if (nodes.length !== count) nodes.length = count;
    root.last = count - 1;
    return { root, nodes, source, lineStarts: lines ?? lineStartsOf(source), skipped };
  }
}

export function text(ast: Ast, n: JNode): string {
  return n.name ?? ast.source.slice(n.start, n.end);
}

// These run for nearly every node a check looks at: indexed loops (a for-of allocates its iterator where it is not
// optimized away).
export function child(n: JNode, field: string): JNode | undefined {
  const cs = n.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as JNode;
    if (c.field === field) return c;
  }
  return undefined;
}

export function namedKids(n: JNode): JNode[] {
  const out: JNode[] = [];
  const cs = n.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as JNode;
    if (c.named && c.type !== 'comment') out.push(c);
  }
  return out;
}

export function firstNamed(n: JNode): JNode | undefined {
  const cs = n.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as JNode;
    if (c.named && c.type !== 'comment') return c;
  }
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

/** Wrappers that keep a value as it is: parentheses, `await`, TS `as` / `satisfies` / `!` / `<T>x`. */
export const VALUE_WRAPPERS = new Set(['parenthesized_expression', 'await_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

export const FUNCTION_TYPES = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);
export const CLASS_TYPES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);


export function enclosingFunction(n: JNode): JNode | undefined {
  return n.fn ?? undefined;
}

/** A function's parameter nodes (an arrow's single bare parameter too). */
export function paramNodes(fn: JNode): JNode[] {
  const paramsNode = child(fn, 'parameters') ?? child(fn, 'parameter');
  return paramsNode ? (paramsNode.type === 'formal_parameters' ? namedKids(paramsNode) : [paramsNode]) : [];
}

/** The names of a function's plain parameters. */
export function paramNames(ast: Ast, fn: JNode): string[] {
  return paramNodes(fn).map((p) => child(p, 'pattern') ?? p).filter((p) => p.type === 'identifier').map((p) => text(ast, p));
}

/**
 * An error-first call that answers (`k(null, value)`, `k(undefined, value)`, `k` a plain name): the name it calls and
 * its null error argument; undefined for any other call.
 */
export function errorFirstAnswer(ast: Ast, call: JNode): { param: string; error: JNode } | undefined {
  const f = child(call, 'function');
  if (f?.type !== 'identifier') return undefined;
  const args = child(call, 'arguments');
  const error = args ? firstNamed(args) : undefined;
  if (!error || (error.type !== 'null' && error.type !== 'undefined')) return undefined;
  return { param: text(ast, f), error };
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
