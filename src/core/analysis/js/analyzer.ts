// The JavaScript / TypeScript / TSX analyzer: one cursor pass builds a plain-object tree, a resolver collects
// scopes, imports and bindings, then each call is matched against the predict-call catalogue and checked.
import type { Tree } from 'web-tree-sitter';
import type { LanguageAnalyzer, RawFinding } from '../engine';
import type { AnalysisConfig, CodeFix, Finding, ModuleSummary, PredictCall, PredictChecks, SourceContext } from '../types';
import { lineStarts, offsetAt } from '../edits';
import { type Ast, buildAst, rangeOfNode } from './ast';
import { Checker } from './checks';
import { type Detected, type DetectEnv, detectCall, isUnsafeLoad, makeEnv } from './detect';
import { fixesFor } from './fixes';
import { Resolver } from './resolve';
import { summarizeModule } from './summary';

export interface JsRecord {
  d: Detected;
  checks: PredictChecks;
}

export interface JsAnalysis {
  ast: Ast;
  /** Parsed with a TypeScript grammar (type annotations allowed in generated code). */
  ts: boolean;
  env: DetectEnv;
  checker: Checker;
  records: JsRecord[];
  calls: PredictCall[];
  findings: RawFinding[];
}

const UNSAFE_LOAD_MESSAGE =
  'This unpickles model data: a pickle from an untrusted source can carry arbitrary objects and payloads; load only trusted files, or export the model to ONNX or JSON.';

/** Full analysis with the internals the quick fixes need; `only` restricts it to the calls that start at one offset. */
export function runAnalysis(tree: Tree, source: string, config: AnalysisConfig, only?: number, context: SourceContext = {}): JsAnalysis {
  const ast = buildAst(tree, source);
  const r = new Resolver(ast, context);
  const env = makeEnv(ast, r, config.predictPatterns, config.inferenceUrls);
  const checker = new Checker(env, config);
  const records: JsRecord[] = [];
  const calls: PredictCall[] = [];
  const findings: RawFinding[] = [];
  for (const call of r.calls) {
    if (only !== undefined && call.start !== only) continue;
    try {
      if (isUnsafeLoad(env, call)) {
        findings.push({ rule: 'unsafe-model-load', range: rangeOfNode(ast, call), message: UNSAFE_LOAD_MESSAGE });
        continue;
      }
      const d = detectCall(env, call);
      if (!d) continue;
      const { checks, confidenceReason } = checker.check(d);
      const index = calls.length;
      const range = rangeOfNode(ast, call);
      records.push({ d, checks });
      calls.push({ kind: d.kind, label: d.label, range, checks: { ...checks }, ...(confidenceReason ? { confidenceReason } : {}) });
      const fix = { call: index, start: call.start, end: call.end };
      if (checks.fallback === 'fail') findings.push({ rule: 'no-fallback', range, callIndex: index, fix });
      if (checks.confidence === 'fail') findings.push({ rule: 'no-confidence', range, callIndex: index, fix });
      if (checks.timeout === 'fail') findings.push({ rule: 'no-timeout', range, callIndex: index, fix });
      if (checks.trace === 'fail') findings.push({ rule: 'untraced-prediction', range, callIndex: index, fix });
    } catch {
      // One odd call must not hide the others' findings.
    }
  }
  const ts = tree.language.types.includes('type_annotation');
  return { ast, ts, env, checker, records, calls, findings };
}

export const jsAnalyzer: LanguageAnalyzer = {
  analyze(tree: Tree, source: string, config: AnalysisConfig, context: SourceContext): { calls: PredictCall[]; findings: RawFinding[] } {
    try {
      const a = runAnalysis(tree, source, config, undefined, context);
      return { calls: a.calls, findings: a.findings };
    } catch {
      return { calls: [], findings: [] };
    }
  },
  summarize(tree: Tree, source: string): ModuleSummary {
    try {
      return summarizeModule(tree, source);
    } catch {
      return new Map();
    }
  },
  fixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig, context: SourceContext): CodeFix[] {
    try {
      const lines = lineStarts(source);
      return fixesFor(runAnalysis(tree, source, config, offsetAt(source, finding.range.start, lines), context), finding, config);
    } catch {
      return [];
    }
  },
};
