// Jupyter notebooks: the Python code cells are analyzed as one program (imports in one cell, predict calls in another)
// and findings are mapped back to their cell.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { applyEdits, CELL_MARK } from './edits';
import type { AnalysisConfig, CodeFix, Finding, PredictCall, Range, SourceContext } from './types';
import { analyzeSource } from './engine';

export interface NotebookCell {
  /** Cell index in the notebook (or any id the caller uses). */
  id: string;
  source: string;
}

export interface CellResult {
  id: string;
  findings: Finding[];
  calls: PredictCall[];
}

/** Python source of an .ipynb file's code cells (`source` may be a string or a list of lines). */
export function notebookCodeCells(ipynbText: string): NotebookCell[] {
  const nb = JSON.parse(ipynbText) as { cells?: { cell_type?: string; source?: string | string[] }[]; metadata?: { kernelspec?: { language?: string } } };
  const lang = nb.metadata?.kernelspec?.language;
  if (lang && lang !== 'python') return [];
  return (nb.cells ?? []).flatMap((c, i) => (c.cell_type === 'code' ? [{ id: String(i), source: Array.isArray(c.source) ? c.source.join('') : (c.source ?? '') }] : []));
}

export function analyzeNotebook(cells: NotebookCell[], config: AnalysisConfig, context: SourceContext = {}): CellResult[] {
  // Lines starting with % or ! are IPython magics; blank them so the Python grammar does not trip on them.
  const starts: number[] = [];
  let line = 0;
  const parts = cells.map((c) => {
    starts.push(line);
    const text = c.source.split('\n').map((l, i, all) => (isMagic(l, i, all) ? '' : l)).join('\n');
    line += text.split('\n').length;
    return text;
  });
  const { result } = analyzeSource(parts.join('\n'), 'python', config, undefined, context);
  const cellOf = (l: number) => {
    let i = starts.length - 1;
    while (i > 0 && (starts[i] as number) > l) i--;
    return i;
  };
  const shift = (r: Range, by: number): Range => ({ start: { line: r.start.line - by, character: r.start.character }, end: { line: r.end.line - by, character: r.end.character } });
  const out: CellResult[] = cells.map((c) => ({ id: c.id, findings: [], calls: [] }));
  const localIndex: number[] = [];
  result.calls.forEach((call) => {
    const i = cellOf(call.range.start.line);
    const cell = out[i] as CellResult;
    localIndex.push(cell.calls.length);
    cell.calls.push({ ...call, range: shift(call.range, starts[i] as number) });
  });
  for (const f of result.findings) {
    const i = cellOf(f.range.start.line);
    const moved: Finding = { ...f, range: shift(f.range, starts[i] as number) };
    if (f.callIndex !== undefined) moved.callIndex = localIndex[f.callIndex];
    out[i]?.findings.push(moved);
  }
  return out;
}

/** Cell magics whose body the kernel runs as Python (`%%time`); the body of any other (`%%bash`, `%%writefile`) is not. */
const PYTHON_CELL_MAGICS = /^%%(?:time|timeit|capture|prun)\b/;

/**
 * Whether line `i` of a cell (`lines`) is not kernel Python: an IPython line magic or shell escape (`%matplotlib`,
 * `!pip install x`), or any line of a cell that starts with a cell magic other than those in PYTHON_CELL_MAGICS.
 */
function isMagic(line: string, i: number, lines: readonly string[]): boolean {
  if (/^\s*[%!]/.test(line)) return true;
  const first = lines.find((l) => l.trim() !== '') ?? '';
  return i > 0 && /^\s*%%/.test(first) && !PYTHON_CELL_MAGICS.test(first.trim());
}

/** Stands for an IPython magic or shell line (`%matplotlib inline`, `!pip install x`) in that text. */
const MAGIC_MARK = '#mlship:magic:';
const MARK_LINE = /^#mlship:cell:(\d+)$/;
const MAGIC_LINE = /^(\s*)#mlship:magic:(\d+)$/;

export interface NotebookFix {
  /** The notebook with the fixes written into its cells' sources; every other byte as it was. */
  text: string;
  count: number;
  /** Whether fixes were left out: they would reach across cells (a try around code of later cells) or move a magic. */
  refused: boolean;
}

/** The file-level fix-all (`fixAllText`), given the cells as one program and a test each fix's text must pass. */
export type ProgramFixer = (program: string, accept: (text: string) => boolean) => { text: string; count: number };

/**
 * Applies every fix-all-safe fix to a notebook's Python code cells (`fix`: the file-level fix-all, given the cells as one
 * program), and writes the changed cells back into the notebook's JSON: only their `source` values change, as lists of
 * lines as Jupyter writes them. Throws on a notebook that is not JSON.
 */
export function fixNotebook(ipynbText: string, fix: ProgramFixer): NotebookFix {
  const cells = notebookCodeCells(ipynbText);
  if (cells.length === 0) return { text: ipynbText, count: 0, refused: false };
  const { cells: changed, count, refused } = fixNotebookCells(cells, fix);
  if (count === 0) return { text: ipynbText, count: 0, refused };
  // The changed cells' `source` values, replaced last to first so that earlier offsets stay valid.
  const tree = parseTree(ipynbText);
  if (!tree) throw new Error('not a JSON document');
  const edits: { offset: number; length: number; text: string }[] = [];
  for (const [id, body] of changed) {
    const node = findNodeAtLocation(tree, ['cells', Number(id), 'source']);
    if (!node) throw new Error(`cell ${id} has no source`);
    edits.push({ offset: node.offset, length: node.length, text: node.type === 'string' ? JSON.stringify(body) : sourceList(ipynbText, node.offset, body) });
  }
  let text = ipynbText;
  for (const e of edits.sort((a, b) => b.offset - a.offset)) text = text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
  return { text, count, refused };
}

/**
 * The code cells as one program to fix: each cell after a mark line of its own, IPython magics as placeholder comments
 * (`magics`, by number); `starts`: the line of each cell's mark.
 */
function programOf(cells: readonly NotebookCell[]): { program: string; magics: Magic[]; starts: number[] } {
  const magics: Magic[] = [];
  const starts: number[] = [];
  let line = 0;
  const program = cells
    .map((c, k) => {
      const lines = c.source.split('\n').map((l, i, all) => {
        if (!isMagic(l, i, all)) return l;
        const indent = /^\s*/.exec(l)?.[0] ?? '';
        return `${indent}${MAGIC_MARK}${magics.push({ indent, text: l.slice(indent.length) }) - 1}`;
      });
      starts.push(line);
      line += lines.length + 1;
      return `${CELL_MARK}${k}\n${lines.join('\n')}`;
    })
    .join('\n');
  return { program, magics, starts };
}

/** A quick fix in a notebook: the new text of each cell it changes. */
export interface NotebookCellFix {
  title: string;
  rule: CodeFix['rule'];
  isPreferred?: boolean;
  fixAllSafe?: boolean;
  cells: Map<string, string>;
}

/**
 * The quick fixes of a finding in cell `id` (its range relative to that cell), computed on the code cells as one
 * program, as the analysis sees them (an import in one cell, the call in another), and cut back into cells; a fix that
 * would reach across cells or move a magic is left out. `fixesOf`: the file-level quick fixes of a finding.
 */
export function notebookCellFixes(cells: readonly NotebookCell[], id: string, finding: Finding, fixesOf: (program: string, finding: Finding) => CodeFix[]): NotebookCellFix[] {
  const k = cells.findIndex((c) => c.id === id);
  if (k < 0) return [];
  const { program, magics, starts } = programOf(cells);
  const by = (starts[k] as number) + 1;
  // Found by its range: its call index counts the cell's calls, not the program's.
  const shifted: Finding = { ...finding, callIndex: undefined, range: { start: { ...finding.range.start, line: finding.range.start.line + by }, end: { ...finding.range.end, line: finding.range.end.line + by } } };
  const out: NotebookCellFix[] = [];
  for (const fix of fixesOf(program, shifted)) {
    let next: string;
    try {
      next = applyEdits(program, fix.edits);
    } catch {
      continue;
    }
    const bodies = splitCells(next, magics, cells);
    if (!bodies) continue;
    out.push({ title: fix.title, rule: fix.rule, ...(fix.isPreferred !== undefined ? { isPreferred: fix.isPreferred } : {}), ...(fix.fixAllSafe !== undefined ? { fixAllSafe: fix.fixAllSafe } : {}), cells: changedCells(bodies, cells) });
  }
  return out;
}

/** "Fix all" in a notebook: the new text of each code cell the fixes change (see `fixNotebook`). */
export function fixNotebookCells(cells: readonly NotebookCell[], fix: ProgramFixer): { cells: Map<string, string>; count: number; refused: boolean } {
  const { program, magics } = programOf(cells);
  let refused = false;
  const fixed = fix(program, (text) => {
    const ok = splitCells(text, magics, cells) !== undefined;
    refused ||= !ok;
    return ok;
  });
  const bodies = fixed.count > 0 ? splitCells(fixed.text, magics, cells) : undefined;
  return bodies ? { cells: changedCells(bodies, cells), count: fixed.count, refused } : { cells: new Map(), count: 0, refused };
}

/** The new text of each cell whose lines (`bodies`, from `splitCells`) differ from its source. */
function changedCells(bodies: ReadonlyMap<string, string[]>, cells: readonly NotebookCell[]): Map<string, string> {
  const changed = new Map<string, string>();
  for (const c of cells) {
    const body = (bodies.get(c.id) as string[]).join('\n');
    if (body !== c.source) changed.set(c.id, body);
  }
  return changed;
}

/** A line the kernel does not run as Python, taken out of the program a notebook fix works on. */
interface Magic {
  indent: string;
  text: string;
}

/**
 * The lines of each cell in a fixed program (what comes before the first mark, a block written above the first cell's
 * code, joins that cell), magics put back; undefined when a mark or a magic is no longer where a cell can be cut.
 */
function splitCells(program: string, magics: readonly Magic[], cells: readonly NotebookCell[]): Map<string, string[]> | undefined {
  const lines = program.split('\n');
  const bodies = new Map<string, string[]>();
  const order: string[] = [];
  let current: string[] = [];
  const lead = current;
  for (const line of lines) {
    const m = MARK_LINE.exec(line);
    if (m) {
      current = [];
      const id = cells[Number(m[1])]?.id;
      if (id === undefined) return undefined;
      bodies.set(id, current);
      order.push(id);
      continue;
    }
    if (line.includes(CELL_MARK)) return undefined;
    const magic = MAGIC_LINE.exec(line);
    if (magic) {
      const original = magics[Number(magic[2])];
      // A magic moved into a block (a try the fix wrapped around it) would not run as it did.
      if (!original || original.indent !== magic[1]) return undefined;
      current.push(`${original.indent}${original.text}`);
      continue;
    }
    current.push(line);
  }
  if (order.join(',') !== cells.map((c) => c.id).join(',')) return undefined;
  if (lead.length > 0) (bodies.get(order[0] as string) as string[]).unshift(...lead);
  return bodies;
}

/** A cell source as Jupyter writes it: one string per line (each but the last ending in a line break), one per row. */
function sourceList(ipynbText: string, offset: number, body: string): string {
  const parts = body.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
  if (parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return '[]';
  const lineStart = ipynbText.lastIndexOf('\n', offset) + 1;
  const keyIndent = /^[ \t]*/.exec(ipynbText.slice(lineStart))?.[0] ?? '';
  // The notebook's indent unit: that of its first key (Jupyter writes one space).
  const unit = /^\{\r?\n([ \t]+)"/.exec(ipynbText)?.[1] ?? ' ';
  const eol = ipynbText.includes('\r\n') ? '\r\n' : '\n';
  return `[${eol}${parts.map((p) => `${keyIndent}${unit}${JSON.stringify(p)}`).join(`,${eol}`)}${eol}${keyIndent}]`;
}
