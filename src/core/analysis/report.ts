// Reports of `mlship check`: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_IDS, RULES } from './rules';
import type { CodeFix, Finding, Severity } from './types';

export interface FileFindings {
  /** Path relative to the report root, with `/` separators; absolute for a file outside it. */
  path: string;
  /** For notebooks: the code cell index of each finding (findings' lines are cell lines). */
  cells?: number[];
  findings: Finding[];
  /** The fix-all-safe quick fix of each finding, when it has one (SARIF `fixes`). */
  fixes?: (CodeFix | undefined)[];
}

export interface CheckProblem {
  path: string;
  message: string;
  /** 1-based line, when the problem is at one. */
  line?: number;
  /** A notice (the file was checked, but part of it could not be); problems without it are errors. */
  notice?: boolean;
}

/** What a check covered: files read and analyzed, and those skipped and why. */
export interface CheckSummary {
  checked: number;
  /**
   * Of the files checked, those not parsed because they hold no predict-call candidate (no predict call, unsafe load
   * or stub): ruled out by the text pre-scan, or a Python file whose analysis from the text never needed the tree.
   */
  ruledOut: number;
  binary: number;
  /** Files with a syntax error near a predict call (that call could not be analyzed). */
  syntaxErrors: number;
  unreadable: number;
  /** `--fix`: fixes applied, and in how many files. */
  fixed?: { problems: number; files: number };
}

export function summaryLine(s: CheckSummary): string {
  const skipped = s.binary + s.unreadable;
  const parts: string[] = [];
  if (s.binary) parts.push(`${s.binary} binary`);
  if (s.unreadable) parts.push(`${s.unreadable} unreadable`);
  const fixed = s.fixed ? ` Fixed ${s.fixed.problems} problem${s.fixed.problems === 1 ? '' : 's'} in ${s.fixed.files} file${s.fixed.files === 1 ? '' : 's'}.` : '';
  const syntax = s.syntaxErrors ? `; ${s.syntaxErrors} with syntax errors near predict calls` : '';
  const ruledOut = s.ruledOut ? ` (${s.ruledOut} with no predict-call candidate, not parsed)` : '';
  return `Checked ${s.checked} file${s.checked === 1 ? '' : 's'}${ruledOut}, ${skipped} skipped${parts.length ? ` (${parts.join(', ')})` : ''}${syntax}.${fixed}`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A problem as one line of text: `path[:line]: notice|error: message`. */
export function problemLine(p: CheckProblem): string {
  return `${p.path}${p.line ? `:${p.line}` : ''}: ${p.notice ? 'notice' : 'error'}: ${p.message}`;
}

export function toText(files: FileFindings[], problems: CheckProblem[], summary?: CheckSummary): string {
  const lines: string[] = [];
  let total = 0;
  for (const f of files) {
    f.findings.forEach((x, i) => {
      total++;
      const cell = f.cells?.[i] !== undefined ? ` (cell ${f.cells[i]})` : '';
      lines.push(`${f.path}:${x.range.start.line + 1}:${x.range.start.character + 1}${cell}: ${x.severity} ${RULES[x.rule].code}: ${x.message}`);
    });
  }
  for (const p of problems) lines.push(problemLine(p));
  const filesWith = files.filter((f) => f.findings.length > 0).length;
  lines.push(total === 0 ? 'No problems found.' : `${total} problem${total === 1 ? '' : 's'} in ${filesWith} file${filesWith === 1 ? '' : 's'}.`);
  if (summary) lines.push(summaryLine(summary));
  return lines.join('\n') + '\n';
}

export function toJson(files: FileFindings[], problems: CheckProblem[], summary?: CheckSummary): string {
  return JSON.stringify({
    version: 1,
    ...(summary ? { summary } : {}),
    findings: files.flatMap((f) => f.findings.map((x, i) => ({
      path: f.path, ...(f.cells?.[i] !== undefined ? { cell: f.cells[i] } : {}), rule: RULES[x.rule].code, severity: x.severity, message: x.message,
      line: x.range.start.line + 1, column: x.range.start.character + 1, endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1,
    }))),
    problems,
  }, null, 2) + '\n';
}

/**
 * Where a SARIF artifact is: relative to `%SRCROOT%` (the report root) for a file under it, a `file:` URI for one
 * outside it (a `../` reference out of the source root is one code-scanning tools cannot place).
 */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  return isAbsolute(path) ? { uri: pathToFileURL(path).href } : { uri: encodeURI(path), uriBaseId: '%SRCROOT%' };
}

/** A SARIF `fix`: the quick fix's edits as replacements in the finding's file (1-based lines and columns). */
function sarifFix(path: string, fix: CodeFix): object {
  return {
    description: { text: fix.title },
    artifactChanges: [{
      artifactLocation: artifactLocation(path),
      replacements: fix.edits.map((e) => ({
        deletedRegion: { startLine: e.range.start.line + 1, startColumn: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1 },
        insertedContent: { text: e.newText },
      })),
    }],
  };
}

export function toSarif(files: FileFindings[], problems: CheckProblem[], options: { rootUri: string; toolVersion: string; summary?: CheckSummary }): string {
  const rules = RULE_IDS.map((id) => {
    const r = RULES[id];
    return {
      id: r.code,
      name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: r.message },
      help: { text: `${r.message} See ${r.doc}.` },
      defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
      properties: { tags: ['ml', 'reliability'] },
    };
  });
  const results = files.flatMap((f) => f.findings.map((x, i) => ({
    ruleId: RULES[x.rule].code,
    ruleIndex: RULE_IDS.indexOf(x.rule),
    level: SARIF_LEVEL[x.severity],
    message: { text: x.message },
    locations: [{
      physicalLocation: {
        artifactLocation: artifactLocation(f.path),
        region: { startLine: x.range.start.line + 1, startColumn: x.range.start.character + 1, endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1 },
      },
      ...(f.cells?.[i] !== undefined ? { properties: { notebookCell: f.cells[i] } } : {}),
    }],
    ...(f.fixes?.[i] ? { fixes: [sarifFix(f.path, f.fixes[i])] } : {}),
  })));
  const notifications = problems.map((p) => ({ level: p.notice ? ('note' as const) : ('error' as const), message: { text: `${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}` } }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'MLShip', semanticVersion: options.toolVersion, rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: options.rootUri.endsWith('/') ? options.rootUri : `${options.rootUri}/` } },
      columnKind: 'utf16CodeUnits',
      results,
      invocations: [{ executionSuccessful: !problems.some((p) => !p.notice), toolExecutionNotifications: notifications, ...(options.summary ? { properties: { summary: options.summary } } : {}) }],
    }],
  }, null, 2) + '\n';
}
