// Jupyter notebooks: the Python code cells are analyzed as one program (imports in one cell, predict calls in another)
// and findings are mapped back to their cell.
import type { AnalysisConfig, Finding, PredictCall, Range, SourceContext } from './types';
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
    const text = c.source.split('\n').map((l) => (/^\s*[%!]/.test(l) ? '' : l)).join('\n');
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
