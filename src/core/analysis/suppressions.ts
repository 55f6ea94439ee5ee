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
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.includes('mlship')) continue;
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
