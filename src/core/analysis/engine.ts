// The analysis engine: parse → language analyzer → severities and suppressions. Pure and synchronous once
// `loadGrammars()` has resolved; the language server keeps the returned tree for incremental reparsing.
import type { Tree } from 'web-tree-sitter';
import { jsAnalyzer } from './js/analyzer';
import { parse } from './parser';
import { pythonAnalyzer } from './python/analyzer';
import { findFallbackStubs } from '../scaffold/idioms';
import { isTestFile } from './paths';
import { RULE_IDS, RULES } from './rules';
import { isSuppressed, readSuppressions } from './suppressions';
import type { AnalysisConfig, AnalysisResult, CodeFix, Finding, Language, ModuleSummary, PredictCall, RuleId, SourceContext } from './types';

/** What a language analyzer reports before severities and suppressions are applied. */
export interface RawFinding {
  rule: RuleId;
  range: Finding['range'];
  callIndex?: number;
  /** Overrides the rule's standard message when a more specific one helps (e.g. names the library). */
  message?: string;
  fix?: Finding['fix'];
}

export interface LanguageAnalyzer {
  /** `previous` is the tree of the file's last analysis (edited to match `source`), when reanalyzing after an edit. */
  analyze(tree: Tree, source: string, config: AnalysisConfig, context: SourceContext, previous?: Tree): { calls: PredictCall[]; findings: RawFinding[] };
  /**
   * Analyzes a file from its text, parsing it with `parse` only if the analysis needs the tree (a one-shot analysis:
   * nothing is kept for edits). Absent: the file is parsed first and `analyze` runs.
   */
  analyzeText?(source: string, parse: () => Tree, config: AnalysisConfig, context: SourceContext): { calls: PredictCall[]; findings: RawFinding[] };
  /** Cheap text pre-scan: false when the source cannot hold a predict call (it need not be parsed). */
  mayHaveFindings?(source: string, config: AnalysisConfig, context: SourceContext): boolean;
  /**
   * What the module's top-level names hold (models, sessions, clients, inference URLs), for files that import them.
   * `tree` is a function that parses the source: an analyzer that summarizes from the text alone does not call it.
   */
  summarize(tree: Tree | (() => Tree), source: string): ModuleSummary;
  /** Cheap text scan: false when `summarize` would find nothing in the module (it need not be parsed). */
  mayExport?(source: string): boolean;
  /** Quick fixes for one finding of this file (produced by `analyze` on the same source). */
  fixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig, context: SourceContext): CodeFix[];
}

const CHECK_OF: Partial<Record<RuleId, keyof PredictCall['checks']>> = {
  'no-fallback': 'fallback',
  'no-confidence': 'confidence',
  'no-timeout': 'timeout',
  'untraced-prediction': 'trace',
};

/** Findings at the same place are ordered by rule id (as `localeCompare` orders them), ranked once. */
const RULE_RANK = new Map([...RULE_IDS].sort((a, b) => a.localeCompare(b)).map((id, i) => [id, i]));

export function analyzerFor(lang: Language): LanguageAnalyzer {
  return lang === 'python' ? pythonAnalyzer : jsAnalyzer;
}

export interface AnalysisOutput {
  result: AnalysisResult;
  tree: Tree;
}

/** Analyzes one file. `oldTree` (already `edit`ed to match `source`) makes the parse incremental. */
export function analyzeSource(source: string, lang: Language, config: AnalysisConfig, oldTree?: Tree | null, context: SourceContext = {}): AnalysisOutput {
  const tree = parse(source, lang, oldTree);
  const raw = analyzerFor(lang).analyze(tree, source, config, context, oldTree ?? undefined);
  return { result: present(raw, source, lang, config, context), tree };
}

/**
 * Analyzes one file once (`mlship check`), parsing it only if its analyzer needs the tree: a Python file none of whose
 * calls could be a prediction or an unsafe load is never parsed. `tree` is the parse, when one was made (the caller
 * deletes it).
 */
export function analyzeOnce(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}): { result: AnalysisResult; tree?: Tree } {
  const analyzer = analyzerFor(lang);
  let tree: Tree | undefined;
  /** A parse that failed, thrown again after the analyzer (which never lets its own errors out) returns. */
  let failed: Error | undefined;
  const treeOf = (): Tree => {
    try {
      return (tree ??= parse(source, lang));
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      throw failed;
    }
  };
  try {
    const raw = analyzer.analyzeText ? analyzer.analyzeText(source, treeOf, config, context) : analyzer.analyze(treeOf(), source, config, context);
    if (failed !== undefined) throw failed;
    return { result: present(raw, source, lang, config, context), ...(tree ? { tree } : {}) };
  } catch (err) {
    tree?.delete();
    throw err;
  }
}

/** The analyzer's findings as the user sees them: test-file rule, fallback stubs, suppressions, severities, order. */
function present(raw: { calls: PredictCall[]; findings: RawFinding[] }, source: string, lang: Language, config: AnalysisConfig, context: SourceContext): AnalysisResult {
  // The analyzers may hand out the calls their snapshots keep for the next edit: a call whose checks change here is
  // replaced by a copy, never changed in place.
  const mark = (index: number, check: keyof PredictCall['checks'], state: PredictCall['checks'][typeof check]): void => {
    const c = raw.calls[index];
    if (c) raw.calls[index] = { ...c, checks: { ...c.checks, [check]: state } };
  };
  if (context.path && isTestFile(context.path)) {
    raw.findings = raw.findings.filter((f) => f.rule !== 'untraced-prediction');
    raw.calls.forEach((c, i) => {
      if (c.checks.trace === 'fail') mark(i, 'trace', 'n/a');
    });
  }
  for (const at of findFallbackStubs(source)) raw.findings.push({ rule: 'fallback-stub', range: lineRangeAt(source, at) });
  const suppressions = readSuppressions(source, lang === 'python' ? 'python' : 'js');
  const findings: Finding[] = [];
  for (const f of raw.findings) {
    const severity = config.severity[f.rule];
    const check = CHECK_OF[f.rule];
    if (isSuppressed(suppressions, f)) {
      if (f.callIndex !== undefined && check) mark(f.callIndex, check, 'suppressed');
      continue;
    }
    if (severity === 'off') continue;
    findings.push({ rule: f.rule, severity, message: f.message ?? RULES[f.rule].message, range: f.range, ...(f.callIndex !== undefined ? { callIndex: f.callIndex } : {}), ...(f.fix ? { fix: f.fix } : {}) });
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (RULE_RANK.get(a.rule) ?? 0) - (RULE_RANK.get(b.rule) ?? 0));
  return { language: lang, calls: raw.calls, findings };
}

/**
 * Whether `source` needs analyzing at all: false when a cheap text pre-scan finds nothing a predict call, an unsafe
 * load or a generated fallback stub could start with. Callers that scan many files (`mlship check`) skip parsing
 * those; `analyzeSource` on them returns no findings.
 */
export function needsAnalysis(source: string, lang: Language, config: AnalysisConfig, context: SourceContext = {}): boolean {
  const analyzer = analyzerFor(lang);
  if (!analyzer.mayHaveFindings) return true;
  return findFallbackStubs(source).length > 0 || analyzer.mayHaveFindings(source, config, context);
}

/** Quick fixes for a finding of `source`. */
export function fixesFor(finding: Finding, source: string, lang: Language, config: AnalysisConfig, tree?: Tree, context: SourceContext = {}): CodeFix[] {
  const t = tree ?? parse(source, lang);
  return analyzerFor(lang).fixes(finding, source, t, config, context);
}

/** The summary of a module for files that import it (see workspace.ts). */
export function summarizeSource(source: string, lang: Language): ModuleSummary {
  let tree: Tree | undefined;
  try {
    return analyzerFor(lang).summarize(() => (tree ??= parse(source, lang)), source);
  } finally {
    tree?.delete();
  }
}

/** Whether the module's summary may hold anything (false: a text scan rules it out; see workspace.ts). */
export function mayExportSymbols(source: string, lang: Language): boolean {
  const analyzer = analyzerFor(lang);
  return analyzer.mayExport ? analyzer.mayExport(source) : true;
}

/** From `offset` to the end of its line. */
function lineRangeAt(source: string, offset: number): Finding['range'] {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  let line = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  let end = source.indexOf('\n', offset);
  if (end < 0) end = source.length;
  if (source[end - 1] === '\r') end--;
  return { start: { line, character: offset - lineStart }, end: { line, character: end - lineStart } };
}
