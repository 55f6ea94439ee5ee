// Rule metadata: one sentence per rule that says what is missing and why it matters in production.
import type { RuleId, Severity } from './types';

export interface RuleInfo {
  id: RuleId;
  /** Diagnostic code as shown to users, e.g. "mlship/no-fallback". */
  code: string;
  title: string;
  message: string;
  defaultSeverity: Severity;
  /** Path of the rule's page, relative to the extension/package root. */
  doc: string;
}

function rule(id: RuleId, title: string, message: string, defaultSeverity: Severity): RuleInfo {
  return { id, code: `mlship/${id}`, title, message, defaultSeverity, doc: `docs/rules/${id}.md` };
}

export const RULES: Record<RuleId, RuleInfo> = {
  'no-fallback': rule('no-fallback', 'Predict call without a fallback',
    'This prediction has no fallback: when the model errors or is unavailable the exception reaches the user; catch it and return a safe default.', 'warning'),
  'no-confidence': rule('no-confidence', 'Hard label used without a confidence threshold',
    "The hard label is used without checking the model's confidence: uncertain predictions act like certain ones; compare the probability to a threshold and abstain or fall back below it.", 'warning'),
  'no-timeout': rule('no-timeout', 'Remote inference without a timeout',
    'This remote inference call has no timeout: a slow or hung model server or hosted model API blocks the request indefinitely; set one: the latency budget for a model you serve, seconds for a hosted API or an LLM.', 'warning'),
  'untraced-prediction': rule('untraced-prediction', 'Prediction not traced to a model version',
    'This prediction is used without recording the model version: a wrong prediction cannot be traced to the model that made it; log model_version with it.', 'hint'),
  'unsafe-model-load': rule('unsafe-model-load', 'Unsafe model loading',
    'Loading a pickle-based model runs any code the file contains: load only trusted files, or use ONNX, safetensors or torch.load(..., weights_only=True).', 'warning'),
  'fallback-stub': rule('fallback-stub', 'Generated fallback still a placeholder',
    "This fallback was generated with placeholder values: when the model fails, users get them. Write the team's rule (a heuristic, the previous model version or an explicit \"no prediction\"), then delete the marker comment.", 'information'),
};

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(x: string): x is RuleId {
  return x in RULES;
}
