// The text scan of a Python module after an edit, from the scan before it: the top-level statements the edit touched
// are scanned again on their own and spliced between the old results before and after them, offsets and indices
// shifted in place (the old scan's lists and items are taken over, not copied: what lies after an edit is moved, no
// new object each; the old scan is not to be read afterwards). That gives what `scanPython` gives for the whole text
// when the scan enters and leaves the rescanned statements in its plain state (no open bracket, string or line
// continuation, no decorator waiting for its def); otherwise, or when the edit's statements cannot be told apart, the
// whole text is scanned. A test holds the result equal to a fresh scan after random edits.
import { changedSpan } from '../../util/diff';
import { type Assign, type CallSite, type DefInfo, type ImportInfo, importsOf, lastAtOrBefore, lastNumberAtOrBefore, type Lines, type Scan, scanPython, type Span, topLevelStarts } from './scan';

const NL = 10;
const CR = 13;
const BACKSLASH = 92;
const AT = 64;

/**
 * The scan of `source`, reusing `prev` (the scan of the text before the edit) outside the edited statements. When it
 * splices, `prev` is taken over (its lists are changed in place): the caller reads only the scan returned.
 */
export function rescanPython(prev: Scan, source: string): Scan {
  const old = prev.source;
  if (old === source) return prev;
  const { head: p, tail: s } = changedSpan(old, source);
  const delta = source.length - old.length;
  const starts = topLevelStarts(prev);
  // From the statement before the first changed character (an edit at a statement's first column can join it to the
  // one before), to the end of the statement holding the last changed one.
  const first = Math.max(0, lastNumberAtOrBefore(starts, Math.max(0, p - 1)));
  const last = Math.max(0, lastNumberAtOrBefore(starts, old.length - s));
  const a = starts[first] as number;
  const b = last + 1 < starts.length ? (starts[last + 1] as number) : old.length;
  if (!plainAt(prev, a) || (b < old.length && !plainAt(prev, b))) return scanPython(source);
  const mid = scanPython(source.slice(a, b + delta));
  if (b < old.length && !endsPlain(mid)) return scanPython(source);
  return splice(prev, mid, source, a, b, delta);
}

/** Whether the scan is in its plain state at `offset`, the start of a line at indent 0 (outside strings and brackets). */
function plainAt(scan: Scan, offset: number): boolean {
  if (offset === 0) return true;
  const c = scan.source.charCodeAt(offset);
  if (c === 32 || c === 9 || c === 12 || scan.masked.charCodeAt(offset - 1) !== NL) return false;
  const row = lastNumberAtOrBefore(scan.lineStartOffsets, offset);
  if (scan.lineStartOffsets[row] !== offset || scan.lineDepth[row - 1] !== 0) return false;
  if (insideSpan(scan.strings, offset)) return false;
  let e = offset - 1;
  if (scan.masked.charCodeAt(e - 1) === CR) e--;
  return scan.masked.charCodeAt(e - 1) !== BACKSLASH;
}

/** Some flattened [start, end) span holds `offset` strictly inside. */
function insideSpan(flat: readonly number[], offset: number): boolean {
  const k = lastNumberAtOrBefore(flat, offset - 1);
  // An even index is a start: `offset` lies after it and before its end.
  return k >= 0 && k % 2 === 0 && offset < (flat[k + 1] as number);
}

/** Whether a scan of a text ending in a line break ends in the plain state (what follows it is scanned alike). */
function endsPlain(scan: Scan): boolean {
  const n = scan.source.length;
  if (n === 0) return true;
  if (scan.source.charCodeAt(n - 1) !== NL || scan.lineDepth[scan.lineDepth.length - 1] !== 0) return false;
  // A string running to the end was left open.
  if (scan.strings.length > 0 && scan.strings[scan.strings.length - 1] === n) return false;
  let e = n - 1;
  if (scan.masked.charCodeAt(e - 1) === CR) e--;
  if (scan.masked.charCodeAt(e - 1) === BACKSLASH) return false;
  const lines = scan.lines;
  return lines.count === 0 || scan.masked.charCodeAt(lines.startOf(lines.count - 1)) !== AT || lines.indentOf(lines.count - 1) !== 0;
}

/** First index whose `key` is >= offset (the keys ascend; offsets are whole numbers). */
function firstFrom<T>(items: readonly T[], offset: number, key: (t: T) => number): number {
  return lastAtOrBefore(items, offset - 1, key) + 1;
}

/**
 * Flattened spans in place: those before `a` kept, the middle's shifted by `a`, those from `b` shifted by `delta`.
 */
function spliceFlat(flat: number[], middle: readonly number[], a: number, b: number, delta: number): number[] {
  // No span crosses `a` or `b` (`plainAt`), so the first value at or after each is a start (or there is none).
  const lo = firstFrom(flat, a, (x) => x);
  const hi = firstFrom(flat, b, (x) => x);
  replaceRange(flat, lo, hi, middle.length);
  for (let i = 0; i < middle.length; i++) flat[lo + i] = (middle[i] as number) + a;
  for (let i = lo + middle.length; i < flat.length; i++) flat[i] = (flat[i] as number) + delta;
  return flat;
}

/** Replaces `list[from, to)` by `count` slots (filled by the caller), moving what follows: no copy of the list. */
function replaceRange<T>(list: T[], from: number, to: number, count: number): void {
  const removed = to - from;
  if (count === removed) return;
  const n = list.length;
  if (count > removed) {
    const grow = count - removed;
    // Grown by pushing (a list whose length is set gets holes, and every later read checks for them).
    for (let k = 0; k < grow; k++) list.push(list[0] as T);
    list.copyWithin(to + grow, to, n);
  } else {
    list.copyWithin(from + count, to, n);
    list.length = n - (removed - count);
  }
}

/**
 * `list` with `list[from, to)` replaced by the middle's items, in place: each middle item placed as `fromMiddle` makes
 * it, and each item after them (the old ones from `to`, moved) changed by `after`.
 */
function spliceItems<T>(list: T[], from: number, to: number, middle: readonly T[], fromMiddle: (t: T) => T, after: (t: T) => void): T[] {
  replaceRange(list, from, to, middle.length);
  for (let i = 0; i < middle.length; i++) list[from + i] = fromMiddle(middle[i] as T);
  for (let i = from + middle.length; i < list.length; i++) after(list[i] as T);
  return list;
}

/** A typed array holding at least `count` values, the first `keep` of `arr` kept (`arr` itself when it is large enough). */
function withCapacity(arr: Int32Array, count: number, keep: number): Int32Array {
  if (arr.length >= count) return arr;
  const out = new Int32Array(Math.ceil(count * 1.25) + 16);
  out.set(arr.subarray(0, keep));
  return out;
}

/** Logical lines in place: the old ones before `lineA`, the middle's (shifted by `a`), the old ones from `lineB` (by `delta`). */
function spliceLines(pl: Lines, ml: Lines, lineA: number, lineB: number, a: number, delta: number): Lines {
  const count = lineA + ml.count + pl.count - lineB;
  const lineShift = lineA + ml.count - lineB;
  const after = lineA + ml.count;
  const fields = ['start', 'lineStart', 'end', 'indent', 'parent'] as const;
  for (const f of fields) {
    const to = withCapacity(pl[f], count, pl.count);
    to.copyWithin(after, lineB, pl.count);
    to.set(ml[f].subarray(0, ml.count), lineA);
    pl[f] = to;
    if (f === 'indent') continue;
    if (f === 'parent') {
      for (let i = lineA; i < after; i++) if ((to[i] as number) >= 0) to[i] = (to[i] as number) + lineA;
      for (let i = after; i < count; i++) if ((to[i] as number) >= 0) to[i] = (to[i] as number) + lineShift;
    } else {
      for (let i = lineA; i < after; i++) to[i] = (to[i] as number) + a;
      for (let i = after; i < count; i++) to[i] = (to[i] as number) + delta;
    }
  }
  pl.kw.splice(lineA, lineB - lineA, ...ml.kw.slice(0, ml.count));
  pl.count = count;
  return pl;
}

/** Whether logical lines `[from, to)` hold an import (`import …` or `from … import …`, at any depth). */
function hasImportLine(lines: Lines, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const kw = lines.kwOf(i);
    if (kw === 'import' || kw === 'from') return true;
  }
  return false;
}

/** The imports of the text before an edit that touched no import line: the same names, the lines from `b` moved by `delta`. */
function movedImports(imports: ImportInfo, b: number, delta: number): ImportInfo {
  if (delta === 0) return imports;
  const topLevel = imports.topLevel.map((l) => (l.start < b ? l : { ...l, start: l.start + delta, lineStart: l.lineStart + delta, end: l.end + delta }));
  return { aliases: imports.aliases, topLevel };
}

function splice(prev: Scan, mid: Scan, source: string, a: number, b: number, delta: number): Scan {
  // Rows (physical lines), logical lines, defs, assignments, calls and regions before `a` and from `b`.
  const rowA = lastNumberAtOrBefore(prev.lineStartOffsets, a);
  const rowB = b < prev.source.length ? lastNumberAtOrBefore(prev.lineStartOffsets, b) : prev.lineStartOffsets.length;
  const pl = prev.lines;
  const lineA = lastNumberAtOrBefore(pl.lineStart, a - 1, pl.count) + 1;
  const lineB = lastNumberAtOrBefore(pl.lineStart, b - 1, pl.count) + 1;
  const defA = firstFrom(prev.defs, a, (d) => d.headerStart);
  const defB = firstFrom(prev.defs, b, (d) => d.headerStart);
  const assignA = firstFrom(prev.assigns, a, (x) => x.start);
  const assignB = firstFrom(prev.assigns, b, (x) => x.start);
  const callA = firstFrom(prev.calls, a, (c) => c.paren);
  const callB = firstFrom(prev.calls, b, (c) => c.paren);
  const regionA = firstFrom(prev.noGradRegions, a, (r) => r.start);
  const regionB = firstFrom(prev.noGradRegions, b, (r) => r.start);
  // Index shifts of what comes from the middle and from after it.
  const lineShift = lineA + mid.lines.count - lineB;
  const defShift = defA + mid.defs.length - defB;
  const masked = prev.masked.slice(0, a) + mid.masked + prev.masked.slice(b);
  // Where the old spans after the middle begin (a span left open at the end of the text runs up to it).
  const end = b < prev.source.length ? b : Infinity;

  // The middle's last entry is its end: the first row after it (or the end of the text).
  const midRows = b < prev.source.length ? mid.lineStartOffsets.length - 1 : mid.lineStartOffsets.length;
  const lineStartOffsets = prev.lineStartOffsets;
  replaceRange(lineStartOffsets, rowA, rowB, midRows);
  for (let i = 0; i < midRows; i++) lineStartOffsets[rowA + i] = (mid.lineStartOffsets[i] as number) + a;
  for (let i = rowA + midRows; i < lineStartOffsets.length; i++) lineStartOffsets[i] = (lineStartOffsets[i] as number) + delta;
  // One depth per line break: an edit running to the end of the text replaces all of them from `rowA` on (`rowB` is
  // then the row count, one more than there are line breaks).
  const lineDepth = prev.lineDepth;
  replaceRange(lineDepth, rowA, Math.min(rowB, lineDepth.length), mid.lineDepth.length);
  for (let i = 0; i < mid.lineDepth.length; i++) lineDepth[rowA + i] = mid.lineDepth[i] as number;

  // The imports change only when an import line was taken out or put in; otherwise the old ones are kept (those
  // after the edit moved), not read again from every line of the file.
  const reimport = hasImportLine(pl, lineA, lineB) || hasImportLine(mid.lines, 0, mid.lines.count);
  const lines = spliceLines(pl, mid.lines, lineA, lineB, a, delta);

  // Each list, in place: the old items before the middle, the middle's and the old ones after it, those two moved.
  // Most of a long file lies after an edit: its items are shifted where they are, not copied.
  const moveDef = (d: DefInfo, by: number, index: number, line: number): DefInfo => {
    d.start += by;
    d.headerStart += by;
    d.end += by;
    if (d.parent >= 0) d.parent += index;
    d.line += line;
    return d;
  };
  const defs = spliceItems(prev.defs, defA, defB, mid.defs, (d) => moveDef(d, a, defA, lineA), (d) => moveDef(d, delta, defShift, lineShift));
  const defStarts = prev.defStarts.length === defs.length ? prev.defStarts : new Int32Array(defs.length);
  for (let i = defA; i < defs.length; i++) defStarts[i] = (defs[i] as DefInfo).headerStart;
  if (defStarts !== prev.defStarts) for (let i = 0; i < defA; i++) defStarts[i] = (defs[i] as DefInfo).headerStart;

  const moveAssign = (x: Assign, by: number, index: number): Assign => {
    x.start += by;
    x.rhsStart += by;
    x.rhsEnd += by;
    if (x.owner >= 0) x.owner += index;
    return x;
  };
  const assigns = spliceItems(prev.assigns, assignA, assignB, mid.assigns, (x) => moveAssign(x, a, defA), (x) => moveAssign(x, delta, defShift));
  const moveCall = (c: CallSite, by: number): CallSite => {
    c.start += by;
    c.nameStart += by;
    c.paren += by;
    return c;
  };
  const calls = spliceItems(prev.calls, callA, callB, mid.calls, (c) => moveCall(c, a), (c) => moveCall(c, delta));
  const moveRegion = (r: Span, by: number): Span => {
    r.start += by;
    r.end += by;
    return r;
  };
  const noGradRegions = spliceItems(prev.noGradRegions, regionA, regionB, mid.noGradRegions, (r) => moveRegion(r, a), (r) => moveRegion(r, delta));

  return {
    source,
    masked,
    strings: spliceFlat(prev.strings, mid.strings, a, end, delta),
    comments: spliceFlat(prev.comments, mid.comments, a, end, delta),
    lines,
    lineStartOffsets,
    defs,
    defStarts,
    assigns,
    calls,
    imports: reimport ? importsOf(masked, lines) : movedImports(prev.imports, b, delta),
    noGradRegions,
    lineDepth,
    rescanned: { start: a, end: b + delta },
  };
}
