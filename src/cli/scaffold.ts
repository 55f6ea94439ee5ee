// `mlship scaffold --name … --lang … [options] [--dry-run]`: the editor's Scaffold ML Feature without the editor. The
// same plan and templates; --dry-run prints the files and the diff of the flag file and mlship.yaml, writing nothing.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MANIFEST_FILE, parseManifest } from '../core/config/manifest';
import { readWorkspace, writePlan } from '../core/scaffold/apply';
import { formatPercent, readRollout } from '../core/scaffold/flagFile';
import { baselineOf, choiceFromFile, choiceFromVersion, findVersionByFile, previousVersion, taskFromOutputs } from '../core/scaffold/modelChoice';
import { DEFAULT_INITIAL_PERCENT, DEFAULT_LATENCY_BUDGET_MS, DEFAULT_THRESHOLD, planScaffold, ScaffoldError, type ModelChoice, type ScaffoldPlan, type ScaffoldRequest } from '../core/scaffold/plan';
import { FALLBACK_STRATEGIES, SCAFFOLD_LANGUAGES, SCAFFOLD_TASKS, type FallbackStrategy, type ScaffoldLanguage, type ScaffoldTask } from '../core/scaffold/spec';
import { discoverCatalog } from '../core/registry/catalog';
import { FormatError } from '../core/formats/types';
import { unifiedDiff } from '../core/util/diff';
import { choice, parseOptions, UsageError, type CliIo, type Subcommand } from './io';

const USAGE = `Usage: mlship scaffold --name <feature> --lang python|typescript (--model FILE.onnx | --endpoint URL --endpoint-model NAME) [options]

Generates a feature behind a flagd rollout flag: a predictor that evaluates the flag, calls the model with the latency
budget as its timeout, applies the confidence threshold and falls back on error, timeout, low confidence or flag off,
writing one prediction log record per call; a fallback; feedback capture; and tests of every path. Adds the flag (at
--percent, default ${DEFAULT_INITIAL_PERCENT}) to the flag file and the deployment to mlship.yaml. Never overwrites a file.

Model:
  --model FILE.onnx          an ONNX model in the workspace (a version of the Models view, or any .onnx file)
  --endpoint URL             an Open Inference Protocol v2 server (KServe, Triton, MLServer, mlship serve)
  --endpoint-model NAME      the model name at the endpoint (/v2/models/NAME)
  --endpoint-version V       the model version at the endpoint (default: the server's)
  --input-name NAME          the endpoint's input tensor (default: input)
  --output-name NAME         the endpoint's output to read (default: the first floating-point output)
  --features a,b,c           feature names in input column order (default: the model's feature_names metadata)
  --labels a,b,c             class labels of the probability columns (default: the model's class_labels metadata)

Options:
  --task binary|multiclass|regression      (default: from an ONNX model's outputs, as the editor does — a
                             float [batch, classes] output is binary or multiclass, else regression; binary for an endpoint)
  --threshold P              confidence threshold of classifiers, 0–1 (default: ${DEFAULT_THRESHOLD})
  --fallback heuristic|constant|previous-version   (default: heuristic)
  --previous FILE.onnx       the previous-version fallback's model (default: the model's newest other version)
  --previous-version V       the previous-version fallback's version at the endpoint
  --default ANSWER           what the constant and heuristic fallbacks answer (default: the first class, or 0)
  --latency-budget MS        the model call's timeout and the deployment's p95 budget (default: ${DEFAULT_LATENCY_BUDGET_MS})
  --percent N                initial rollout percentage (default: ${DEFAULT_INITIAL_PERCENT})
  --folder DIR               where the files go (default: features/<name> for Python, src/features/<name> for TypeScript)
  --baseline FILE            the data snapshot that is the drift baseline (default: the model version's training data)
  --skip-existing            leave files that exist as they are and write the others (default: refuse)
  --dry-run                  print the files and the diffs of the flag file and mlship.yaml; write nothing
  -h, --help                 show this help

Exit codes: 0 written (or printed with --dry-run); 2 a usage error or input that cannot be scaffolded (nothing written).
`;

/** Bad input that is not a usage error: printed as is, exit 2. */
class InputError extends Error {}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/%$/, ''));
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} must be a number (got "${value}").`);
  return n;
}

/** An ONNX file as a model choice: the catalog's version when discovery finds it (name, version, reference, lineage). */
async function onnxChoice(cwd: string, file: string, catalogs: () => Promise<Awaited<ReturnType<typeof discoverCatalog>>>): Promise<{ choice: Extract<ModelChoice, { kind: 'onnx' }>; baseline?: string; previous?: Extract<ModelChoice, { kind: 'onnx' }> }> {
  const abs = resolve(cwd, file);
  if (!existsSync(abs)) throw new InputError(`the model file ${file} does not exist.`);
  try {
    const found = findVersionByFile([await catalogs()], abs);
    if (!found) return { choice: await choiceFromFile(cwd, abs) };
    const prev = previousVersion(found.model, found.version);
    const baseline = baselineOf(found.version);
    return {
      choice: await choiceFromVersion(cwd, found.model, found.version),
      ...(baseline ? { baseline } : {}),
      ...(prev ? { previous: await choiceFromVersion(cwd, found.model, prev) } : {}),
    };
  } catch (err) {
    if (err instanceof FormatError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

function describeModel(m: ScaffoldPlan['spec']['model']): string {
  return m.kind === 'onnx' ? `${m.name} ${m.version} (${m.path})` : `${m.name}${m.version ? ` ${m.version}` : ''} at ${m.url}`;
}

function printPlan(io: CliIo, plan: ScaffoldPlan, dryRun: boolean): void {
  const s = plan.spec;
  const clf = s.task !== 'regression';
  io.stdout(`Feature ${s.feature} (${s.language}, ${s.task}): model ${describeModel(s.model)}; timeout ${s.timeoutMs} ms${clf ? `; confidence threshold ${s.threshold}` : ''}; fallback ${s.fallback}${s.previous ? ` → ${describeModel(s.previous)}` : ''}.\n`);
  io.stdout(`${dryRun ? 'Would create' : 'Created'} ${plan.files.length} files in ${plan.spec.folder}/:\n`);
  for (const f of plan.files) io.stdout(`  ${f.path}  (${f.content.split('\n').length - 1} lines)\n`);
  for (const s of plan.skipped) io.stdout(`  ${s}  (exists: left as it is)\n`);
  for (const c of [plan.flagFile, plan.manifest]) {
    io.stdout('\n');
    io.stdout(unifiedDiff(c.before ?? '', c.after, c.before === null ? '/dev/null' : `a/${c.path}`, `b/${c.path}`));
  }
  for (const n of plan.notes) io.stdout(`\nNote: ${n}\n`);
  io.stdout(`\n${dryRun ? 'Dry run: nothing was written.' : `Flag ${plan.spec.flagKey} is at ${formatPercent(readRollout(plan.flagFile.after, plan.flagFile.path, plan.spec.flagKey).percent)}. Run the tests: ${plan.testCommand}`}\n`);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, {
    values: ['--name', '--lang', '--model', '--endpoint', '--endpoint-model', '--endpoint-version', '--input-name', '--output-name', '--features', '--labels', '--task', '--threshold', '--fallback', '--previous', '--previous-version', '--default', '--latency-budget', '--percent', '--folder', '--baseline'],
    flags: ['--dry-run', '--skip-existing'],
    aliases: { '--language': '--lang' },
  });
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}".`);
  const name = parsed.values.get('--name');
  if (!name) throw new UsageError('name the feature: --name credit-risk.');
  const lang = parsed.values.get('--lang');
  if (!lang) throw new UsageError('choose the language: --lang python or --lang typescript.');
  const language = choice<ScaffoldLanguage>(parsed, '--lang', SCAFFOLD_LANGUAGES, 'python');
  const taskOption = parsed.values.has('--task') ? choice<ScaffoldTask>(parsed, '--task', SCAFFOLD_TASKS, 'binary') : undefined;
  const fallback = choice<FallbackStrategy>(parsed, '--fallback', FALLBACK_STRATEGIES, 'heuristic');
  const modelFile = parsed.values.get('--model');
  const endpoint = parsed.values.get('--endpoint');
  if (!modelFile === !endpoint) throw new UsageError('give the model: --model FILE.onnx, or --endpoint URL with --endpoint-model NAME.');
  if (endpoint && !parsed.values.get('--endpoint-model')) throw new UsageError('--endpoint needs --endpoint-model NAME (the model name at the endpoint).');
  if (modelFile && parsed.values.has('--previous-version')) throw new UsageError('--previous-version is for endpoints; for an ONNX model give --previous FILE.onnx.');
  if (endpoint && parsed.values.has('--previous')) throw new UsageError('--previous is for ONNX files; for an endpoint give --previous-version V.');
  const dryRun = parsed.flags.has('--dry-run');

  try {
    const manifestPath = resolve(io.cwd, MANIFEST_FILE);
    const manifest = existsSync(manifestPath) ? parseManifest(await readFile(manifestPath, 'utf8')).manifest : undefined;
    let catalog: Promise<Awaited<ReturnType<typeof discoverCatalog>>> | undefined;
    const catalogs = () => (catalog ??= discoverCatalog(io.cwd, { ...(manifest ? { manifest } : {}), ...(io.signal ? { signal: io.signal } : {}) }));

    let model: ModelChoice;
    let previous: ModelChoice | undefined;
    let baseline = parsed.values.get('--baseline');
    if (modelFile) {
      const found = await onnxChoice(io.cwd, modelFile, catalogs);
      model = found.choice;
      baseline ??= found.baseline;
      const previousFile = parsed.values.get('--previous');
      if (previousFile) previous = (await onnxChoice(io.cwd, previousFile, catalogs)).choice;
      else if (fallback === 'previous-version') previous = found.previous;
    } else {
      const url = endpoint as string;
      const common = { kind: 'oip' as const, url, model: parsed.values.get('--endpoint-model') as string };
      const extra = { ...(parsed.values.has('--input-name') ? { inputName: parsed.values.get('--input-name') as string } : {}), ...(parsed.values.has('--output-name') ? { outputName: parsed.values.get('--output-name') as string } : {}) };
      model = { ...common, ...extra, ...(parsed.values.has('--endpoint-version') ? { version: parsed.values.get('--endpoint-version') as string } : {}) };
      const pv = parsed.values.get('--previous-version');
      if (pv !== undefined) previous = { ...common, ...extra, version: pv };
    }

    const features = list(parsed.values.get('--features'));
    const labels = list(parsed.values.get('--labels'));
    const threshold = numberOption(parsed.values.get('--threshold'), '--threshold');
    const budget = numberOption(parsed.values.get('--latency-budget'), '--latency-budget');
    const percent = numberOption(parsed.values.get('--percent'), '--percent');
    // Without --task, the task the model's outputs suggest (the editor preselects the same).
    const task = taskOption ?? taskFromOutputs(model);
    const req: ScaffoldRequest = {
      name,
      language,
      task,
      fallback,
      model,
      ...(previous ? { previous } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(budget !== undefined ? { latencyBudgetMs: budget } : {}),
      ...(percent !== undefined ? { initialPercent: percent } : {}),
      ...(parsed.values.has('--folder') ? { folder: parsed.values.get('--folder') } : {}),
      ...(features ? { features } : {}),
      ...(labels ? { classLabels: labels } : {}),
      ...(parsed.values.has('--default') ? { defaultAnswer: parsed.values.get('--default') } : {}),
      ...(baseline ? { baseline } : {}),
    };
    const plan = planScaffold(req, readWorkspace(io.cwd), { onExisting: parsed.flags.has('--skip-existing') ? 'skip' : 'error' });
    if (!taskOption && model.kind === 'onnx') plan.notes.push(`The task is ${task}, from the model's outputs; --task changes it.`);
    if (!dryRun) {
      try {
        writePlan(io.cwd, plan);
      } catch (err) {
        throw new InputError(err instanceof Error ? err.message : String(err));
      }
    }
    printPlan(io, plan, dryRun);
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldError || err instanceof InputError) {
      io.stderr(`mlship scaffold: ${err.message}\nNothing was written.\n`);
      return 2;
    }
    throw err;
  }
}

export const scaffold: Subcommand = {
  summary: 'generate a feature behind a flagd rollout flag: predictor, fallback, feedback, logs and tests',
  usage: USAGE,
  run,
};
