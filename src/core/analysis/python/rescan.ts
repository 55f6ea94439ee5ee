// The text scan of a Python module after an edit, from the scan before it: the top-level statements the edit touched
// are scanned again on their own and spliced between the old results before and after them (offsets and indices
// shifted). That gives what `scanPython` gives for the whole text when the scan enters and leaves the rescanned
// statements in its plain state (no open bracket, string or line continuation, no decorator waiting for its def);
// otherwise, or when the edit's statements cannot be told apart, the whole text is scanned. A test holds the result
// equal to a fresh scan after random edits.
import { changedSpan } from '../../util/diff';
import { type Assign, type CallSite, type DefInfo, importsOf, lastAtOrBefore, lastNumberAtOrBefore, Lines, type Scan, scanPython, type Span, topLevelStarts } from './scan';

const NL = 10;
const CR = 13;
const BACKSLASH = 92;
const AT = 64;

/** The scan of `source`, reusing `prev` (the scan of the text before the edit) outside the edited statements. */
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

/** Flattened spans: those before `a`, the middle's shifted by `a`, those from `b` shifted by `delta`. */
function spliceFlat(before: readonly number[], middle: readonly number[], a: number, b: number, delta: number): number[] {
  // No span crosses `a` or `b` (`plainAt`), so the first value at or after each is a start (or there is none).
  const lo = firstFrom(before, a, (x) => x);
  const hi = firstFrom(before, b, (x) => x);
  const out = before.slice(0, lo);
  for (const x of middle) out.push(x + a);
  for (let i = hi; i < before.length; i++) out.push((before[i] as number) + delta);
  return out;
}

/** Logical lines: the old ones before `lineA`, the middle's (shifted by `a`), the old ones from `lineB` (by `delta`). */
function spliceLines(pl: Lines, ml: Lines, lineA: number, lineB: number, a: number, delta: number): Lines {
  const count = lineA + ml.count + pl.count - lineB;
  const out = new Lines(count);
  const lineShift = lineA + ml.count - lineB;
  const fields = ['start', 'lineStart', 'end', 'indent', 'parent'] as const;
  for (const f of fields) {
    const to = out[f];
    to.set(pl[f].subarray(0, lineA));
    to.set(ml[f].subarray(0, ml.count), lineA);
    to.set(pl[f].subarray(lineB, pl.count), lineA + ml.count);
    if (f === 'indent') continue;
    const isParent = f === 'parent';
    for (let i = lineA; i < count; i++) {
      const v = to[i] as number;
      if (isParent) to[i] = v < 0 ? v : v + (i < lineA + ml.count ? lineA : lineShift);
      else to[i] = v + (i < lineA + ml.count ? a : delta);
    }
  }
  out.count = count;
  out.kw.push(...pl.kw.slice(0, lineA), ...ml.kw.slice(0, ml.count), ...pl.kw.slice(lineB, pl.count));
  return out;
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

  const lineStartOffsets = prev.lineStartOffsets.slice(0, rowA);
  // The middle's last entry is its end: the first row after it (or the end of the text).
  const midRows = b < prev.source.length ? mid.lineStartOffsets.length - 1 : mid.lineStartOffsets.length;
  for (let i = 0; i < midRows; i++) lineStartOffsets.push((mid.lineStartOffsets[i] as number) + a);
  for (let i = rowB; i < prev.lineStartOffsets.length; i++) lineStartOffsets.push((prev.lineStartOffsets[i] as number) + delta);
  const lineDepth = [...prev.lineDepth.slice(0, rowA), ...mid.lineDepth, ...prev.lineDepth.slice(rowB)];

  const lines = spliceLines(pl, mid.lines, lineA, lineB, a, delta);

  // Each list: the old items before the middle, the middle's and the old ones after it, those two moved (a new object
  // each: the old scan stays as it was). Written out as literals and loops: most of a long file lies after an edit.
  const def = (d: DefInfo, by: number, index: number, line: number): DefInfo => ({ kind: d.kind, name: d.name, start: d.start + by, headerStart: d.headerStart + by, end: d.end + by, indent: d.indent, parent: d.parent < 0 ? d.parent : d.parent + index, decorators: d.decorators, bases: d.bases, isAsync: d.isAsync, line: d.line + line });
  const defs = prev.defs.slice(0, defA);
  for (const d of mid.defs) defs.push(def(d, a, defA, lineA));
  for (let i = defB; i < prev.defs.length; i++) defs.push(def(prev.defs[i] as DefInfo, delta, defShift, lineShift));
  const defStarts = new Int32Array(defs.length);
  for (let i = 0; i < defs.length; i++) defStarts[i] = (defs[i] as DefInfo).headerStart;

  const assign = (x: Assign, by: number, index: number): Assign => ({ kind: x.kind, targets: x.targets, start: x.start + by, rhsStart: x.rhsStart + by, rhsEnd: x.rhsEnd + by, owner: x.owner < 0 ? x.owner : x.owner + index });
  const assigns = prev.assigns.slice(0, assignA);
  for (const x of mid.assigns) assigns.push(assign(x, a, defA));
  for (let i = assignB; i < prev.assigns.length; i++) assigns.push(assign(prev.assigns[i] as Assign, delta, defShift));
  const call = (c: CallSite, by: number): CallSite => ({ start: c.start + by, nameStart: c.nameStart + by, callee: c.callee, method: c.method, complex: c.complex, paren: c.paren + by });
  const calls = prev.calls.slice(0, callA);
  for (const c of mid.calls) calls.push(call(c, a));
  for (let i = callB; i < prev.calls.length; i++) calls.push(call(prev.calls[i] as CallSite, delta));
  const region = (r: Span, by: number): Span => ({ start: r.start + by, end: r.end + by });
  const noGradRegions = [...prev.noGradRegions.slice(0, regionA), ...mid.noGradRegions.map((r) => region(r, a)), ...prev.noGradRegions.slice(regionB).map((r) => region(r, delta))];

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
    imports: importsOf(masked, lines),
    noGradRegions,
    lineDepth,
    rescanned: { start: a, end: b + delta },
  };
}
