// tree-sitter (web-tree-sitter + grammar wasm), loaded once and lazily. The bundles ship the wasm files in
// dist/grammars; from source (tests, benchmarks) they are read from the grammar packages in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Edit, Language as TsLanguage, type Node, Parser, type Tree } from 'web-tree-sitter';
import type { MemoryModule } from './treeMemory';
import type { Language } from './types';

const GRAMMARS: Record<Language, { pkg: string; file: string }> = {
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
};

/** Where a wasm file is: beside the bundle (dist/grammars) or inside its npm package. */
export function locateWasm(pkg: string, file: string): string {
  const bundled = join(__dirname, 'grammars', file);
  if (existsSync(bundled)) return bundled;
  const req = createRequire(join(process.cwd(), 'package.json'));
  try {
    return req.resolve(`${pkg}/${file}`);
  } catch {
    return createRequire(__filename).resolve(`${pkg}/${file}`);
  }
}

let ready: Promise<void> | undefined;
const languages = new Map<Language, TsLanguage>();

/**
 * The cursor functions of tree-sitter's wasm module. web-tree-sitter's TreeCursor copies the cursor's four words into
 * a transfer buffer before every call and back after each move, in JavaScript; a walk that calls the module directly
 * leaves them there (see js/ast.ts). Emscripten makes the options object given to `Parser.init` the module itself.
 */
export interface CursorModule {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const CURSOR_FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

let cursorModule: CursorModule | undefined;
let memoryModule: MemoryModule | undefined;

/** The heap views of tree-sitter's wasm module, for walks that read trees from memory (see treeMemory.ts). */
export function treeSitterMemory(): MemoryModule | undefined {
  return memoryModule;
}

/** tree-sitter's cursor functions, when this web-tree-sitter build exposes them (else the analysis uses TreeCursor). */
export function treeSitterCursorModule(): CursorModule | undefined {
  return cursorModule;
}

/** Loads tree-sitter and the grammars. Safe to call many times. */
export function loadGrammars(): Promise<void> {
  ready ??= (async () => {
    const options: Record<string, unknown> = { locateFile: (name: string) => locateWasm('web-tree-sitter', name) };
    await Parser.init(options);
    if (options.HEAP32 instanceof Int32Array && CURSOR_FUNCTIONS.every((f) => typeof options[f] === 'function')) cursorModule = options as unknown as CursorModule;
    if (options.HEAP32 instanceof Int32Array && NODE_FUNCTIONS.every((f) => typeof options[f] === 'function')) nodeModule = options as unknown as NodeModule;
    if (options.HEAPU8 instanceof Uint8Array && options.HEAPU16 instanceof Uint16Array && options.HEAPU32 instanceof Uint32Array) memoryModule = options as unknown as MemoryModule;
    for (const [lang, g] of Object.entries(GRAMMARS) as [Language, { pkg: string; file: string }][]) {
      languages.set(lang, await TsLanguage.load(locateWasm(g.pkg, g.file)));
    }
  })();
  return ready;
}

const parsers = new Map<Language, Parser>();

/** Parses with the grammar of `lang`; `loadGrammars()` must have resolved. Pass the edited old tree to reparse incrementally. */
/** A parse of `source` with a loaded grammar, given as web-tree-sitter's Language. */
export function parseWith(language: TsLanguage, source: string): Tree {
  for (const [lang, l] of languages) if (l === language) return parse(source, lang);
  throw new Error('parseWith: the language is not one of the loaded grammars.');
}

export function parse(source: string, lang: Language, oldTree?: Tree | null): Tree {
  let parser = parsers.get(lang);
  if (!parser) {
    const language = languages.get(lang);
    if (!language) throw new Error('tree-sitter grammars are not loaded yet: await loadGrammars() first.');
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(lang, parser);
  }
  if (!oldTree) {
    const tree = parser.parse(source);
    if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
    return tree;
  }
  // An incremental reparse reuses the old tree's tokens and subtrees, and around a syntax error that can recover
  // differently from a parse of the whole text (`try {` edited to `try_x {`: the old `catch` keyword token is reused
  // where a fresh parse reads `catch (err)` as a call), and later reparses carry the difference on. The top-level
  // statements of the new tree with an error where the edit or the reparse changed something are therefore parsed with
  // none of their old tokens reused. When the old tree already has an error, the statements the edit touched are
  // expected to hold one and are read anew in the first reparse (see `invalidatedBeforeReparse`); only an error
  // elsewhere (outside them) takes a second reparse.
  // A text with no program at all (error recovery made the root itself an ERROR) has no top-level statements to read
  // anew: what the reparse reuses inside it can recover differently from a fresh parse, and nothing here can tell
  // where. Such a text is parsed from scratch until it has a program again.
  if (oldTree.rootNode.type === 'ERROR') return parse(source, lang);
  let old = oldTree.rootNode.hasError ? topLevel(oldTree) : undefined;
  try {
    const prior = old ? invalidatedBeforeReparse(old, lang !== 'python') : undefined;
    const base = prior ? oldTree.copy() : oldTree;
    try {
      if (prior) base.edit(invalidation(prior));
      const tree = reparse(parser, source, base);
      if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
      if (!tree.rootNode.hasError) return tree;
      if (tree.rootNode.type === 'ERROR') {
        tree.delete();
        return parse(source, lang);
      }
      const spans = erroneousEditedSpan((old ??= topLevel(oldTree)), oldTree, tree, lang !== 'python');
      const span = spans?.broken;
      if (!span || (prior && prior.start.index <= span.start.index && span.end.index <= prior.end.index)) return tree;
      tree.edit(invalidation(spans.read));
      const again = reparse(parser, source, tree);
      tree.delete();
      if (!again) throw new Error(`tree-sitter could not parse the ${lang} source.`);
      return again;
    } finally {
      if (base !== oldTree) base.delete();
    }
  } finally {
    old?.statements.delete();
  }
}

/** The characters tree-sitter is handed at each read during a reparse (see `reparse`). */
const REPARSE_CHUNK = 512;

/**
 * An incremental reparse of `source`. web-tree-sitter copies what it is handed at each read into wasm memory, and
 * handed the whole string it copies up to 5,119 characters each time; a reparse reads a token here and there around
 * the edit and the reused subtrees, dozens of reads for one edit. Handed 512 characters at a time, a reparse of the
 * benchmark's 2,000-line file copies a fraction of that. (A parse from scratch reads the text in order: it keeps the
 * whole string.) The tree reads node text from the whole string again, as a tree parsed from a string does.
 */
function reparse(parser: Parser, source: string, old: Tree): Tree | null {
  const tree = parser.parse((index: number) => {
    let end = index + REPARSE_CHUNK;
    // Not between the two halves of a surrogate pair.
    const last = source.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end++;
    return source.slice(index, end);
  }, old);
  const text = tree as unknown as { textCallback?: (index: number) => string } | null;
  if (text && 'textCallback' in text) text.textCallback = (index: number) => source.slice(index);
  return tree;
}

interface Place {
  index: number;
  position: { row: number; column: number };
}

interface Span {
  start: Place;
  end: Place;
}

/** An edit that changes nothing in the text but makes the reparse read `span` anew, reusing none of its old tokens. */
function invalidation(span: Span): Edit {
  return { startIndex: span.start.index, oldEndIndex: span.end.index, newEndIndex: span.end.index, startPosition: span.start.position, oldEndPosition: span.end.position, newEndPosition: span.end.position };
}

/** The top-level statements of a tree (the root's children), by index in document order. */
interface Statements {
  readonly count: number;
  hasChanges(k: number): boolean;
  hasError(k: number): boolean;
  startIndex(k: number): number;
  endIndex(k: number): number;
  startPosition(k: number): { row: number; column: number };
  endPosition(k: number): { row: number; column: number };
  /** Frees what tree-sitter allocated for the list. */
  delete(): void;
}

/** The functions of tree-sitter's wasm module that read a node from its transfer buffer (see `RawStatements`). */
interface NodeModule {
  HEAP32: Int32Array;
  _ts_init(): number;
  _free(address: number): void;
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_node_children_wasm(tree: number): void;
  _ts_node_has_changes_wasm(tree: number): number;
  _ts_node_has_error_wasm(tree: number): number;
  _ts_node_end_index_wasm(tree: number): number;
  _ts_node_end_point_wasm(tree: number): void;
}

const NODE_FUNCTIONS = [
  '_ts_init', '_free', '_ts_tree_root_node_wasm', '_ts_node_children_wasm', '_ts_node_has_changes_wasm', '_ts_node_has_error_wasm', '_ts_node_end_index_wasm',
  '_ts_node_end_point_wasm',
] as const;

let nodeModule: NodeModule | undefined;
/** Whether `parse` reads the top-level statements from tree-sitter's memory (set off by a test comparing both ways). */
let rawStatements = true;

/** Chooses how `parse` reads the top-level statements around an edit: from wasm memory (the default, when the module allows) or as Node objects. */
export function setRawStatements(on: boolean): void {
  rawStatements = on;
}

/** The words of a node in tree-sitter's transfer buffer (web-tree-sitter's `marshalNode`): id, start index, start row and column, and one more. */
const NODE_WORDS = 5;

/**
 * The top-level statements as tree-sitter lists them (`ts_node_children_wasm`: the root's children, five words each,
 * in wasm memory). web-tree-sitter's `rootNode.children` makes a Node object of each, thousands for a long file, where
 * a reparse reads the few an edit touched; here a statement is read by copying its words into the transfer buffer and
 * calling the function that reads it from there.
 */
class RawStatements implements Statements {
  readonly count: number;
  /** Word index in HEAP32 of the list, and of the transfer buffer. */
  private readonly list: number;
  private readonly transfer: number;
  private address: number;
  constructor(
    private readonly m: NodeModule,
    private readonly tree: number,
  ) {
    this.transfer = m._ts_init() >> 2;
    m._ts_tree_root_node_wasm(tree);
    m._ts_node_children_wasm(tree);
    const heap = m.HEAP32;
    this.count = heap[this.transfer] ?? 0;
    this.address = heap[this.transfer + 1] ?? 0;
    this.list = this.address >> 2;
  }
  /** Puts statement `k` in the transfer buffer (the heap may have grown since the list was made: a new view). */
  private load(k: number): void {
    const heap = this.m.HEAP32;
    const from = this.list + k * NODE_WORDS;
    for (let i = 0; i < NODE_WORDS; i++) heap[this.transfer + i] = heap[from + i] as number;
  }
  hasChanges(k: number): boolean {
    this.load(k);
    return this.m._ts_node_has_changes_wasm(this.tree) === 1;
  }
  hasError(k: number): boolean {
    this.load(k);
    return this.m._ts_node_has_error_wasm(this.tree) === 1;
  }
  startIndex(k: number): number {
    return this.m.HEAP32[this.list + k * NODE_WORDS + 1] as number;
  }
  endIndex(k: number): number {
    this.load(k);
    return this.m._ts_node_end_index_wasm(this.tree);
  }
  startPosition(k: number): { row: number; column: number } {
    const heap = this.m.HEAP32;
    const at = this.list + k * NODE_WORDS;
    return { row: heap[at + 2] as number, column: heap[at + 3] as number };
  }
  endPosition(k: number): { row: number; column: number } {
    this.load(k);
    this.m._ts_node_end_point_wasm(this.tree);
    const heap = this.m.HEAP32;
    return { row: (heap[this.transfer] as number) >>> 0, column: (heap[this.transfer + 1] as number) >>> 0 };
  }
  delete(): void {
    if (this.address !== 0) this.m._free(this.address);
    this.address = 0;
  }
}

/** The top-level statements as web-tree-sitter's Node objects (when its module lacks a function `RawStatements` calls). */
class NodeStatements implements Statements {
  private readonly nodes: (Node | null)[];
  readonly count: number;
  constructor(tree: Tree) {
    this.nodes = tree.rootNode.children;
    this.count = this.nodes.length;
  }
  private at(k: number): Node {
    return this.nodes[k] as Node;
  }
  hasChanges(k: number): boolean {
    return this.nodes[k]?.hasChanges ?? false;
  }
  hasError(k: number): boolean {
    return this.nodes[k]?.hasError ?? false;
  }
  startIndex(k: number): number {
    return this.at(k).startIndex;
  }
  endIndex(k: number): number {
    return this.at(k).endIndex;
  }
  startPosition(k: number): { row: number; column: number } {
    return this.at(k).startPosition;
  }
  endPosition(k: number): { row: number; column: number } {
    return this.at(k).endPosition;
  }
  delete(): void {}
}

function statementsOf(tree: Tree): Statements {
  const address = (tree as unknown as Record<0, unknown>)[0];
  return nodeModule && rawStatements && typeof address === 'number' ? new RawStatements(nodeModule, address) : new NodeStatements(tree);
}

/** Which top-level statements of `tree` (the root's children, in order) hold a syntax error; undefined when none does. */
export function brokenStatements(tree: Tree): Uint8Array | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const statements = statementsOf(tree);
  try {
    const out = new Uint8Array(statements.count);
    for (let k = 0; k < statements.count; k++) if (statements.hasError(k)) out[k] = 1;
    return out;
  } finally {
    statements.delete();
  }
}

/** The top-level statements of the edited old tree, and the first and last the edit touched (-1 when none). */
interface TopLevel {
  statements: Statements;
  first: number;
  last: number;
}

function topLevel(oldTree: Tree): TopLevel {
  const statements = statementsOf(oldTree);
  let first = -1;
  let last = -1;
  for (let k = 0; k < statements.count; k++) {
    if (!statements.hasChanges(k)) continue;
    if (first < 0) first = k;
    last = k;
  }
  return { statements, first, last };
}

/**
 * What the first reparse reads anew when the old tree has a syntax error: from the first to the last top-level
 * statement the edit touched that holds an error — or, with `clean`, any it touched — widened by one statement on either
 * side when that one holds an error (an edit next to a broken statement often changes how far it reaches). Measured
 * on the benchmark's piled edits, this spares most second reparses; in Python, whose top-level statements are whole
 * classes and functions, reading untouched-by-error statements anew costs more than the second reparses it spares.
 */
function invalidatedBeforeReparse(old: TopLevel, clean: boolean): Span | undefined {
  const { statements } = old;
  let first = -1;
  let last = -1;
  for (let k = old.first; k >= 0 && k <= old.last; k++) {
    if (!statements.hasChanges(k) || (!clean && !statements.hasError(k))) continue;
    if (first < 0) first = k;
    last = k;
  }
  if (first < 0) return undefined;
  if (first > 0 && statements.hasError(first - 1)) first--;
  if (last < statements.count - 1 && statements.hasError(last + 1)) last++;
  return spanOf(statements, first, last);
}

/** The span from the start of statement `first` to the end of statement `last`. */
function spanOf(statements: Statements, first: number, last: number): Span {
  return {
    start: { index: statements.startIndex(first), position: statements.startPosition(first) },
    end: { index: statements.endIndex(last), position: statements.endPosition(last) },
  };
}

/** Whether [a, b] meets one of the spans. */
function meets(spans: readonly { start: number; end: number }[], a: number, b: number): boolean {
  for (let i = 0; i < spans.length; i++) {
    const r = spans[i] as { start: number; end: number };
    if (r.start <= b && a <= r.end) return true;
  }
  return false;
}

/**
 * The span from the first to the last top-level statement of `tree` (the incremental reparse of the edited `oldTree`)
 * that holds a syntax error and overlaps a part the edit touched (an old statement with changes) or the reparse
 * changed (`getChangedRanges`): `broken`; undefined when there is none. `read`, what a second reparse reads anew, is
 * the same span, and with `next` the statement after it too (JavaScript/TypeScript; in Python, whose top-level
 * statements are whole classes and functions, that would cost more).
 */
function erroneousEditedSpan(old: TopLevel, oldTree: Tree, tree: Tree, next: boolean): { broken: Span; read: Span } | undefined {
  const changed = changedRanges(oldTree, tree);
  // Kept for the JavaScript/TypeScript analysis, which asks for them again (the Python one compares other trees).
  lastRanges = next ? { tree, old: oldTree, ranges: changed } : undefined;
  const touched = [...changed];
  for (let k = old.first; k >= 0 && k <= old.last; k++) {
    if (old.statements.hasChanges(k)) touched.push({ start: old.statements.startIndex(k), end: old.statements.endIndex(k) });
  }
  let first = -1;
  let last = -1;
  const statements = statementsOf(tree);
  try {
    for (let k = 0; k < statements.count; k++) {
      if (!meets(touched, statements.startIndex(k), statements.endIndex(k)) || !statements.hasError(k)) continue;
      if (first < 0) first = k;
      last = k;
    }
    if (first < 0) return undefined;
    // With `next`, the statement after those is read anew too: reused whole, it can stop a broken statement where a
    // fresh parse lets it run on (`…with a per-batch fallback.` + `import * as ort …` recovered as two statements).
    return { broken: spanOf(statements, first, last), read: spanOf(statements, first, next && last < statements.count - 1 ? last + 1 : last) };
  } finally {
    statements.delete();
  }
}

/**
 * Where the last reparse `parse` made differs from the edited tree, as it found them (the analysis asks for the same
 * again). One slot, taken by the first to ask: a map by tree would keep each old tree, and through it the one before,
 * for as long as the file holds a syntax error.
 */
let lastRanges: { tree: Tree; old: Tree; ranges: readonly { start: number; end: number }[] } | undefined;

/**
 * Where `tree`, a reparse of the edited `oldTree`, differs from it (`getChangedRanges`, as offsets). Around a syntax
 * error `parse` has already asked, for the tree it returns unless it parsed a second time: a walk of both trees that
 * costs a few tenths of a millisecond on a 2,000-line file with errors in it.
 */
export function changedRanges(oldTree: Tree, tree: Tree): readonly { start: number; end: number }[] {
  const known = lastRanges;
  lastRanges = undefined;
  if (known?.tree === tree && known.old === oldTree) return known.ranges;
  return oldTree.getChangedRanges(tree).map((r) => ({ start: r.startIndex, end: r.endIndex }));
}

export function languageForPath(path: string): Language | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.py') || lower.endsWith('.pyi') || lower.endsWith('.ipynb')) return 'python';
  if (lower.endsWith('.tsx')) return 'tsx';
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return 'typescript';
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs') || lower.endsWith('.jsx')) return 'javascript';
  return undefined;
}

export function languageForId(languageId: string): Language | undefined {
  switch (languageId) {
    case 'python':
      return 'python';
    case 'typescript':
      return 'typescript';
    case 'typescriptreact':
      return 'tsx';
    case 'javascript':
    case 'javascriptreact':
      return 'javascript';
    default:
      return undefined;
  }
}
