// The scaffold combinations the acceptance test generates: every language × task × fallback with an ONNX model from the
// fixtures, and each language × task once more with an OIP v2 endpoint (rotating the fallback), each in a workspace of
// its own with the model files copied in.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readOnnxMetadata } from '../../../src/core/formats/onnx';
import { writePlan, readWorkspace } from '../../../src/core/scaffold/apply';
import { planScaffold, type ModelChoice, type ScaffoldPlan, type ScaffoldRequest } from '../../../src/core/scaffold/plan';
import { FALLBACK_STRATEGIES, SCAFFOLD_LANGUAGES, SCAFFOLD_TASKS, type FallbackStrategy, type ScaffoldLanguage, type ScaffoldTask } from '../../../src/core/scaffold/spec';

export const REPO = resolve(__dirname, '..', '..', '..');

export interface Combo {
  id: string;
  language: ScaffoldLanguage;
  task: ScaffoldTask;
  fallback: FallbackStrategy;
  source: 'onnx' | 'oip';
}

const MODELS: Record<ScaffoldTask, { name: string; dir: string; features: string[]; labels?: string[]; output: string; sample: number[] }> = {
  binary: { name: 'credit-risk', dir: 'test/fixtures/models', features: ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'], labels: ['0', '1'], output: 'probabilities', sample: [41, 52000, 0.31, 4, 0, 60] },
  multiclass: { name: 'ticket-priority', dir: 'test/fixtures/scaffold', features: ['wait_hours', 'messages', 'account_age_days', 'is_vip'], labels: ['low', 'medium', 'high'], output: 'probabilities', sample: [12, 3, 400, 0] },
  regression: { name: 'basket-value', dir: 'test/fixtures/scaffold', features: ['items', 'avg_item_price', 'is_member'], output: 'value', sample: [6, 11.5, 1] },
};

export function combos(): Combo[] {
  const out: Combo[] = [];
  for (const language of SCAFFOLD_LANGUAGES) for (const task of SCAFFOLD_TASKS) for (const fallback of FALLBACK_STRATEGIES) out.push({ id: `${language}-${task}-${fallback}-onnx`, language, task, fallback, source: 'onnx' });
  SCAFFOLD_LANGUAGES.forEach((language, l) =>
    SCAFFOLD_TASKS.forEach((task, t) => {
      const fallback = FALLBACK_STRATEGIES[(t + l) % FALLBACK_STRATEGIES.length] as FallbackStrategy;
      out.push({ id: `${language}-${task}-${fallback}-oip`, language, task, fallback, source: 'oip' });
    }),
  );
  return out;
}

/** The request a combination makes, with its model files copied into `workspace/models/`. */
export async function comboRequest(workspace: string, combo: Combo): Promise<ScaffoldRequest> {
  const m = MODELS[combo.task];
  mkdirSync(join(workspace, 'models'), { recursive: true });
  const choice = async (version: number): Promise<ModelChoice> => {
    if (combo.source === 'oip') return { kind: 'oip', url: 'http://127.0.0.1:8081', model: m.name, version: String(version), inputName: 'float_input', outputName: m.output };
    const rel = `models/${m.name}-v${version}.onnx`;
    copyFileSync(join(REPO, m.dir, `${m.name}-v${version}.onnx`), join(workspace, rel));
    const meta = await readOnnxMetadata(join(workspace, rel));
    return { kind: 'onnx', path: rel, name: m.name, version: String(version), metadata: { ...meta, modelVersion: meta.onnx.modelVersion } };
  };
  return {
    name: m.name,
    language: combo.language,
    task: combo.task,
    fallback: combo.fallback,
    model: await choice(2),
    ...(combo.fallback === 'previous-version' ? { previous: await choice(1) } : {}),
    ...(combo.source === 'oip' ? { features: m.features, ...(m.labels ? { classLabels: m.labels } : {}) } : {}),
    sampleRow: m.sample,
    latencyBudgetMs: 80,
  };
}

/** Plans and writes a combination into `workspace`. */
export async function generateCombo(workspace: string, combo: Combo): Promise<ScaffoldPlan> {
  mkdirSync(workspace, { recursive: true });
  const req = await comboRequest(workspace, combo);
  const plan = planScaffold(req, readWorkspace(workspace));
  writePlan(workspace, plan);
  return plan;
}
