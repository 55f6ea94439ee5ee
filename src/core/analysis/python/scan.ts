// Linear text pass over a Python module: strings and comments masked out, logical lines, the def/class structure
// (by indentation), imports, assignments, `with … as` / `for … in` bindings, torch no-grad regions and every call
// site. It runs in a few milliseconds on a 10,000-line file, where a full walk of the tree-sitter tree through the
// wasm boundary costs more than the parse itself; the tree is then consulted only around the candidate calls.

export interface Span {
  start: number;
  end: number;
}

export interface LogicalLine {
  /** First non-blank character. */
  start: number;
  /** Start of the first physical line. */
  lineStart: number;
  /** End of the last physical line (before the line break). */
  end: number;
  /** Indentation width (tabs to the next multiple of 8). */
  indent: number;
  /** Index of the logical line this one is nested under (its block header), or -1. */
  parent: number;
  /** First keyword of the line (`try`, `except`, `with`, `def`, …) or '' for other statements. */
  kw: string;
}

export interface DefInfo {
  kind: 'def' | 'class';
  name: string;
  /** First decorator, or the header. */
  start: number;
  /** `async` / `def` / `class` keyword. */
  headerStart: number;
  /** End of the body's last line. */
  end: number;
  indent: number;
  /** Index of the enclosing def/class, or -1. */
  parent: number;
  /** Decorator expressions without `@` and without whitespace, e.g. `torch.no_grad()`. */
  decorators: string[];
  /** Class bases, e.g. `nn.Module` (classes only). */
  bases: string;
  isAsync: boolean;
  /** Index of the header's logical line. */
  line: number;
}

export interface Assign {
  kind: 'assign' | 'with' | 'for';
  /** Targets without whitespace: `model`, `self.model`, `app.state.model`, `d["k"]` (masked). */
  targets: string[];
  /** Start of the statement (or the `with` item). */
  start: number;
  rhsStart: number;
  rhsEnd: number;
  /** Index of the innermost def/class containing it, or -1. */
  owner: number;
}

export interface CallSite {
  /** Start of the callee text (the dot for a method called on a complex receiver). */
  start: number;
  /** Start of the callee's last name. */
  nameStart: number;
  /** Dotted callee without whitespace; for complex receivers just the method name. */
  callee: string;
  /** The callee's last name (`predict` in `self.model.predict`). */
  method: string;
  /** The method is called on something that is not a dotted name (`f().predict`, `x[0].run`). */
  complex: boolean;
  /** Offset of the opening parenthesis. */
  paren: number;
}

export interface ImportInfo {
  /** Local name → qualified dotted name (`ort` → `onnxruntime`, `load` → `joblib.load`). */
  aliases: Map<string, string>;
  /** Top-level import statements (logical lines at indent 0), in order. */
  topLevel: LogicalLine[];
}

export interface Scan {
  source: string;
  masked: string;
  /** String literals, flattened [start, end, …], ascending. */
  strings: number[];
  /** Comments, flattened [start, end, …], ascending. */
  comments: number[];
  lines: Lines;
  /** Start offset of every physical line. */
  lineStartOffsets: number[];
  defs: DefInfo[];
  /** `headerStart` of every def (ascending). */
  defStarts: Int32Array;
  assigns: Assign[];
  calls: CallSite[];
  imports: ImportInfo;
  /** `with torch.no_grad():` / `inference_mode()` bodies and functions decorated with them. */
  noGradRegions: Span[];
  /** Bracket depth at the start of physical line k + 1 (see `Masked`), for `rescanPython`. */
  lineDepth: number[];
  /** Set by `rescanPython` when it spliced: the part of the text it scanned again. */
  rescanned?: Span;
}

const Ch = {
  Tab: 9,
  Nl: 10,
  Cr: 13,
  Space: 32,
  Quote: 34,
  Hash: 35,
  Apos: 39,
  LParen: 40,
  RParen: 41,
  Backslash: 92,
  LBrack: 91,
  RBrack: 93,
  LBrace: 123,
  RBrace: 125,
  FormFeed: 12,
} as const;

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

/** A lone `=` (not `==`, `<=`, `>=`, `!=`) somewhere in masked[from, to). */
function hasAssignEq(masked: string, from: number, to: number): boolean {
  for (let i = masked.indexOf('=', from); i >= 0 && i < to; i = masked.indexOf('=', i + 2)) {
    const prev = masked.charCodeAt(i - 1);
    if (masked.charCodeAt(i + 1) !== 61 && prev !== 61 && prev !== 60 && prev !== 62 && prev !== 33) return true;
  }
  return false;
}

function isPrefixChar(c: number): boolean {
  // r R b B u U f F t T
  return c === 114 || c === 82 || c === 98 || c === 66 || c === 117 || c === 85 || c === 102 || c === 70 || c === 116 || c === 84;
}

/**
 * Blank ranges of an f-string's content: the literal text, the braces and format specs are blanked, the
 * replacement-field expressions stay visible (calls and names inside them count), minus their nested strings.
 */
function fstringBlanks(src: string, cs: number, ce: number, out: number[]): void {
  let blankFrom = cs;
  let i = cs;
  while (i < ce) {
    const c = src.charCodeAt(i);
    if (c === Ch.LBrace && src.charCodeAt(i + 1) === Ch.LBrace) {
      i += 2;
      continue;
    }
    if (c !== Ch.LBrace) {
      i++;
      continue;
    }
    out.push(blankFrom, i + 1);
    let j = i + 1;
    let depth = 0;
    let exprEnd = ce;
    while (j < ce) {
      const d = src.charCodeAt(j);
      if (d === Ch.Quote || d === Ch.Apos) {
        let k = j + 1;
        while (k < ce && src.charCodeAt(k) !== d) k += src.charCodeAt(k) === Ch.Backslash ? 2 : 1;
        if (k > j + 1) out.push(j + 1, Math.min(k, ce));
        j = k + 1;
        continue;
      }
      if (d === Ch.LParen || d === Ch.LBrack || d === Ch.LBrace) depth++;
      else if (d === Ch.RParen || d === Ch.RBrack) depth = Math.max(0, depth - 1);
      else if (d === Ch.RBrace) {
        if (depth === 0) {
          exprEnd = j;
          break;
        }
        depth--;
      } else if (depth === 0 && ((d === 58 /* : */ && src.charCodeAt(j + 1) !== 61) || (d === 33 /* ! */ && src.charCodeAt(j + 1) !== 61))) {
        exprEnd = j;
        break;
      }
      j++;
    }
    // Skip the format spec (it may hold nested fields) up to the field's closing brace.
    let k = exprEnd;
    let dd = 0;
    while (k < ce) {
      const d = src.charCodeAt(k);
      if (d === Ch.LBrace) dd++;
      else if (d === Ch.RBrace) {
        if (dd === 0) break;
        dd--;
      }
      k++;
    }
    blankFrom = exprEnd;
    i = Math.min(ce, k + 1);
  }
  if (ce > blankFrom) out.push(blankFrom, ce);
}

/** The source with string contents and comments replaced by spaces (quotes and line breaks kept). */
export interface Masked {
  masked: string;
  /** String literals, flattened [start, end, …]. */
  strings: number[];
  /** Comments, flattened [start, end, …]. */
  comments: number[];
  /** Bracket depth at the start of physical line k + 1 (code brackets only, never below 0; one more inside a string). */
  lineDepth: number[];
}

/** Characters the masking loop stops at: # ' " brackets and the line feed. */
const STOP = new Uint8Array(128);
for (const ch of '#\'"()[]{}\n') STOP[ch.charCodeAt(0)] = 1;

export function maskPython(src: string): Masked {
  // Flattened [start, end, start, end, …]: tens of thousands of spans, no object each.
  const strings: number[] = [];
  const comments: number[] = [];
  const lineDepth: number[] = [];
  const n = src.length;
  let depth = 0;
  // Blanked ranges, flattened [start, end, start, end, …]; the masked text is built once at the end.
  const blanks: number[] = [];
  // A plain character loop: a regex would allocate a match object per string and comment (tens of thousands).
  for (let i = 0; i < n; i++) {
    const c = src.charCodeAt(i);
    if (c >= 128 || STOP[c] === 0) continue;
    if (c === Ch.Nl) {
      lineDepth.push(depth);
      continue;
    }
    if (c === Ch.LParen || c === Ch.LBrack || c === Ch.LBrace) {
      depth++;
      continue;
    }
    if (c === Ch.RParen || c === Ch.RBrack || c === Ch.RBrace) {
      if (depth > 0) depth--;
      continue;
    }
    if (c === Ch.Hash) {
      let j = src.indexOf('\n', i);
      if (j < 0) j = n;
      if (j > i && src.charCodeAt(j - 1) === Ch.Cr) j--;
      comments.push(i, j);
      blanks.push(i, j);
      i = j - 1;
      continue;
    }
    let p = i;
    while (p > 0 && i - p < 3 && isPrefixChar(src.charCodeAt(p - 1))) p--;
    if (p > 0 && p < i && isIdentChar(src.charCodeAt(p - 1))) p = i;
    const triple = src.charCodeAt(i + 1) === c && src.charCodeAt(i + 2) === c;
    const qlen = triple ? 3 : 1;
    let j = i + qlen;
    let closed = false;
    while (j < n) {
      const d = src.charCodeAt(j);
      if (d === Ch.Backslash) {
        j += 2;
        continue;
      }
      if (d === c) {
        if (!triple) {
          j++;
          closed = true;
          break;
        }
        if (src.charCodeAt(j + 1) === c && src.charCodeAt(j + 2) === c) {
          j += 3;
          closed = true;
          break;
        }
      } else if (!triple && (d === Ch.Nl || d === Ch.Cr)) break;
      j++;
    }
    if (j > n) j = n;
    const contentStart = i + qlen;
    const contentEnd = Math.max(contentStart, closed ? j - qlen : j);
    strings.push(p, j);
    // A line that starts inside the string continues the statement the string is in (as if inside a bracket): its
    // blanked text is no indentation (`}}"""` of a prompt flush left would otherwise close the function around it).
    for (let q = src.indexOf('\n', i); q >= 0 && q < j; q = src.indexOf('\n', q + 1)) lineDepth.push(depth + 1);
    if (contentEnd > contentStart) {
      let fstring = false;
      for (let q = p; q < i; q++) if ((src.charCodeAt(q) | 32) === 102 /* f */ || (src.charCodeAt(q) | 32) === 116 /* t */) fstring = true;
      if (fstring) fstringBlanks(src, contentStart, contentEnd, blanks);
      else blanks.push(contentStart, contentEnd);
    }
    i = Math.max(j, i + 1) - 1;
  }
  if (blanks.length === 0) return { masked: src, strings, comments, lineDepth };
  return { masked: applyBlanks(src, blanks), strings, comments, lineDepth };
}

const WIDE = /[\u0100-\uffff]/;

/** `src` with the flattened [start, end) ranges replaced by spaces (line breaks kept), built in one buffer. */
function applyBlanks(src: string, blanks: number[]): string {
  if (WIDE.test(src)) {
    const buf = Buffer.from(src, 'utf16le');
    for (let k = 0; k < blanks.length; k += 2) {
      const end = blanks[k + 1] as number;
      for (let i = blanks[k] as number; i < end; i++) {
        const c = buf[2 * i] as number;
        if ((c !== Ch.Nl && c !== Ch.Cr) || buf[2 * i + 1] !== 0) {
          buf[2 * i] = Ch.Space;
          buf[2 * i + 1] = 0;
        }
      }
    }
    return buf.toString('utf16le');
  }
  const buf = Buffer.from(src, 'latin1');
  for (let k = 0; k < blanks.length; k += 2) {
    const end = blanks[k + 1] as number;
    for (let i = blanks[k] as number; i < end; i++) {
      const c = buf[i];
      if (c !== Ch.Nl && c !== Ch.Cr) buf[i] = Ch.Space;
    }
  }
  return buf.toString('latin1');
}

const KEYWORDS = new Set([
  'if', 'elif', 'else', 'while', 'for', 'return', 'and', 'or', 'not', 'in', 'is', 'lambda', 'yield', 'assert', 'del', 'with',
  'except', 'raise', 'await', 'from', 'import', 'as', 'def', 'class', 'try', 'finally', 'pass', 'break', 'continue', 'global',
  'nonlocal', 'async', 'None', 'True', 'False', 'print_function',
]);

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}

/** Splits `text` at top-level commas (brackets balanced; the text is masked). */
export function splitTopLevel(text: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/** Offset of the first `ch` at bracket depth 0 in masked[from, to), or -1. */
export function findTopLevel(masked: string, from: number, to: number, ch: string): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ch && depth === 0) return i;
  }
  return -1;
}

function indentWidth(src: string, from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    if (c === Ch.Tab) w = w - (w % 8) + 8;
    else if (c === Ch.Space) w++;
    else if (c === Ch.FormFeed) w = 0;
    else break;
  }
  return w;
}

const TOP_RESET = /(?:def|class|async[ \t]+def|import|from|@)[ \t(]/y;

const WORDS_BY_LETTER: Record<string, string[]> = {};
for (const w of ['try', 'except', 'finally', 'else', 'elif', 'if', 'with', 'def', 'class', 'for', 'while', 'return', 'raise', 'import', 'from', 'match', 'case', 'pass']) (WORDS_BY_LETTER[w[0] as string] ??= []).push(w);

/** The statement keyword a logical line starts with (`try`, `except`, `with`, `def`, …), or ''. */
function firstWord(masked: string, at: number): string {
  const words = WORDS_BY_LETTER[masked[at] ?? ''];
  for (const w of words ?? []) {
    if (masked.startsWith(w, at) && !isIdentChar(masked.charCodeAt(at + w.length))) {
      // `match` and `case` are soft keywords: `match = re.search(…)` and `match.group()` are plain names.
      if (w === 'match' || w === 'case') {
        let k = at + w.length;
        while (masked.charCodeAt(k) === Ch.Space || masked.charCodeAt(k) === Ch.Tab) k++;
        if ('=.,)]:;\n\r'.includes(masked[k] ?? '\n') && masked[k + 1] !== '=') return '';
      }
      return w;
    }
  }
  if (masked.startsWith('async', at) && !isIdentChar(masked.charCodeAt(at + 5))) {
    let k = at + 5;
    while (masked.charCodeAt(k) === Ch.Space || masked.charCodeAt(k) === Ch.Tab) k++;
    return masked.startsWith('def', k) ? 'def' : masked.startsWith('with', k) ? 'with' : masked.startsWith('for', k) ? 'for' : '';
  }
  return '';
}

/**
 * The logical lines as parallel arrays: thousands of them live through the whole analysis, and typed arrays keep
 * them out of the garbage collector's way.
 */
export class Lines {
  count = 0;
  start: Int32Array;
  lineStart: Int32Array;
  end: Int32Array;
  indent: Int32Array;
  parent: Int32Array;
  readonly kw: string[] = [];

  constructor(capacity: number) {
    this.start = new Int32Array(capacity);
    this.lineStart = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.indent = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
  }

  push(start: number, lineStart: number, end: number, indent: number, parent: number, kw: string): number {
    const i = this.count++;
    this.start[i] = start;
    this.lineStart[i] = lineStart;
    this.end[i] = end;
    this.indent[i] = indent;
    this.parent[i] = parent;
    this.kw.push(kw);
    return i;
  }

  startOf(i: number): number {
    return this.start[i] ?? 0;
  }

  endOf(i: number): number {
    return this.end[i] ?? 0;
  }

  indentOf(i: number): number {
    return this.indent[i] ?? 0;
  }

  parentOf(i: number): number {
    return this.parent[i] ?? -1;
  }

  kwOf(i: number): string {
    return this.kw[i] ?? '';
  }

  get(i: number): LogicalLine | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return { start: this.startOf(i), lineStart: this.lineStart[i] ?? 0, end: this.endOf(i), indent: this.indentOf(i), parent: this.parentOf(i), kw: this.kwOf(i) };
  }
}

export function logicalLines(masked: string, lineStartOffsets: number[], lineDepth: readonly number[]): Lines {
  const n = masked.length;
  const out = new Lines(lineDepth.length + 1);
  let cont = false;
  let cur = -1;
  let i = 0;
  // Depth already reset by the heuristic below (an unbalanced bracket must not swallow the rest of the file).
  let forgiven = 0;
  const stack: number[] = [];
  for (let physical = 0; i <= n; physical++) {
    lineStartOffsets.push(i);
    let depth = physical === 0 ? 0 : (lineDepth[physical - 1] ?? 0) - forgiven;
    if (depth < 0) {
      forgiven += depth;
      depth = 0;
    }
    let j = masked.indexOf('\n', i);
    if (j < 0) j = n;
    let lineEnd = j;
    if (lineEnd > i && masked.charCodeAt(lineEnd - 1) === Ch.Cr) lineEnd--;
    let k = i;
    while (k < lineEnd) {
      const c = masked.charCodeAt(k);
      if (c !== Ch.Space && c !== Ch.Tab && c !== Ch.FormFeed) break;
      k++;
    }
    const nonBlank = k < lineEnd;
    if (nonBlank && depth > 0 && k === i) {
      TOP_RESET.lastIndex = k;
      if (TOP_RESET.test(masked)) {
        forgiven += depth;
        depth = 0;
        cont = false;
      }
    }
    if (depth === 0 && !cont) {
      if (nonBlank) {
        const indent = indentWidth(masked, i, k);
        while (stack.length > 0 && out.indentOf(stack[stack.length - 1] as number) >= indent) stack.pop();
        cur = out.push(k, i, lineEnd, indent, stack.length > 0 ? (stack[stack.length - 1] as number) : -1, firstWord(masked, k));
        stack.push(cur);
      } else cur = -1;
    } else if (cur >= 0 && nonBlank) out.end[cur] = lineEnd;
    cont = lineEnd > k && masked.charCodeAt(lineEnd - 1) === Ch.Backslash;
    i = j + 1;
  }
  return out;
}

const DEF_RE = /(async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/y;
const CLASS_RE = /class[ \t]+([A-Za-z_]\w*)[ \t]*(\(([^)]*)\))?/y;
const FROM_RE = /from[ \t]+([.\w]+)[ \t]+import\b/y;
const WITH_RE = /(?:async[ \t]+)?with\b/y;
const FOR_RE = /(?:async[ \t]+)?for\b/y;
const ASSIGN_RE = /([A-Za-z_][\w.]*(?:\[[^\]\n]*\])*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:\[[^\]\n]*\])*)*[ \t]*,?|\([^)\n]*\)|\[[^\]\n]*\])[ \t]*(?::[^=\n]*)?=(?!=)/y;
const DEF_BEFORE = /(?:def|class)[ \t]+$/;
const NONE: { start: number; text: string }[] = [];
const importCache = new Map<string, [string, string][]>();
const NO_GRAD_RE = /\b(?:no_grad|inference_mode)\b/;

function normTargets(text: string): string[] {
  let t = text.trim();
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']'))) t = t.slice(1, -1);
  return splitTopLevel(t)
    .map((s) => s.replace(/\s+/g, '').replace(/^\*/, ''))
    .filter((s) => s.length > 0 && !isKeyword(s));
}

function parseImport(text: string, aliases: Map<string, string>): void {
  let pairs = importCache.get(text);
  if (!pairs) {
    const m = new Map<string, string>();
    parseImportUncached(text, m);
    pairs = [...m];
    if (importCache.size > 2000) importCache.clear();
    importCache.set(text, pairs);
  }
  for (const [k, v] of pairs) if (!(v === k && aliases.has(k))) aliases.set(k, v);
}

function parseImportUncached(text: string, aliases: Map<string, string>): void {
  const t = text.replace(/[()\\\r\n]/g, ' ').replace(/\s+/g, ' ').trim();
  let m = /^import (.+)$/.exec(t);
  if (m?.[1]) {
    for (const part of m[1].split(',')) {
      const pm = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (!pm?.[1]) continue;
      const mod = pm[1];
      if (pm[2]) aliases.set(pm[2], mod);
      else {
        const root = mod.split('.')[0] as string;
        if (!aliases.has(root)) aliases.set(root, root);
      }
    }
    return;
  }
  m = /^from ([.\w]+) import (.+)$/.exec(t);
  if (m?.[1] && m[2]) {
    const mod = m[1];
    for (const part of m[2].split(',')) {
      const pm = /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (!pm?.[1] || pm[1] === '*') continue;
      aliases.set(pm[2] ?? pm[1], `${mod}.${pm[1]}`);
    }
  }
}

export function scanCalls(masked: string): CallSite[] {
  const out: CallSite[] = [];
  for (let paren = masked.indexOf('('); paren >= 0; paren = masked.indexOf('(', paren + 1)) {
    let e = paren;
    while (e > 0 && (masked.charCodeAt(e - 1) === Ch.Space || masked.charCodeAt(e - 1) === Ch.Tab)) e--;
    let nameStart = e;
    while (nameStart > 0 && isIdentChar(masked.charCodeAt(nameStart - 1))) nameStart--;
    if (nameStart === e) continue;
    const c0 = masked.charCodeAt(nameStart);
    if (c0 >= 48 && c0 <= 57) continue;
    // The dotted chain before the name: `a.b.name(`; a chain that starts with a dot has a complex receiver.
    let start = nameStart;
    let complex = false;
    for (;;) {
      let d = start;
      while (d > 0 && (masked.charCodeAt(d - 1) === Ch.Space || masked.charCodeAt(d - 1) === Ch.Tab)) d--;
      if (d === 0 || masked.charCodeAt(d - 1) !== 46 /* . */) break;
      let q = d - 1;
      while (q > 0 && (masked.charCodeAt(q - 1) === Ch.Space || masked.charCodeAt(q - 1) === Ch.Tab)) q--;
      let b = q;
      while (b > 0 && isIdentChar(masked.charCodeAt(b - 1))) b--;
      const cb = masked.charCodeAt(b);
      if (b === q || (cb >= 48 && cb <= 57)) {
        complex = true;
        start = d - 1;
        break;
      }
      start = b;
    }
    const raw = masked.slice(start, e);
    let callee = raw.includes(' ') || raw.includes('\t') ? raw.replace(/[ \t]+/g, '') : raw;
    if (complex) callee = callee.slice(1);
    if (!complex && callee.length <= 8 && !callee.includes('.')) {
      // `if(`, `not (`, `return (`: a keyword is never followed by `.`, so only bare names are checked.
      if (isKeyword(callee)) continue;
    }
    if (!complex && start >= 4 && !callee.includes('.') && DEF_BEFORE.test(masked.slice(Math.max(0, start - 12), start))) continue;
    out.push({ start, nameStart, callee, method: masked.slice(nameStart, e), complex, paren });
  }
  return out;
}

export function scanPython(source: string): Scan {
  const { masked, strings, comments, lineDepth } = maskPython(source);
  const lineStartOffsets: number[] = [];
  const lines = logicalLines(masked, lineStartOffsets, lineDepth);
  const defs: DefInfo[] = [];
  const assigns: Assign[] = [];
  const noGradRegions: Span[] = [];
  interface Open {
    indent: number;
    def: number;
    region: number;
  }
  const stack: Open[] = [];
  let pending: { start: number; text: string }[] = [];
  let pendingIndent = -1;
  let prevEnd = 0;
  const owner = (): number => {
    for (let s = stack.length - 1; s >= 0; s--) {
      const o = stack[s] as Open;
      if (o.def >= 0) return o.def;
    }
    return -1;
  };
  for (let lineIndex = 0; lineIndex < lines.count; lineIndex++) {
    const line = { start: lines.startOf(lineIndex), end: lines.endOf(lineIndex), indent: lines.indentOf(lineIndex), kw: lines.kwOf(lineIndex) };
    while (stack.length > 0 && (stack[stack.length - 1] as Open).indent >= line.indent) {
      const o = stack.pop() as Open;
      if (o.def >= 0) (defs[o.def] as DefInfo).end = prevEnd;
      if (o.region >= 0) (noGradRegions[o.region] as Span).end = prevEnd;
    }
    const at = line.start;
    const c = masked.charCodeAt(at);
    if (c === 64 /* @ */) {
      if (pendingIndent !== line.indent) pending = [];
      pendingIndent = line.indent;
      pending.push({ start: at, text: masked.slice(at + 1, line.end).replace(/\s+/g, '') });
      prevEnd = line.end;
      continue;
    }
    const kw = line.kw;
    const decorated = pendingIndent === line.indent ? pending : NONE;
    if (kw === 'def') {
      DEF_RE.lastIndex = at;
      const m = DEF_RE.exec(masked);
      if (m) {
        const idx = defs.length;
        const decos = decorated.map((d) => d.text);
        defs.push({ kind: 'def', name: m[2] as string, start: decorated[0]?.start ?? at, headerStart: at, end: line.end, indent: line.indent, parent: owner(), decorators: decos, bases: '', isAsync: !!m[1], line: lineIndex });
        let region = -1;
        if (decos.some((d) => NO_GRAD_RE.test(d))) {
          region = noGradRegions.length;
          noGradRegions.push({ start: at, end: line.end });
        }
        stack.push({ indent: line.indent, def: idx, region });
      }
    } else if (kw === 'class') {
      CLASS_RE.lastIndex = at;
      const m = CLASS_RE.exec(masked);
      if (m) {
        const idx = defs.length;
        defs.push({ kind: 'class', name: m[1] as string, start: decorated[0]?.start ?? at, headerStart: at, end: line.end, indent: line.indent, parent: owner(), decorators: decorated.map((d) => d.text), bases: (m[3] ?? '').replace(/\s+/g, ''), isAsync: false, line: lineIndex });
        stack.push({ indent: line.indent, def: idx, region: -1 });
      }
    } else if (kw === 'with') {
      WITH_RE.lastIndex = at;
      WITH_RE.test(masked);
      const itemsStart = WITH_RE.lastIndex;
      const colon = findTopLevel(masked, itemsStart, line.end, ':');
      const headerEnd = colon < 0 ? line.end : colon;
      let items = masked.slice(itemsStart, headerEnd);
      let base = itemsStart;
      const trimmed = items.trim();
      if (trimmed.startsWith('(') && trimmed.endsWith(')') && /\bas\b/.test(trimmed)) {
        base = itemsStart + items.indexOf('(') + 1;
        items = masked.slice(base, itemsStart + items.lastIndexOf(')'));
      }
      let off = base;
      for (const item of splitTopLevel(items)) {
        const asm = /^([\s\S]*?)\bas\b([\s\S]*)$/.exec(item);
        if (asm?.[1] !== undefined && asm[2] !== undefined) {
          const exprStart = off + (asm[1].length - asm[1].trimStart().length);
          const exprEnd = off + asm[1].trimEnd().length;
          const targets = normTargets(asm[2]);
          if (targets.length > 0) assigns.push({ kind: 'with', targets, start: exprStart, rhsStart: exprStart, rhsEnd: exprEnd, owner: owner() });
        }
        off += item.length + 1;
      }
      if (NO_GRAD_RE.test(masked.slice(itemsStart, headerEnd))) {
        const region = noGradRegions.length;
        noGradRegions.push({ start: at, end: line.end });
        stack.push({ indent: line.indent, def: -1, region });
      }
    } else if (kw === 'for') {
      FOR_RE.lastIndex = at;
      FOR_RE.test(masked);
      const rest = masked.slice(FOR_RE.lastIndex, line.end);
      const fm = /^([\s\S]*?)\bin\b/.exec(rest);
      if (fm?.[1] !== undefined) {
        const rhsStart = FOR_RE.lastIndex + fm[0].length;
        const colon = findTopLevel(masked, rhsStart, line.end, ':');
        const targets = normTargets(fm[1]);
        if (targets.length > 0) assigns.push({ kind: 'for', targets, start: at, rhsStart, rhsEnd: colon < 0 ? line.end : colon, owner: owner() });
      }
    } else if (kw === '' && (isIdentStart(c) || c === Ch.LParen || c === Ch.LBrack) && hasAssignEq(masked, at, line.end)) {
      // Assignments, chained (`a = b = f()`).
      let from = at;
      const targets: string[] = [];
      for (let guard = 0; guard < 4; guard++) {
        // Most targets are one dotted name: read it without a regex match or an array.
        let e = from;
        while (e < line.end && (isIdentChar(masked.charCodeAt(e)) || masked.charCodeAt(e) === 46)) e++;
        let q = e;
        while (q < line.end && (masked.charCodeAt(q) === Ch.Space || masked.charCodeAt(q) === Ch.Tab)) q++;
        if (e > from && isIdentStart(masked.charCodeAt(from)) && masked.charCodeAt(q) === 61 && masked.charCodeAt(q + 1) !== 61) {
          const name = masked.slice(from, e);
          if (isKeyword(name)) break;
          targets.push(name);
          from = q + 1;
          while (from < line.end && (masked.charCodeAt(from) === Ch.Space || masked.charCodeAt(from) === Ch.Tab)) from++;
          continue;
        }
        ASSIGN_RE.lastIndex = from;
        const am = ASSIGN_RE.exec(masked);
        if (!am?.[1] || am.index + am[0].length > line.end) break;
        const ts = normTargets(am[1]);
        if (ts.length === 0) break;
        targets.push(...ts);
        from = am.index + am[0].length;
        while (from < line.end && (masked.charCodeAt(from) === Ch.Space || masked.charCodeAt(from) === Ch.Tab)) from++;
      }
      if (targets.length > 0) assigns.push({ kind: 'assign', targets, start: at, rhsStart: from, rhsEnd: line.end, owner: owner() });
    }
    if (pendingIndent >= 0) {
      pending = [];
      pendingIndent = -1;
    }
    prevEnd = line.end;
  }
  while (stack.length > 0) {
    const o = stack.pop() as Open;
    if (o.def >= 0) (defs[o.def] as DefInfo).end = prevEnd;
    if (o.region >= 0) (noGradRegions[o.region] as Span).end = prevEnd;
  }
  const defStarts = new Int32Array(defs.length);
  for (let i = 0; i < defs.length; i++) defStarts[i] = (defs[i] as DefInfo).headerStart;
  return { source, masked, strings, comments, lines, lineStartOffsets, defs, defStarts, assigns, calls: scanCalls(masked), imports: importsOf(masked, lines), noGradRegions, lineDepth };
}

/** The module's imports, in order: a later import of a name replaces an earlier one. */
export function importsOf(masked: string, lines: Lines): ImportInfo {
  const aliases = new Map<string, string>();
  const topLevel: LogicalLine[] = [];
  for (let i = 0; i < lines.count; i++) {
    const kw = lines.kwOf(i);
    if (kw !== 'import' && kw !== 'from') continue;
    const at = lines.startOf(i);
    FROM_RE.lastIndex = at;
    if (kw === 'from' && !FROM_RE.test(masked)) continue;
    parseImport(masked.slice(at, lines.endOf(i)), aliases);
    if (lines.indentOf(i) === 0) topLevel.push(lines.get(i) as LogicalLine);
  }
  return { aliases, topLevel };
}

/** Index of the last element whose `key` is <= offset (sorted ascending), or -1. */
export function lastAtOrBefore<T>(items: readonly T[], offset: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid] as T) <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Index of the last number <= x in an ascending array, or -1. */
export function lastNumberAtOrBefore(items: ArrayLike<number>, x: number, length = items.length): number {
  let lo = 0;
  let hi = length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((items[mid] as number) <= x) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Whether `offset` is inside one of the (sorted, disjoint) flattened [start, end, …] spans. */
export function inSpans(flat: readonly number[], offset: number): boolean {
  let lo = 0;
  let hi = (flat.length >> 1) - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((flat[2 * mid] as number) <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best >= 0 && offset < (flat[2 * best + 1] as number);
}

/** The logical line containing `offset` (or the last one before it). */
export function lineAt(scan: Scan, offset: number): LogicalLine | undefined {
  return scan.lines.get(lastNumberAtOrBefore(scan.lines.lineStart, offset, scan.lines.count));
}

/** Index of the logical line containing `offset` (or the last one before it), or -1. */
export function lineIndexAt(scan: Scan, offset: number): number {
  return lastNumberAtOrBefore(scan.lines.lineStart, offset, scan.lines.count);
}

/** Innermost def (function or class) whose range contains `offset`, or -1. */
export function defAt(scan: Scan, offset: number): number {
  let i = lastNumberAtOrBefore(scan.defStarts, offset);
  while (i >= 0) {
    const d = scan.defs[i] as DefInfo;
    if (offset >= d.headerStart && offset <= d.end) return i;
    i = d.parent;
  }
  return -1;
}

/**
 * Where each top-level statement starts: a def or class with its decorators, an if/try with its else/except/finally,
 * any other statement, each with the comments and blank lines after it; the first one starts at 0.
 */
export function topLevelStarts(scan: Scan): number[] {
  const lines = scan.lines;
  const starts: number[] = [];
  let decorator = false;
  for (let i = 0; i < lines.count; i++) {
    if (lines.parentOf(i) !== -1) continue;
    const at = lines.startOf(i);
    if (!decorator && !CONTINUATION.has(lines.kwOf(i))) starts.push(lines.lineStart[i] ?? at);
    decorator = scan.masked.charCodeAt(at) === 64; // '@'
  }
  if (starts.length === 0) starts.push(0);
  starts[0] = 0;
  return starts;
}

const CONTINUATION = new Set(['else', 'elif', 'except', 'finally']);

/** Innermost function (not class) containing `offset`, or -1 for module level. */
export function functionAt(scan: Scan, offset: number): number {
  let i = defAt(scan, offset);
  while (i >= 0 && (scan.defs[i] as DefInfo).kind !== 'def') i = (scan.defs[i] as DefInfo).parent;
  return i;
}

/** Innermost class containing `offset`, or -1. */
export function classAt(scan: Scan, offset: number): number {
  let i = defAt(scan, offset);
  while (i >= 0 && (scan.defs[i] as DefInfo).kind !== 'class') i = (scan.defs[i] as DefInfo).parent;
  return i;
}

/** The bracket closing the one at `open` (any of `([{`), before `limit`; -1 when none does. */
export function matchParen(masked: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < Math.min(limit, masked.length); i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
