// Reports of `mlship check`: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools.
import { RULE_IDS, RULES } from './rules';
import type { Finding, Severity } from './types';

export interface FileFindings {
  /** Path relative to the report root, with `/` separators. */
  path: string;
  /** For notebooks: the code cell index of each finding (findings' lines are cell lines). */
  cells?: number[];
  findings: Finding[];
}

export interface CheckProblem {
  path: string;
  message: string;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function toText(files: FileFindings[], problems: CheckProblem[]): string {
  const lines: string[] = [];
  let total = 0;
  for (const f of files) {
    f.findings.forEach((x, i) => {
      total++;
      const cell = f.cells?.[i] !== undefined ? ` (cell ${f.cells[i]})` : '';
      lines.push(`${f.path}:${x.range.start.line + 1}:${x.range.start.character + 1}${cell}: ${x.severity} ${RULES[x.rule].code}: ${x.message}`);
    });
  }
  for (const p of problems) lines.push(`${p.path}: error: ${p.message}`);
  const filesWith = files.filter((f) => f.findings.length > 0).length;
  lines.push(total === 0 ? 'No problems found.' : `${total} problem${total === 1 ? '' : 's'} in ${filesWith} file${filesWith === 1 ? '' : 's'}.`);
  return lines.join('\n') + '\n';
}

export function toJson(files: FileFindings[], problems: CheckProblem[]): string {
  return JSON.stringify({
    version: 1,
    findings: files.flatMap((f) => f.findings.map((x, i) => ({
      path: f.path, ...(f.cells?.[i] !== undefined ? { cell: f.cells[i] } : {}), rule: RULES[x.rule].code, severity: x.severity, message: x.message,
      line: x.range.start.line + 1, column: x.range.start.character + 1, endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1,
    }))),
    problems,
  }, null, 2) + '\n';
}

export function toSarif(files: FileFindings[], problems: CheckProblem[], options: { rootUri: string; toolVersion: string }): string {
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
        artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
        region: { startLine: x.range.start.line + 1, startColumn: x.range.start.character + 1, endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1 },
      },
      ...(f.cells?.[i] !== undefined ? { properties: { notebookCell: f.cells[i] } } : {}),
    }],
  })));
  const notifications = problems.map((p) => ({ level: 'error' as const, message: { text: `${p.path}: ${p.message}` } }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'MLShip', semanticVersion: options.toolVersion, rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: options.rootUri.endsWith('/') ? options.rootUri : `${options.rootUri}/` } },
      columnKind: 'utf16CodeUnits',
      results,
      invocations: [{ executionSuccessful: problems.length === 0, toolExecutionNotifications: notifications }],
    }],
  }, null, 2) + '\n';
}
