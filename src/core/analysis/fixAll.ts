// "Fix all": every fix-all-safe quick fix of a file, applied one at a time with re-analysis in between (a fix moves
// the lines the next one reads). Used by the language server's fix-all code action and by `mlship check --fix`.
import { applyEdits } from './edits';
import { analyzeSource, fixesFor } from './engine';
import type { AnalysisConfig, Finding, Language, SourceContext, TextEdit } from './types';

/**
 * Applies every fix-all-safe fix of the file, one at a time with re-analysis, and returns one whole-document edit.
 * `accept` may refuse the text a fix would make (the fix is then left out, and the others still tried).
 */
export function fixAll(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}, accept?: (text: string) => boolean): { edit: TextEdit; count: number } | undefined {
  let text = source;
  let count = 0;
  const skipped = new Set<string>();
  /** The fix applied last: the text before it, its finding's key, and how many findings of its rule there were. */
  let last: { before: string; key: string; rule: string; findings: number } | undefined;
  // A fix must resolve its finding: one that leaves as many findings of its rule (it wrote code that is flagged in
  // turn, and would be wrapped again and again) is undone and not tried again.
  const unresolved = (findings: readonly Finding[]): boolean => last !== undefined && findings.filter((f) => f.rule === last?.rule).length >= last.findings;
  for (let round = 0; round < 50; round++) {
    const { result, tree } = analyzeSource(text, lang, config, undefined, context);
    let applied = false;
    try {
      if (last && unresolved(result.findings)) {
        text = last.before;
        count--;
        skipped.add(last.key);
        last = undefined;
        applied = true;
        continue;
      }
      last = undefined;
      // A finding is known by its rule, its line's text and how many findings before it have both: a refused fix does
      // not take the same line copied elsewhere with it (the findings left above keep their text and order).
      const lines = text.split('\n');
      const seen = new Map<string, number>();
      for (const f of result.findings) {
        const base = `${f.rule}:${lines[f.range.start.line]?.trim() ?? ''}`;
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const key = `${base}#${n}`;
        if (skipped.has(key)) continue;
        const fix = fixesFor(f, text, lang, config, tree, context).find((x) => x.fixAllSafe);
        if (!fix) continue;
        const next = applyAll(text, fix.edits);
        if (next === text || (accept && !accept(next))) {
          skipped.add(key);
          continue;
        }
        last = { before: text, key, rule: f.rule, findings: result.findings.filter((x) => x.rule === f.rule).length };
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
  // The last fix applied (when the rounds ran out) is checked as the others are.
  if (last) {
    const { result, tree } = analyzeSource(text, lang, config, undefined, context);
    tree.delete();
    if (unresolved(result.findings)) {
      text = last.before;
      count--;
    }
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
export function fixAllText(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}, accept?: (text: string) => boolean): { text: string; count: number } {
  const all = fixAll(source, lang, config, context, accept);
  return all ? { text: all.edit.newText, count: all.count } : { text: source, count: 0 };
}
