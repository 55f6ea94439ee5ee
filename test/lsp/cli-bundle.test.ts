// The bundled CLI (dist/cli.js, with its wasm grammars in dist/grammars) on the sample workspace, as CI would run it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { profileFile } from '../../src/core/drift/profile';

const repo = resolve(__dirname, '..', '..');

test('dist/cli.js check reports the sample services and exits 1', () => {
  const r = spawnSync(process.execPath, [resolve(repo, 'dist', 'cli.js'), 'check', 'services', 'web'], { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^services\/credit_risk_service\.py:20:\d+: warning mlship\/no-fallback: /m);
  assert.match(r.stdout, /^services\/credit_risk_service\.py:26:\d+: warning mlship\/no-timeout: /m);
  assert.match(r.stdout, /^web\/scoreClient\.ts:10:\d+: warning mlship\/no-timeout: /m);
});

test('dist/cli.js check writes its whole report into a pipe (`| jq`), more than the pipe holds at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-cli-pipe-'));
  try {
    const call = (i: number) => `def score_${i}(x):\n    return model.predict(x)\n`;
    await writeFile(join(dir, 'service.py'), `import joblib\nmodel = joblib.load("m.joblib")\n${Array.from({ length: 400 }, (_, i) => call(i)).join('')}`);
    const cmd = `"${process.execPath}" "${resolve(repo, 'dist', 'cli.js')}" check . --format json --fail-on never | cat`;
    const r = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 65_536, `the report is larger than a pipe holds (${r.stdout.length} bytes)`);
    const report = JSON.parse(r.stdout) as { findings: unknown[] };
    assert.ok(report.findings.length >= 400);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dist/cli.js --help documents the exit codes', () => {
  const r = spawnSync(process.execPath, [resolve(repo, 'dist', 'cli.js'), 'check', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Exit codes: 0 .* 1 .* 2 /s);
});

test('dist/cli.js serve starts dist/serve.js, answers OIP v2, and stops on Ctrl+C with the port freed', async () => {
  const child = spawn(process.execPath, [resolve(repo, 'dist', 'cli.js'), 'serve', 'models/churn-gbt.onnx', '--no-log', '--json'], { cwd: resolve(repo, 'samples'), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) done(out.split('\n')[0] as string);
    });
    child.once('exit', (code) => fail(new Error(`mlship serve exited with ${code}: ${err}`)));
  });
  const endpoint = JSON.parse(line) as { url: string; modelName: string; modelVersion: string };
  assert.equal(endpoint.modelName, 'churn-gbt');
  const meta = (await (await fetch(`${endpoint.url}/v2/models/churn-gbt`)).json()) as { inputs: { name: string; datatype: string; shape: number[] }[] };
  assert.deepEqual(meta.inputs, [{ name: 'float_input', datatype: 'FP32', shape: [-1, 5] }]);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0, err);
  await assert.rejects(fetch(`${endpoint.url}/v2/health/live`));
});

test('dist/cli.js drift compares the sample snapshots and fails on drift when asked', () => {
  const args = [resolve(repo, 'dist', 'cli.js'), 'drift', 'data/credit-risk/applications-2025-10.parquet', 'data/credit-risk/applications-2025-11.parquet'];
  const r = spawnSync(process.execPath, args, { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^DRIFT +(income|debt_ratio|region) /m);
  const strict = spawnSync(process.execPath, [...args, '--fail-on-drift', '--mode', 'effect-size'], { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.match(strict.stdout, /columns drifted/);
});

test('dist/profileWorker.js is the thread script the CLI picks, and two threads give what one pass gives', async () => {
  const cli = (await import(resolve(repo, 'dist', 'cli.js'))) as { profileWorkerScript: () => string };
  const script = cli.profileWorkerScript();
  assert.equal(script, resolve(repo, 'dist', 'profileWorker.js'));
  const dir = await mkdtemp(join(tmpdir(), 'mlship-profile-worker-'));
  try {
    const lines = ['id,x,cat'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${((i * 7919) % 1000) / 10},${['a', 'b', 'c'][i % 3]}`);
    const path = join(dir, 'data.csv');
    await writeFile(path, lines.join('\n') + '\n');
    const plans: { parts: number; fallback: boolean }[] = [];
    const two = await profileFile(path, { parallel: { script, workers: 2, minBytes: 0, onPlan: (p) => plans.push(p) } });
    const one = await profileFile(path);
    assert.deepEqual(plans, [{ parts: 2, fallback: false }]);
    assert.equal(two.rows, 30_000);
    assert.deepEqual(two.columns.map((c) => [c.name, c.type, c.count, c.numeric?.min, c.numeric?.max, c.frequent?.items]), one.columns.map((c) => [c.name, c.type, c.count, c.numeric?.min, c.numeric?.max, c.frequent?.items]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
