// `mlship scaffold`: a dry run prints the files and the diffs and writes nothing; a run writes the plan; the model's
// catalog entry gives its name, version, baseline and previous version; bad input exits 2 with nothing written.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../../src/cli/main';
import { parseManifest } from '../../../src/core/config/manifest';
import { readRollout } from '../../../src/core/scaffold/flagFile';

const REPO = join(__dirname, '..', '..', '..');

async function run(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['scaffold', ...args], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('mlship scaffold', () => {
  let root: string;
  let n = 0;
  const workspace = (): string => {
    const dir = join(root, `ws${++n}`);
    mkdirSync(join(dir, 'models'), { recursive: true });
    cpSync(join(REPO, 'test/fixtures/models/credit-risk-v1.onnx'), join(dir, 'models/credit-risk-v1.onnx'));
    cpSync(join(REPO, 'test/fixtures/models/credit-risk-v2.onnx'), join(dir, 'models/credit-risk-v2.onnx'));
    return dir;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'mlship-cli-scaffold-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('--dry-run prints the files and the diffs of the flag file and mlship.yaml, and writes nothing', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'mlship.yaml'), '# keep\nversion: 1\n');
    const before = tree(ws);
    const r = await run(ws, '--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Feature credit-risk \(python, binary\): model credit-risk 2 \(models\/credit-risk-v2\.onnx\); timeout 50 ms; confidence threshold 0\.7; fallback heuristic\.\n/);
    assert.match(r.out, /Would create 13 files in features\/credit_risk\/:\n {2}features\/credit_risk\/__init__\.py/);
    assert.match(r.out, /--- \/dev\/null\n\+\+\+ b\/flags\/flags\.flagd\.json\n/);
    assert.match(r.out, /--- a\/mlship\.yaml\n\+\+\+ b\/mlship\.yaml\n@@ .* @@\n # keep\n version: 1\n\+deployments:\n\+ {2}- name: credit-risk\n/);
    assert.match(r.out, /Dry run: nothing was written\.\n$/);
    assert.deepEqual(tree(ws), before);
  });

  test('writes the files, the flag at the chosen % and the deployment; a second run is refused with nothing changed', async () => {
    const ws = workspace();
    const r = await run(ws, '--name', 'credit-risk', '--lang', 'typescript', '--model', 'models/credit-risk-v2.onnx', '--percent', '10', '--fallback', 'constant', '--latency-budget', '120', '--baseline', 'data/train.csv');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Flag credit-risk-model is at 10 %\. Run the tests: node --import tsx --test src\/features\/credit-risk\/\*\.test\.ts\n$/);
    assert.ok(existsSync(join(ws, 'src/features/credit-risk/predictor.ts')));
    assert.match(readFileSync(join(ws, 'src/features/credit-risk/config.ts'), 'utf8'), /export const INFERENCE_TIMEOUT_MS = 120;/);
    assert.equal(readRollout(readFileSync(join(ws, 'flags/flags.flagd.json'), 'utf8'), 'f', 'credit-risk-model').percent, 10);
    const d = parseManifest(readFileSync(join(ws, 'mlship.yaml'), 'utf8')).manifest?.deployments?.[0];
    // A file named with its version is referred to by its path (a name would find a registry's model of that name first).
    assert.deepEqual([d?.name, d?.model, d?.baseline, d?.budgets?.latency_p95_ms, d?.flag], ['credit-risk', 'models/credit-risk-v2.onnx', 'data/train.csv', 120, 'credit-risk-model']);
    const before = tree(ws).map((f) => [f, existsSync(join(ws, f))]);
    const again = await run(ws, '--name', 'credit-risk', '--lang', 'typescript', '--model', 'models/credit-risk-v2.onnx');
    assert.equal(again.code, 2);
    assert.match(again.err, /These files exist and would be overwritten/);
    assert.match(again.err, /Flag "credit-risk-model" already exists/);
    assert.match(again.err, /Nothing was written\.\n$/);
    assert.deepEqual(tree(ws).map((f) => [f, existsSync(join(ws, f))]), before);
  });

  test('a model version of the workspace catalog: registry name and version, lineage baseline, previous version', async () => {
    const ws = join(root, 'samples');
    cpSync(join(REPO, 'samples'), ws, { recursive: true });
    const model = 'mlruns/1/7ef9c3483d46bf1d1bbce2e1dc8d16b2/artifacts/model/model.onnx';
    const r = await run(ws, '--name', 'credit-risk', '--lang', 'python', '--model', model, '--fallback', 'previous-version', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model credit-risk 2 \(mlruns\/.*\); .* fallback previous-version → credit-risk 1 \(mlruns\/1\/83ed94685d5ba48227bb819fce0d458b\/artifacts\/model\/model\.onnx\)\./);
    assert.match(r.out, /\+ {4}model: models:\/credit-risk\/2\n\+ {4}baseline: data\/credit-risk\/applications-2025-10\.parquet\n/);
  });

  test('files whose names carry their versions: the file before is the previous version', async () => {
    const ws = workspace();
    const r = await run(ws, '--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx', '--fallback', 'previous-version', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model credit-risk 2 \(models\/credit-risk-v2\.onnx\); .* fallback previous-version → credit-risk 1 \(models\/credit-risk-v1\.onnx\)\./);
  });

  test('without --task the task comes from the model\'s outputs, as in the editor; --task overrides it', async () => {
    const ws = workspace();
    cpSync(join(REPO, 'test/fixtures/models/delivery-eta-v2.onnx'), join(ws, 'models/delivery-eta-v2.onnx'));
    const eta = await run(ws, '--name', 'delivery-eta', '--lang', 'python', '--model', 'models/delivery-eta-v2.onnx', '--fallback', 'constant', '--dry-run');
    assert.equal(eta.code, 0, eta.err);
    assert.match(eta.out, /^Feature delivery-eta \(python, regression\)/);
    assert.match(eta.out, /Note: The task is regression, from the model's outputs; --task changes it\./);
    const credit = await run(ws, '--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx', '--dry-run');
    assert.match(credit.out, /^Feature credit-risk \(python, binary\)/);
    const forced = await run(ws, '--name', 'delivery-eta', '--lang', 'python', '--model', 'models/delivery-eta-v2.onnx', '--task', 'binary', '--dry-run');
    assert.equal(forced.code, 2);
    assert.match(forced.err, /no class-probability output/);
  });

  test('an OIP v2 endpoint', async () => {
    const ws = workspace();
    const missing = await run(ws, '--name', 'eta', '--lang', 'python', '--task', 'regression', '--endpoint', 'http://127.0.0.1:8081', '--endpoint-model', 'delivery-eta', '--dry-run');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /Name the features the endpoint takes/);
    const r = await run(ws, '--name', 'eta', '--lang', 'python', '--task', 'regression', '--endpoint', 'http://127.0.0.1:8081', '--endpoint-model', 'delivery-eta', '--features', 'distance_km,items', '--fallback', 'previous-version', '--endpoint-version', '2', '--previous-version', '1', '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model delivery-eta 2 at http:\/\/127\.0\.0\.1:8081; timeout 50 ms; fallback previous-version → delivery-eta 1 at http:\/\/127\.0\.0\.1:8081\./);
    assert.match(r.out, /\+ {4}inference: \{ protocol: oip-v2, url: "?http:\/\/127\.0\.0\.1:8081"?, model: delivery-eta \}/);
  });

  test('bad input exits 2 and writes nothing', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'flags'));
    const cases: [string[], RegExp][] = [
      [['--name', 'Credit Risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx'], /not a valid feature name/],
      [['--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx', '--folder', '../elsewhere/credit_risk'], /leaves the workspace/],
      [['--name', 'credit-risk', '--lang', 'python', '--model', 'models/nope.onnx'], /the model file models\/nope\.onnx does not exist/],
      [['--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx', '--threshold', '2'], /threshold must be a number from 0 to 1/],
      // credit-risk-v1.onnx is the oldest version of credit-risk in models/.
      [['--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v1.onnx', '--fallback', 'previous-version'], /needs the previous model version/],
    ];
    for (const [args, want] of cases) {
      const r = await run(ws, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, want);
    }
    writeFileSync(join(ws, 'flags/flags.flagd.json'), '{\n  "flags": {\n    "a": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},\n  }\n}\n');
    const broken = await run(ws, '--name', 'credit-risk', '--lang', 'python', '--model', 'models/credit-risk-v2.onnx');
    assert.equal(broken.code, 2);
    assert.match(broken.err, /flags\/flags\.flagd\.json:4:3: error: Trailing comma/);
    assert.deepEqual(tree(ws).sort(), ['flags', 'flags/flags.flagd.json', 'models', 'models/credit-risk-v1.onnx', 'models/credit-risk-v2.onnx']);
  });

  test('listed in mlship --help', async () => {
    let out = '';
    await runCli(['--help'], { cwd: root, stdout: (s) => (out += s), stderr: () => undefined });
    assert.match(out, /\n {2}scaffold +generate a feature behind a flagd rollout flag/);
  });

  test('usage errors', async () => {
    const ws = workspace();
    for (const [args, want] of [
      [['--lang', 'python', '--model', 'm.onnx'], /name the feature/],
      [['--name', 'x', '--model', 'm.onnx'], /choose the language/],
      [['--name', 'x', '--lang', 'go', '--model', 'm.onnx'], /--lang must be python or typescript/],
      [['--name', 'x', '--lang', 'python'], /give the model/],
      [['--name', 'x', '--lang', 'python', '--model', 'm.onnx', '--endpoint', 'http://h'], /give the model/],
      [['--name', 'x', '--lang', 'python', '--endpoint', 'http://h'], /--endpoint-model/],
    ] as [string[], RegExp][]) {
      const r = await run(ws, ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, want);
    }
  });
});
