// Text helpers shared by analyzers and quick fixes: offsets ↔ positions, applying edits, indentation.
import type { Position, Range, TextEdit } from './types';

/**
 * Where each code cell starts in the text a notebook fix works on (a comment line of its own, with the cell's place;
 * see notebook.ts): the Python fixes keep no distance from it.
 */
export const CELL_MARK = '#mlship:cell:';

export function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function offsetAt(source: string, pos: Position, starts = lineStarts(source)): number {
  const lineStart = starts[Math.min(pos.line, starts.length - 1)] ?? 0;
  return Math.min(lineStart + pos.character, source.length);
}

/** Applies non-overlapping edits (any order) and returns the new text. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(source);
  const sorted = edits
    .map((e) => ({ from: offsetAt(source, e.range.start, starts), to: offsetAt(source, e.range.end, starts), text: e.newText }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = source;
  let lastFrom = Infinity;
  for (const e of sorted) {
    if (e.to > lastFrom) throw new Error('Overlapping edits');
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
    lastFrom = e.from;
  }
  return out;
}

/** Leading whitespace of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/**
 * The file's indentation unit, read from its blocks: how much deeper than a line ending with `opener` (`:` in Python,
 * `{` in JavaScript) the next line is, the most frequent of those (a tab or a run of spaces); a file with no block
 * gets `fallback` (4 spaces for Python, 2 for JS), whatever its continuation lines are indented by.
 */
export function indentUnit(source: string, fallback: string, opener: string): string {
  const lines = source.split('\n');
  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length - 1; i++) {
    const head = (lines[i] as string).trimEnd();
    if (!head.endsWith(opener)) continue;
    let j = i + 1;
    while (j < lines.length && (lines[j] as string).trim() === '') j++;
    if (j >= lines.length) break;
    const outer = indentOf(head);
    const inner = indentOf(lines[j] as string);
    if (inner.length <= outer.length || !inner.startsWith(outer)) continue;
    const unit = inner.slice(outer.length);
    if (unit === '\t' || /^ +$/.test(unit)) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  }
  let best = fallback;
  let most = 0;
  for (const [unit, n] of counts) if (n > most || (n === most && unit.length < best.length)) [best, most] = [unit, n];
  return best;
}

export function rangeOf(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** The file's line ending. */
export function eolOf(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}
