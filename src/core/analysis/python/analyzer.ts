// Python half of the inline diagnostics: predict-like calls (scikit-learn/xgboost/lightgbm/keras estimators,
// onnxruntime sessions, Hugging Face pipelines, torch forward passes, HTTP inference, SageMaker, Vertex AI, user
// patterns), their checks, unsafe model loads, and the quick fixes. scan.ts reads the text once (strings and
// comments masked, blocks, bindings, call sites), context.ts decides, fixes.ts rewrites, libs.ts knows the libraries.
import type { Tree } from 'web-tree-sitter';
import type { LanguageAnalyzer, RawFinding } from '../engine';
import type { AnalysisConfig, CodeFix, Finding, ModuleSummary, PredictCall, SourceContext } from '../types';
import { analyzePython, summarizePython } from './context';
import { pythonFixes } from './fixes';

function analyze(tree: Tree, source: string, config: AnalysisConfig, context: SourceContext): { calls: PredictCall[]; findings: RawFinding[] } {
  try {
    const { result } = analyzePython(source, tree, config, context);
    return { calls: result.records.map((r) => r.call), findings: result.findings };
  } catch {
    // Never let an analyzer bug take diagnostics (or the language server) down: report nothing for this text.
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

function summarize(tree: Tree, source: string): ModuleSummary {
  try {
    return summarizePython(source, tree);
  } catch {
    return new Map();
  }
}

export const pythonAnalyzer: LanguageAnalyzer = { analyze, fixes, summarize };
