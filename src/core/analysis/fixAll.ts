// "Fix all": every fix-all-safe quick fix of a file, applied one at a time with re-analysis in between (a fix moves
// the lines the next one reads). Used by the language server's fix-all code action and by `mlship check --fix`.
import { applyEdits } from './edits';
import { analyzeSource, fixesFor } from './engine';
import type { AnalysisConfig, Language, SourceContext, TextEdit } from './types';

/** Applies every fix-all-safe fix of the file, one at a time with re-analysis, and returns one whole-document edit. */
export function fixAll(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}): { edit: TextEdit; count: number } | undefined {
  let text = source;
  let count = 0;
  const skipped = new Set<string>();
  for (let round = 0; round < 50; round++) {
    const { result, tree } = analyzeSource(text, lang, config, undefined, context);
    let applied = false;
    try {
      for (const f of result.findings) {
        const key = `${f.rule}:${text.split('\n')[f.range.start.line]?.trim() ?? ''}`;
        if (skipped.has(key)) continue;
        const fix = fixesFor(f, text, lang, config, tree, context).find((x) => x.fixAllSafe);
        if (!fix) continue;
        const next = applyAll(text, fix.edits);
        if (next === text) {
          skipped.add(key);
          continue;
        }
        text = next;
        count++;
        applied = true;
        break;
      }
    } finally {
      tree.delete();
    }
    if (!applied) break;
  }
  if (count === 0) return undefined;
  const lines = source.split('\n');
  return { edit: { range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: (lines[lines.length - 1] ?? '').length } }, newText: text }, count };
}

function applyAll(text: string, edits: TextEdit[]): string {
  try {
    return applyEdits(text, edits);
  } catch {
    return text;
  }
}

/** The text with every fix-all-safe fix applied, and how many were applied. */
export function fixAllText(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}): { text: string; count: number } {
  const all = fixAll(source, lang, config, context);
  return all ? { text: all.edit.newText, count: all.count } : { text: source, count: 0 };
}
