// Acceptance 1 of Scaffold ML Feature: the code generated for every language × task × fallback (ONNX models from the
// fixtures, and an OIP v2 endpoint for each language × task) passes MLShip's own diagnostics with zero findings, and
// its generated tests pass: Python with /usr/bin/python3 -m unittest (standard library, plus Debian's numpy), TypeScript
// under node's test runner with the real OpenFeature SDK and flagd provider in-process on the flag file, and the real
// ONNX model through onnxruntime-node. Generated TypeScript also typechecks under strict settings; generated Python is
// pyflakes-clean when pyflakes is installed. Both languages hash inputs as MLShip's log readers do.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeSource, summarizeSource } from '../../../src/core/analysis/engine';
import { languageForPath, loadGrammars } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { FileWorkspaceResolver } from '../../../src/core/analysis/workspace';
import type { ScaffoldPlan } from '../../../src/core/scaffold/plan';
import { mapLimit } from '../../../src/core/util/concurrency';
import { combos, generateCombo, REPO, type Combo } from './combos';

const PYTHON = '/usr/bin/python3';
const hasPython = existsSync(PYTHON);
const hasPyflakes = hasPython && spawnSync(PYTHON, ['-m', 'pyflakes', '--version']).status === 0;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(?:py|ts)$/.test(f))
    .map((f) => join(dir, f));
}

/** MLShip's reference input hash (the prediction-log readers'): SHA-256 of canonical JSON, first 16 hex digits. */
function referenceHash(value: unknown): string {
  const canonical = (x: unknown): string => {
    if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
    if (typeof x === 'object' && x !== null) {
      const r = x as Record<string, unknown>;
      return `{${Object.keys(r).sort().map((k) => `${JSON.stringify(k)}:${canonical(r[k])}`).join(',')}}`;
    }
    return JSON.stringify(x) ?? 'null';
  };
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

function run(cmd: string, args: string[], options: SpawnOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('generated Scaffold ML Feature code', () => {
  let root: string;
  const generated: { combo: Combo; workspace: string; plan: ScaffoldPlan }[] = [];

  before(async () => {
    await loadGrammars();
    root = mkdtempSync(join(tmpdir(), 'mlship-scaffold-'));
    // The generated TypeScript imports @openfeature/*, onnxruntime-node and tsx from this repository's node_modules.
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    for (const combo of combos()) {
      const workspace = join(root, combo.id);
      generated.push({ combo, workspace, plan: await generateCombo(workspace, combo) });
    }
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('covers every language × task × fallback, with ONNX files and OIP v2 endpoints', () => {
    const keys = new Set(generated.map((g) => `${g.combo.language}/${g.combo.task}/${g.combo.fallback}`));
    assert.equal(keys.size, 2 * 3 * 3);
    assert.ok(generated.some((g) => g.combo.source === 'oip' && g.combo.language === 'python'));
    assert.ok(generated.some((g) => g.combo.source === 'oip' && g.combo.language === 'typescript'));
  });

  test('every generated source file passes MLShip diagnostics with zero findings', () => {
    const findings: string[] = [];
    let files = 0;
    let calls = 0;
    for (const { workspace, plan } of generated) {
      const resolver = new FileWorkspaceResolver({ roots: [workspace], summarize: summarizeSource });
      for (const path of sourceFiles(join(workspace, plan.spec.folder))) {
        const lang = languageForPath(path);
        assert.ok(lang, path);
        const { result, tree } = analyzeSource(readFileSync(path, 'utf8'), lang, DEFAULT_CONFIG, null, { path, resolver });
        tree.delete();
        files++;
        calls += result.calls.length;
        for (const f of result.findings) findings.push(`${relative(root, path)}:${f.range.start.line + 1}: ${f.rule}: ${f.message}`);
      }
    }
    assert.deepEqual(findings, [], findings.join('\n'));
    assert.ok(files >= generated.length * 10, `${files} files analyzed`);
    // The analyzer does see the model calls (ONNX sessions, fetch to /v2/models/…/infer) and finds them guarded.
    assert.ok(calls >= 12, `${calls} predict calls recognised`);
  });

  test('the plans carry the flag at 5 % and a deployment entry per feature', () => {
    for (const { workspace, plan } of generated) {
      const flags = JSON.parse(readFileSync(join(workspace, plan.flagFile.path), 'utf8')) as { flags: Record<string, { targeting: unknown; defaultVariant: string }> };
      const flag = flags.flags[plan.spec.flagKey];
      assert.deepEqual(flag?.targeting, { fractional: [['on', 5], ['off', 95]] });
      assert.equal(flag?.defaultVariant, 'off');
      const yaml = readFileSync(join(workspace, 'mlship.yaml'), 'utf8');
      assert.match(yaml, new RegExp(`- name: ${plan.spec.feature}\\n`));
      assert.match(yaml, new RegExp(`flag: ${plan.spec.flagKey}\\n`));
      assert.match(yaml, /predictions: \{ jsonl: logs\/[\w-]+\/predictions\.jsonl \}/);
    }
  });

  test('generated Python tests pass with python3 -m unittest (standard library + numpy)', { skip: !hasPython && `${PYTHON} is not installed` }, () => {
    const failures: string[] = [];
    let ran = 0;
    for (const { combo, workspace, plan } of generated.filter((g) => g.combo.language === 'python')) {
      const parent = plan.spec.folder.split('/').slice(0, -1).join('/') || '.';
      const r = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', plan.spec.folder, '-t', parent], { cwd: workspace, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120_000 });
      const summary = /Ran (\d+) tests?/.exec(r.stderr);
      ran += Number(summary?.[1] ?? 0);
      if (r.status !== 0 || !/\nOK/.test(r.stderr)) failures.push(`${combo.id}:\n${r.stderr.slice(-3000)}`);
      if (hasPyflakes) {
        const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', plan.spec.folder], { cwd: workspace, encoding: 'utf8' });
        if (flakes.status !== 0) failures.push(`${combo.id} pyflakes:\n${flakes.stdout}`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
    assert.ok(ran >= 12 * 15, `${ran} Python tests ran`);
  });

  test('generated TypeScript typechecks under strict settings', () => {
    const ts = generated.filter((g) => g.combo.language === 'typescript');
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        esModuleInterop: true,
        skipLibCheck: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        noImplicitReturns: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        types: ['node'],
      },
      include: ts.map((g) => `${g.combo.id}/${g.plan.spec.folder}/*.ts`),
    };
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(config));
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('generated TypeScript tests pass under node --test with the OpenFeature SDK and flagd provider', async () => {
    const ts = generated.filter((g) => g.combo.language === 'typescript');
    // Each workspace's tests run from its root (as its README says), two workspaces at a time. Without the parent
    // runner's context variable, the child node --test runs its files.
    const env = { ...process.env };
    delete env['NODE_TEST_CONTEXT'];
    const results = await mapLimit(ts, 2, async (g) => {
      const files = sourceFiles(join(g.workspace, g.plan.spec.folder)).filter((f) => f.endsWith('.test.ts'));
      const r = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { cwd: g.workspace, env });
      const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)`, 'm').exec(r.stdout)?.[1] ?? -1);
      return { id: g.combo.id, code: r.code, pass: count('pass'), fail: count('fail'), skipped: count('skipped'), out: r.stdout, err: r.stderr };
    });
    const failures = results.filter((r) => r.code !== 0 || r.fail !== 0 || r.skipped !== 0 || r.pass < 13);
    assert.deepEqual(
      failures.map((r) => r.id),
      [],
      failures.map((r) => `${r.id}: exit ${r.code}, ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped\n${r.out.split('\n').filter((l) => /^\s*not ok|# SKIP/.test(l)).join('\n')}\n${r.out.slice(-3000)}${r.err.slice(-1000)}`).join('\n\n'),
    );
  });

  test('Python and TypeScript hash inputs exactly as MLShip reads them', { skip: !hasPython && `${PYTHON} is not installed` }, async () => {
    const inputs = [{ a: 1, b: 2.5 }, { b: 1.0, a: -0.0001 }, { x: 1e-7, y: 1e21, z: 123456789.125 }, { 'naïve': 0.00001, k: 3 }, { big: 12345678901234567000, small: -1.5e-12 }];
    const expected = inputs.map(referenceHash);
    const py = generated.find((g) => g.combo.language === 'python') as (typeof generated)[number];
    const script = `import json, sys\nfrom ${py.plan.spec.folder.split('/').pop()}.prediction_log import input_hash\nprint(json.dumps([input_hash(x) for x in json.loads(sys.argv[1])]))`;
    const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(inputs)], { cwd: join(py.workspace, py.plan.spec.folder, '..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
    const tsGen = generated.find((g) => g.combo.language === 'typescript') as (typeof generated)[number];
    const mod = (await import(join(tsGen.workspace, tsGen.plan.spec.folder, 'predictionLog.ts'))) as { inputHash(x: unknown): string };
    assert.deepEqual(inputs.map((x) => mod.inputHash(x)), expected);
  });
});
