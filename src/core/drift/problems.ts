// Problems found while reading data, kept as counts and first lines per kind until the end, so that the parts of a
// file read in parallel can be added up before the messages are written.
import type { ColumnProfile, ProfileProblem, SemanticType } from '../../shared/drift';
import { groupDigits } from '../formats/randomAccess';
import { MAX_RECORD_BYTES } from '../formats/csvBytes';

export type ReaderProblemKind = 'ragged' | 'long-record' | 'long-line' | 'unterminated-quote' | 'after-quote' | 'invalid-json' | 'not-object';

export interface ReaderProblem {
  kind: ReaderProblemKind;
  count: number;
  /** The first few lines, ascending. */
  lines: number[];
  /** The first occurrence's detail (e.g. the JSON parser's message). */
  note?: string;
}

const MAX_LINES = 5;

export class ProblemLog {
  private readonly kinds = new Map<ReaderProblemKind, ReaderProblem>();

  add(kind: ReaderProblemKind, line: number, note?: string): void {
    const p = this.kinds.get(kind) ?? { kind, count: 0, lines: [] };
    p.count++;
    if (p.lines.length < MAX_LINES) p.lines.push(line);
    if (note !== undefined && p.note === undefined) p.note = note;
    this.kinds.set(kind, p);
  }

  /** Adds problems found by another reader of the same file (lines already absolute). */
  mergeFrom(list: readonly ReaderProblem[]): void {
    for (const q of list) {
      const p = this.kinds.get(q.kind);
      if (!p) {
        this.kinds.set(q.kind, { ...q, lines: [...q.lines] });
        continue;
      }
      p.count += q.count;
      p.lines = [...p.lines, ...q.lines].sort((a, b) => a - b).slice(0, MAX_LINES);
      if (p.note === undefined && q.note !== undefined) p.note = q.note;
    }
  }

  /** Moves every line number by `delta` (a part read from the middle of a file counted lines from 1). */
  shift(delta: number): void {
    for (const p of this.kinds.values()) p.lines = p.lines.map((l) => l + delta);
  }

  entries(): ReaderProblem[] {
    return [...this.kinds.values()];
  }
}

/** "lines 4, 9, 12 and 2 more" */
function linesText(count: number, lines: number[]): string {
  const shown = lines.map((l) => groupDigits(l)).join(', ');
  const more = count > lines.length ? ` and ${groupDigits(count - lines.length)} more` : '';
  return `line${lines.length === 1 && count === 1 ? '' : 's'} ${shown}${more}`;
}

export interface ProblemContext {
  /** Fields of the header (CSV/TSV). */
  width: number;
  /** CSV, TSV, … */
  label: string;
}

const MIB = MAX_RECORD_BYTES / 1024 / 1024;

export function renderReaderProblem(p: ReaderProblem, ctx: ProblemContext): ProfileProblem {
  const n = p.count;
  const at = linesText(n, p.lines);
  const s = n === 1 ? '' : 's';
  let message: string;
  switch (p.kind) {
    case 'ragged':
      message = `${groupDigits(n)} row${n === 1 ? ' has' : 's have'} a different number of fields than the header's ${ctx.width} (${at}); skipped`;
      break;
    case 'long-record':
      message = `${groupDigits(n)} record${s} longer than ${MIB} MiB skipped (${at}) — is a quote left open, or is this not a ${ctx.label} file?`;
      break;
    case 'long-line':
      message = `${groupDigits(n)} line${s} longer than ${MIB} MiB skipped (${at})`;
      break;
    case 'unterminated-quote':
      message = `a quoted field opened at line ${groupDigits(p.lines[0] ?? 0)} is never closed: the rest of the file was read as one field`;
      break;
    case 'after-quote':
      message = `text after a closing quote in ${groupDigits(n)} field${s} (${at}); the text was left out`;
      break;
    case 'invalid-json':
      message = `${groupDigits(n)} line${n === 1 ? ' is' : 's are'} not valid JSON (${at}; first: ${p.note ?? '?'}); skipped`;
      break;
    case 'not-object':
      message = `${groupDigits(n)} line${n === 1 ? ' is' : 's are'} JSON but not an object (${at}); skipped`;
      break;
  }
  const out: ProfileProblem = { message, count: n };
  if (p.lines[0] !== undefined) out.line = p.lines[0];
  return out;
}

/** What the values of a column of this type must be: "numbers", "dates", "true/false". */
export function valueKindOf(type: SemanticType): string {
  return type === 'numeric' ? 'numbers' : type === 'datetime' ? 'dates' : type === 'boolean' ? 'true/false' : type;
}

/** What a finished column says about its own data: values of the wrong type, bad UTF-8, nothing but missing values. */
export function columnProblems(c: ColumnProfile, rows: number): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  if (c.badUtf8) {
    const n = c.badUtf8.count;
    out.push({ line: c.badUtf8.line, count: n, message: `column "${c.name}": ${n} value${n === 1 ? '' : 's'} with invalid UTF-8 bytes (shown as �), first at line ${c.badUtf8.line} — re-save the file as UTF-8` });
  }
  if (c.invalid) {
    const first = c.invalidExamples?.[0];
    const valid = c.count - c.missing - c.invalid;
    const what = valueKindOf(c.type);
    const advice = c.invalid > valid ? ` — most values are not ${what}: set drift.columns.${c.name}.type in mlship.yaml` : '';
    const p: ProfileProblem = { count: c.invalid, message: `column "${c.name}": ${c.invalid} value${c.invalid === 1 ? ' is' : 's are'} not ${what} (first at line ${first?.line ?? '?'}: ${JSON.stringify(first?.value ?? '')}); left out of its statistics${advice}` };
    if (first) p.line = first.line;
    out.push(p);
  }
  if (c.type === 'empty' && rows > 0) out.push({ message: `column "${c.name}": every value is missing (${groupDigits(rows)} rows)` });
  return out;
}
