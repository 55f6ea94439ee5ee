// Python half of the inline diagnostics: predict-like calls (scikit-learn/xgboost/lightgbm/keras estimators,
// onnxruntime sessions, Hugging Face pipelines, torch forward passes, HTTP inference, SageMaker, Vertex AI, user
// patterns), their checks, unsafe model loads, and the quick fixes.
import type { Tree } from 'web-tree-sitter';
import type { LanguageAnalyzer, RawFinding } from '../engine';
import type { AnalysisConfig, CodeFix, Finding, PredictCall } from '../types';
import { analyzePython } from './context';
import { pythonFixes } from './fixes';

function analyze(tree: Tree, source: string, config: AnalysisConfig): { calls: PredictCall[]; findings: RawFinding[] } {
  let ctx: ReturnType<typeof analyzePython>['ctx'] | undefined;
  try {
    const out = analyzePython(source, tree, config);
    ctx = out.ctx;
    return { calls: out.result.records.map((r) => r.call), findings: out.result.findings };
  } catch {
    return { calls: [], findings: [] };
  } finally {
    ctx?.dispose();
  }
}

function fixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig): CodeFix[] {
  try {
    return pythonFixes(finding, source, tree, config);
  } catch {
    return [];
  }
}

export const pythonAnalyzer: LanguageAnalyzer = { analyze, fixes };
