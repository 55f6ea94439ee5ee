// The bundled CLI (dist/cli.js, with its wasm grammars in dist/grammars) on the sample workspace, as CI would run it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const repo = resolve(__dirname, '..', '..');

test('dist/cli.js check reports the sample services and exits 1', () => {
  const r = spawnSync(process.execPath, [resolve(repo, 'dist', 'cli.js'), 'check', 'services', 'web'], { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^services\/credit_risk_service\.py:20:\d+: warning mlship\/no-fallback: /m);
  assert.match(r.stdout, /^services\/credit_risk_service\.py:26:\d+: warning mlship\/no-timeout: /m);
  assert.match(r.stdout, /^web\/scoreClient\.ts:10:\d+: warning mlship\/no-timeout: /m);
});

test('dist/cli.js --help documents the exit codes', () => {
  const r = spawnSync(process.execPath, [resolve(repo, 'dist', 'cli.js'), 'check', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Exit codes: 0 .* 1 .* 2 /s);
});

test('dist/cli.js drift compares the sample snapshots and fails on drift when asked', () => {
  const args = [resolve(repo, 'dist', 'cli.js'), 'drift', 'data/credit-risk/applications-2025-10.parquet', 'data/credit-risk/applications-2025-11.parquet'];
  const r = spawnSync(process.execPath, args, { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^DRIFT +(income|debt_ratio|region) /m);
  const strict = spawnSync(process.execPath, [...args, '--fail-on-drift', '--mode', 'effect-size'], { cwd: resolve(repo, 'samples'), encoding: 'utf8' });
  assert.match(strict.stdout, /columns drifted/);
});
