// A walk over a tree-sitter tree that reads the tree from wasm memory in JavaScript, with no call into wasm per node.
//
// A cursor step through web-tree-sitter (or through the cursor functions directly, see js/ast.ts's DirectWalk) costs
// several calls into wasm per node: the move, then the node's type, field and offsets, each of which rebuilds the
// node from the cursor. Copying a 10,000-line file visits some 100,000 nodes that way. The tree itself is plain data
// in the module's memory, laid out as tree-sitter 0.25 lays it out (lib/src/subtree.h, tree.h, parser.h): this walk
// reads that data and follows the rules of tree-sitter's own cursor (lib/src/tree_cursor.c) — which nodes are
// visible, how aliases rename them, how a field name is found through hidden parents — so that it stops on the same
// nodes with the same type, field and offsets.
//
// The layout is an internal of the pinned web-tree-sitter version. `memoryWalkOf` uses this walk for a language only
// after checking the language's tables against web-tree-sitter's public API and walking a sample text both ways with
// identical results; otherwise callers keep the cursor walk.
import type { Language as TsLanguage, Tree } from 'web-tree-sitter';

/** The heap views of tree-sitter's wasm module (Emscripten's Module object carries them). */
export interface MemoryModule {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
}

/** `ts_builtin_sym_error`: its public symbol is itself. */
const SYM_ERROR = 0xffff;

// SubtreeHeapData (lib/src/subtree.h), byte offsets on wasm32.
const H_PADDING_BYTES = 4;
const H_SIZE_BYTES = 16;
const H_CHILD_COUNT = 36;
const H_SYMBOL = 40;
/** visible (bit 0), named (1), extra (2), … */
const H_FLAGS = 44;
const H_VISIBLE_CHILD_COUNT = 48;
const H_PRODUCTION_ID = 66;
/** A `Subtree` (an inline leaf or a pointer) takes 8 bytes; a node's children sit just before its heap data. */
const SUBTREE = 8;

// An inline Subtree (little endian): bit 0 of byte 0 is_inline, bit 1 visible, bit 3 extra; byte 1 the symbol; byte 6
// the padding's bytes, byte 7 the size's bytes.
const I_SYMBOL = 1;
const I_PADDING_BYTES = 6;
const I_SIZE_BYTES = 7;

// TSLanguage (lib/src/parser.h), byte offsets on wasm32.
const L_ABI = 0;
const L_SYMBOL_COUNT = 4;
const L_ALIAS_COUNT = 8;
const L_FIELD_COUNT = 32;
const L_MAX_ALIAS_LENGTH = 36;
const L_SYMBOL_NAMES = 56;
const L_FIELD_NAMES = 60;
const L_FIELD_MAP_SLICES = 64;
const L_FIELD_MAP_ENTRIES = 68;
const L_PUBLIC_SYMBOL_MAP = 76;
const L_ALIAS_SEQUENCES = 84;

/** What the walk reads of a language: where its tables are (byte addresses, or indices into HEAPU16 for the 16-bit ones). */
interface Tables {
  maxAliasLength: number;
  fieldCount: number;
  fieldSlices: number;
  fieldEntries: number;
  /** Index in HEAPU16 of the public symbol of each symbol. */
  publicSymbols: number;
  /** Index in HEAPU16 of the alias sequences (`maxAliasLength` symbols per production). */
  aliasSequences: number;
}

/**
 * A cursor over the tree read from memory: the same moves and answers as tree-sitter's TreeCursor. Its stack holds,
 * per entry (the root first, hidden nodes included): the address of the entry's `Subtree`, its start byte and length,
 * its index among its parent's children and among the structural (non-extra) ones, whether it is visible, its public
 * type id and the production that made it (read once, when the entry is pushed).
 */
export class MemoryWalk implements Walk {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private slot: Int32Array = new Int32Array(64);
  private pos: Int32Array = new Int32Array(64);
  private len: Int32Array = new Int32Array(64);
  private index: Int32Array = new Int32Array(64);
  private structural: Int32Array = new Int32Array(64);
  private visible: Uint8Array = new Uint8Array(64);
  private extra: Uint8Array = new Uint8Array(64);
  private type: Int32Array = new Int32Array(64);
  /** The production of the entry's node, or -1 for a node with no children. */
  private production: Int32Array = new Int32Array(64);
  private size = 0;

  constructor(
    m: MemoryModule,
    tree: number,
    private readonly t: Tables,
  ) {
    // Nothing calls into tree-sitter during the walk, so the heap cannot grow under these views.
    this.u8 = m.HEAPU8;
    this.u16 = m.HEAPU16;
    this.u32 = m.HEAPU32;
    // The root: `tree->root`, starting after its padding (ts_tree_root_node), never aliased.
    this.push(tree, this.padding(tree), 0, 0, 0);
  }

  /** The padding's bytes of the Subtree at `a` (its 8 bytes: an inline leaf, or a pointer to its heap data). */
  private padding(a: number): number {
    const b = this.u8[a] as number;
    return b & 1 ? (this.u8[a + I_PADDING_BYTES] as number) : (this.u32[((this.u32[a >> 2] as number) + H_PADDING_BYTES) >> 2] as number);
  }

  /** Pushes the Subtree at `a` as a child (starting at byte `at`) whose alias is `alias` (0: none). */
  private push(a: number, at: number, i: number, k: number, alias: number): void {
    if (this.size === this.slot.length) this.grow();
    const n = this.size++;
    const b = this.u8[a] as number;
    let symbol: number;
    let flags: number;
    if (b & 1) {
      flags = b >> 1;
      symbol = this.u8[a + I_SYMBOL] as number;
      this.len[n] = this.u8[a + I_SIZE_BYTES] as number;
      this.production[n] = -1;
    } else {
      const h = this.u32[a >> 2] as number;
      flags = this.u8[h + H_FLAGS] as number;
      symbol = this.u16[(h + H_SYMBOL) >> 1] as number;
      this.len[n] = this.u32[(h + H_SIZE_BYTES) >> 2] as number;
      this.production[n] = (this.u32[(h + H_CHILD_COUNT) >> 2] as number) > 0 ? (this.u16[(h + H_PRODUCTION_ID) >> 1] as number) : -1;
    }
    if (alias !== 0) symbol = alias;
    this.slot[n] = a;
    this.pos[n] = at;
    this.index[n] = i;
    this.structural[n] = k;
    this.visible[n] = alias !== 0 || n === 0 ? 1 : flags & 1;
    this.extra[n] = (flags >> 2) & 1;
    this.type[n] = symbol === SYM_ERROR ? symbol : (this.u16[this.t.publicSymbols + symbol] as number);
  }

  private grow(): void {
    const n = this.slot.length * 2;
    const int = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const byte = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.slot = int(this.slot);
    this.pos = int(this.pos);
    this.len = int(this.len);
    this.index = int(this.index);
    this.structural = int(this.structural);
    this.visible = byte(this.visible);
    this.extra = byte(this.extra);
    this.type = int(this.type);
    this.production = int(this.production);
  }

  /**
   * Pushes the first child of entry `e` from child `from` on (its start byte `at`, structural index `k`) that is
   * visible or holds visible nodes: 2 for visible, 1 for hidden, 0 when there is none.
   */
  private pushFrom(e: number, from: number, at: number, k: number): number {
    const production = this.production[e] as number;
    if (production < 0) return 0;
    const u8 = this.u8;
    const u32 = this.u32;
    const h = u32[(this.slot[e] as number) >> 2] as number;
    const count = u32[(h + H_CHILD_COUNT) >> 2] as number;
    const base = h - count * SUBTREE;
    const aliasRow = production === 0 ? -1 : this.t.aliasSequences + production * this.t.maxAliasLength;
    let position = at;
    for (let i = from; i < count; i++) {
      const c = base + i * SUBTREE;
      const b = u8[c] as number;
      // Inline: flags in byte 0 from bit 1; else in the heap data.
      const inline = (b & 1) === 1;
      const ch = inline ? 0 : (u32[c >> 2] as number);
      const flags = inline ? b >> 1 : (u8[ch + H_FLAGS] as number);
      const alias = (flags & 4) === 0 && aliasRow >= 0 ? (this.u16[aliasRow + k] as number) : 0;
      if ((flags & 1) !== 0 || alias !== 0) {
        this.push(c, position, i, k, alias);
        return 2;
      }
      if (!inline && (u32[(ch + H_CHILD_COUNT) >> 2] as number) > 0 && (u32[(ch + H_VISIBLE_CHILD_COUNT) >> 2] as number) > 0) {
        this.push(c, position, i, k, 0);
        return 1;
      }
      if ((flags & 4) === 0) k++;
      position += inline ? (u8[c + I_SIZE_BYTES] as number) : (u32[(ch + H_SIZE_BYTES) >> 2] as number);
      if (i + 1 < count) position += this.padding(c + SUBTREE);
    }
    return 0;
  }

  gotoFirstChild(): boolean {
    const start = this.size;
    for (;;) {
      const e = this.size - 1;
      const step = this.pushFrom(e, 0, this.pos[e] as number, 0);
      if (step === 2) return true;
      if (step === 0) {
        this.size = start;
        return false;
      }
    }
  }

  gotoNextSibling(): boolean {
    const initial = this.size;
    while (this.size > 1) {
      const e = --this.size;
      if (this.visible[e] === 1 && this.size + 1 < initial) break;
      // Past entry e among its parent's children.
      const parent = this.size - 1;
      const next = (this.index[e] as number) + 1;
      const count = this.u32[((this.u32[(this.slot[parent] as number) >> 2] as number) + H_CHILD_COUNT) >> 2] as number;
      let at = (this.pos[e] as number) + (this.len[e] as number);
      if (next < count) at += this.padding((this.slot[e] as number) + SUBTREE);
      const step = this.pushFrom(parent, next, at, (this.structural[e] as number) + (this.extra[e] === 1 ? 0 : 1));
      if (step === 2) return true;
      if (step === 1) {
        this.gotoFirstChild();
        return true;
      }
    }
    this.size = initial;
    return false;
  }

  gotoParent(): boolean {
    for (let i = this.size - 2; i >= 0; i--) {
      if (this.visible[i] === 1) {
        this.size = i + 1;
        return true;
      }
    }
    return false;
  }

  /** The public type id of the current node (an alias's, if it has one). */
  get nodeTypeId(): number {
    return this.type[this.size - 1] as number;
  }

  /** The field id of the current node in its visible parent (0: none), found through hidden parents as tree-sitter does. */
  get currentFieldId(): number {
    if (this.t.fieldCount === 0) return 0;
    const top = this.size - 1;
    for (let i = top; i > 0; i--) {
      if (i !== top && this.visible[i] === 1) break;
      if (this.extra[i] === 1) break;
      const slice = this.t.fieldSlices + 4 * (this.production[i - 1] as number);
      const from = this.u16[slice >> 1] as number;
      const count = this.u16[(slice + 2) >> 1] as number;
      const k = this.structural[i] as number;
      for (let j = 0; j < count; j++) {
        const entry = this.t.fieldEntries + 4 * (from + j);
        if (this.u8[entry + 3] === 0 && this.u8[entry + 2] === k) return this.u16[entry >> 1] as number;
      }
    }
    return 0;
  }

  /** The start of the current node, in UTF-16 code units (web-tree-sitter parses UTF-16: two bytes a unit). */
  get startIndex(): number {
    return (this.pos[this.size - 1] as number) >>> 1;
  }

  get endIndex(): number {
    const e = this.size - 1;
    return ((this.pos[e] as number) + (this.len[e] as number)) >>> 1;
  }

  delete(): void {
    this.size = 0;
  }
}

/** A NUL-terminated UTF-8 string in wasm memory (the grammars' names are ASCII). */
function cString(u8: Uint8Array, at: number): string {
  let s = '';
  for (let i = at; u8[i] !== 0 && i < at + 256; i++) s += String.fromCharCode(u8[i] as number);
  return s;
}

/**
 * The language's tables, when its struct reads as web-tree-sitter describes the language (ABI version, symbol and
 * field counts, the names of every symbol and field); undefined otherwise.
 */
function tablesOf(m: MemoryModule, language: TsLanguage, address: number): Tables | undefined {
  const u32 = m.HEAPU32;
  const u16 = m.HEAPU16;
  if (address <= 0 || address + L_ALIAS_SEQUENCES + 4 > m.HEAPU8.length) return undefined;
  const word = (offset: number): number => u32[(address + offset) >> 2] as number;
  if (word(L_ABI) !== language.abiVersion) return undefined;
  const symbols = word(L_SYMBOL_COUNT) + word(L_ALIAS_COUNT);
  const fieldCount = word(L_FIELD_COUNT);
  if (symbols !== language.types.length || fieldCount + 1 !== language.fields.length) return undefined;
  const names = word(L_SYMBOL_NAMES);
  // web-tree-sitter names the symbols that are not auxiliary (hidden repetitions have no name there).
  for (let id = 1; id < symbols; id++) {
    const name = language.types[id];
    if (name !== undefined && cString(m.HEAPU8, u32[(names + 4 * id) >> 2] as number) !== name) return undefined;
  }
  const fieldNames = word(L_FIELD_NAMES);
  for (let id = 1; id <= fieldCount; id++) if (cString(m.HEAPU8, u32[(fieldNames + 4 * id) >> 2] as number) !== language.fields[id]) return undefined;
  return {
    maxAliasLength: u16[(address + L_MAX_ALIAS_LENGTH) >> 1] as number,
    fieldCount,
    fieldSlices: word(L_FIELD_MAP_SLICES),
    fieldEntries: word(L_FIELD_MAP_ENTRIES),
    publicSymbols: word(L_PUBLIC_SYMBOL_MAP) >> 1,
    aliasSequences: word(L_ALIAS_SEQUENCES) >> 1,
  };
}

/** A cursor over the tree: the node it is on, and moves (false when there is nowhere to go). */
export interface Walk {
  readonly nodeTypeId: number;
  readonly currentFieldId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/** Every node of a walk in document order: type, field, start, end (the walk ends back on the root). */
export function walkRecord(w: Walk): number[] {
  const out: number[] = [];
  let depth = 0;
  for (;;) {
    out.push(w.nodeTypeId, w.currentFieldId, w.startIndex, w.endIndex, depth);
    if (w.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!w.gotoNextSibling()) {
      if (!w.gotoParent()) return out;
      depth--;
    }
  }
}

/** Per language: its tables once a sample walked the same both ways, or null when it did not (keep the cursor). */
export type LayoutChecks = WeakMap<TsLanguage, Tables | null>;
const checked: LayoutChecks = new WeakMap();

/**
 * A memory walk of `tree`, or undefined when this language's layout was not confirmed. `sample` parses a text of the
 * language and `cursorRecord` walks a tree with tree-sitter's own cursor: the first call per language compares both
 * walks of the sample, node for node, and remembers the verdict in `checks`.
 */
export function memoryWalkOf(
  m: MemoryModule,
  tree: Tree,
  sample: () => Tree,
  cursorRecord: (tree: Tree) => number[],
  checks: LayoutChecks = checked,
): MemoryWalk | undefined {
  const address = (tree as unknown as Record<0, number>)[0];
  if (typeof address !== 'number') return undefined;
  let tables = checks.get(tree.language);
  if (tables === undefined) {
    // `tree->language` (after the root's 8 bytes) is the language web-tree-sitter holds.
    const language = m.HEAPU32[(address + 8) >> 2] as number;
    tables = language === (tree.language as unknown as Record<0, number>)[0] ? (tablesOf(m, tree.language, language) ?? null) : null;
    if (tables) {
      const s = sample();
      try {
        const t = tables;
        const mine = walkRecord(new MemoryWalk(m, (s as unknown as Record<0, number>)[0], t));
        const theirs = cursorRecord(s);
        if (mine.length !== theirs.length || mine.some((v, i) => v !== theirs[i])) tables = null;
      } finally {
        s.delete();
      }
    }
    checks.set(tree.language, tables);
  }
  return tables ? new MemoryWalk(m, address, tables) : undefined;
}
