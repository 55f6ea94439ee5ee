// Text helpers shared by analyzers and quick fixes: offsets ↔ positions, applying edits, indentation.
import type { Position, Range, TextEdit } from './types';

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

/** The file's indentation unit: a tab when most indented lines start with one, else the smallest non-zero run of leading spaces (default 4 for Python, 2 for JS). */
export function indentUnit(source: string, fallback: string): string {
  let min = Infinity;
  // Lines of white space alone say nothing (an editor leaves a tab on a blank line of a file indented with spaces);
  // tabs win only when more lines are indented with them than with spaces.
  let tabbed = 0;
  let spaced = 0;
  for (const line of source.split('\n')) {
    if (/^\t+[^\s]/.test(line)) tabbed++;
    const n = /^( +)\S/.exec(line)?.[1]?.length;
    if (n) {
      spaced++;
      if (n < min) min = n;
    }
  }
  if (tabbed > spaced) return '\t';
  return Number.isFinite(min) ? ' '.repeat(min) : fallback;
}

export function rangeOf(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** The file's line ending. */
export function eolOf(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}
