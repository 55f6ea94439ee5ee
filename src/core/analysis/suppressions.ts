// Ignore comments: `# mlship: ignore[rule, …]` / `// mlship-ignore rule …` on the finding's line or the line above
// (no rule list = every rule), and file-level `# mlship: ignore-file` / `// mlship-ignore-file [rule …]`.
import { isRuleId } from './rules';
import type { Finding, RuleId } from './types';

export interface Suppressions {
  file: Set<RuleId> | 'all' | undefined;
  /** line → rules ignored there ('all' for every rule). */
  lines: Map<number, Set<RuleId> | 'all'>;
}

const PY = /#\s*mlship:\s*ignore(-file)?(?:\[([^\]]*)\])?/;
const JS = /\/\/\s*mlship-ignore(-file)?((?:[ \t,]+[a-z/-]+)*)/;

function parseRules(list: string | undefined): Set<RuleId> | 'all' {
  const names = (list ?? '').split(/[\s,]+/).map((s) => s.trim().replace(/^mlship\//, '')).filter(Boolean);
  if (names.length === 0) return 'all';
  return new Set(names.filter(isRuleId));
}

export function readSuppressions(source: string, style: 'python' | 'js'): Suppressions {
  const out: Suppressions = { file: undefined, lines: new Map() };
  const re = style === 'python' ? PY : JS;
  // Only a line holding `mlship` can hold an ignore comment: those lines are found by searching the text (it is read
  // again after every edit), not by splitting it into lines. `i` is the line holding `at`, which starts at `lineStart`.
  let i = 0;
  let lineStart = 0;
  let last = -1;
  for (let at = source.indexOf('mlship'); at >= 0; at = source.indexOf('mlship', at + 1)) {
    let nl = source.indexOf('\n', lineStart);
    while (nl >= 0 && nl < at) {
      i++;
      lineStart = nl + 1;
      nl = source.indexOf('\n', lineStart);
    }
    if (i === last) continue;
    last = i;
    const line = source.slice(lineStart, nl < 0 ? source.length : nl);
    const m = re.exec(line);
    if (!m) continue;
    const rules = parseRules(m[2]);
    if (m[1]) {
      if (rules === 'all' || out.file === 'all') out.file = 'all';
      else out.file = new Set([...(out.file ?? []), ...rules]);
    } else out.lines.set(i, rules);
  }
  return out;
}

function covers(rules: Set<RuleId> | 'all' | undefined, rule: RuleId): boolean {
  return rules === 'all' || (rules !== undefined && rules.has(rule));
}

/** Whether a finding is suppressed by a comment on its first line, the line above, or the file. */
export function isSuppressed(s: Suppressions, f: Pick<Finding, 'rule' | 'range'>): boolean {
  if (covers(s.file, f.rule)) return true;
  const line = f.range.start.line;
  return covers(s.lines.get(line), f.rule) || covers(s.lines.get(line - 1), f.rule);
}
