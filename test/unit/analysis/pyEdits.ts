// Random edits of Python text for the tests that hold a reanalysis (or rescan) after an edit equal to a fresh one.

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

const JUNK = ['(', ')', '[', '{', ']', ':', '"', "'", '"abc', "'''", '"""', 'f"{', '\\', '\\\n', '\n', '\n    ', '    ', '\t', '#', '# note\n', '@', '@decorator\n', 'def ', 'class ', '= ', 'return ', 'import os\n', 'else:\n', '\r\n'];

/**
 * One random edit of the text: a line inserted (copied from elsewhere), deleted or re-indented; characters typed or
 * deleted inside a string, a comment, a decorator or an import line; junk typed anywhere (brackets, quotes, triple
 * quotes, backslashes, line breaks, keywords).
 */
export function randomTextEdit(rng: () => number, text: string): { next: string; kind: string } {
  const lines = text.split('\n');
  const row = Math.floor(rng() * lines.length);
  const rowStart = lines.slice(0, row).reduce((s, l) => s + l.length + 1, 0);
  const r = rng();
  if (r < 0.12) {
    const copy = pick(rng, lines);
    return { next: [...lines.slice(0, row), copy, ...lines.slice(row)].join('\n'), kind: 'insert a line' };
  }
  if (r < 0.22) return { next: [...lines.slice(0, row), ...lines.slice(row + 1)].join('\n'), kind: 'delete a line' };
  if (r < 0.3) {
    const line = lines[row] ?? '';
    const next = rng() < 0.5 ? `    ${line}` : line.replace(/^\s{1,4}/, '');
    return { next: [...lines.slice(0, row), next, ...lines.slice(row + 1)].join('\n'), kind: 're-indent a line' };
  }
  if (r < 0.55) {
    // Inside a string, a comment, a decorator or an import.
    const spots = [...text.matchAll(/"[^"\n]*"|'[^'\n]*'|#[^\n]*|^\s*@[^\n]*|^(?:from|import)\s[^\n]*/gm)];
    if (spots.length > 0) {
      const m = pick(rng, spots);
      const at = (m.index ?? 0) + 1 + Math.floor(rng() * Math.max(1, m[0].length - 1));
      if (rng() < 0.3) return { next: text.slice(0, at) + text.slice(at + 1 + Math.floor(rng() * 4)), kind: `delete inside ${m[0].slice(0, 12)}` };
      return { next: text.slice(0, at) + pick(rng, ['x', '_', ' ', ',', '.', '(', '"', '#', '\n']) + text.slice(at), kind: `type inside ${m[0].slice(0, 12)}` };
    }
  }
  if (r < 0.7) {
    const at = rowStart + Math.floor(rng() * ((lines[row] ?? '').length + 1));
    return { next: text.slice(0, at) + text.slice(at + 1 + Math.floor(rng() * 30)), kind: 'delete characters' };
  }
  const at = rng() < 0.5 ? rowStart : Math.floor(rng() * text.length);
  const junk = pick(rng, JUNK);
  return { next: text.slice(0, at) + junk + text.slice(at), kind: `type ${JSON.stringify(junk)}` };
}
