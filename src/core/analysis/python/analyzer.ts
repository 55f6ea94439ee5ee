// Python half of the inline diagnostics: predict-like calls (scikit-learn/xgboost/lightgbm/keras estimators,
// onnxruntime sessions, Hugging Face pipelines, torch forward passes, HTTP inference, SageMaker, Vertex AI, user
// patterns), their checks, unsafe model loads, and the quick fixes. scan.ts reads the text once (strings and
// comments masked, blocks, bindings, call sites), context.ts decides, fixes.ts rewrites, libs.ts knows the libraries.
import type { Tree } from 'web-tree-sitter';
import type { LanguageAnalyzer, RawFinding } from '../engine';
import type { AnalysisConfig, CodeFix, Finding, ModuleSummary, PredictCall, SourceContext } from '../types';
import { outcomeOf, PyContext, summarizePython } from './context';
import { pythonFixes } from './fixes';
import { analyzePythonIncremental, type PySnapshot } from './incremental';

/**
 * The last analysis of each tree analyzed with `keepForEdits`, for the reanalysis after the next edit (the language
 * server passes the old tree).
 */
const snapshots = new WeakMap<Tree, PySnapshot>();

function analyze(tree: Tree, source: string, config: AnalysisConfig, context: SourceContext, previous?: Tree): { calls: PredictCall[]; findings: RawFinding[] } {
  try {
    if (!context.keepForEdits) {
      if (previous) snapshots.delete(previous);
      const { records, findings } = new PyContext(source, tree, config, context).analyze();
      return { calls: records.map((r) => outcomeOf(r).call), findings };
    }
    const prev = previous ? snapshots.get(previous) : undefined;
    if (previous) snapshots.delete(previous);
    const { calls, findings, snapshot } = analyzePythonIncremental(source, tree, config, context, prev && previous ? { snapshot: prev, tree: previous } : undefined);
    snapshots.set(tree, snapshot);
    return { calls, findings };
  } catch {
    // Never let an analyzer bug take diagnostics (or the language server) down: report nothing for this text.
    return { calls: [], findings: [] };
  }
}

/** A one-shot analysis from the text: `parse` is called only when a call site needs the tree (see TreeIndex). */
function analyzeText(source: string, parse: () => Tree, config: AnalysisConfig, context: SourceContext): { calls: PredictCall[]; findings: RawFinding[] } {
  try {
    const { records, findings } = new PyContext(source, parse, config, context).analyze();
    return { calls: records.map((r) => outcomeOf(r).call), findings };
  } catch {
    return { calls: [], findings: [] };
  }
}

function fixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig, context: SourceContext): CodeFix[] {
  try {
    return pythonFixes(finding, source, tree, config, context);
  } catch {
    return [];
  }
}

function summarize(tree: Tree | (() => Tree), source: string): ModuleSummary {
  try {
    return summarizePython(source, tree);
  } catch {
    return new Map();
  }
}

export const pythonAnalyzer: LanguageAnalyzer = { analyze, analyzeText, fixes, summarize };
