// `mlship profile` and `mlship drift` on the sample workspace: formats, exit codes, a saved profile as the baseline,
// settings from mlship.yaml; and `mlship worker`, the extension's profiling process, over a real IPC channel.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from './helpers';
import { isDriftReport, isProfile } from '../../../src/shared/drift';
import { isWorkerResponse, type WorkerRequest, type WorkerResponse } from '../../../src/shared/driftWorker';

const SAMPLES = resolve(__dirname, '..', '..', '..', 'samples');

describe('mlship profile and mlship drift', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-drift-cli-'));
    await copyFile(join(SAMPLES, 'data/credit-risk/applications-2025-10.parquet'), join(dir, 'oct.parquet'));
    await copyFile(join(SAMPLES, 'data/credit-risk/applications-2025-11.parquet'), join(dir, 'nov.parquet'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--help lists profile and drift, not the worker', async () => {
    const r = await run(dir, '--help');
    assert.match(r.out, /^ {2}profile +profile a data file/m);
    assert.match(r.out, /^ {2}drift +compare data with a baseline/m);
    assert.doesNotMatch(r.out, /worker/);
    assert.match((await run(dir, 'drift', '--help')).out, /Exit codes: 0 .* 1 .* 2 /s);
  });

  test('profile prints a summary, or writes profile JSON with --out', async () => {
    const r = await run(dir, 'profile', 'oct.parquet');
    assert.equal(r.code, 0);
    assert.match(r.out, /^oct\.parquet: 2,000 rows, 10 columns$/m);
    assert.match(r.out, /^region +categorical +2,000 +0 % +4 +north 31 %, south 26 %, east 24 %$/m);
    const w = await run(dir, 'profile', 'oct.parquet', '--out', 'oct.profile.json');
    assert.equal(w.code, 0);
    assert.match(w.out, /written to oct\.profile\.json/);
    assert.equal(isProfile(JSON.parse(await readFile(join(dir, 'oct.profile.json'), 'utf8'))), true);
  });

  test('drift: text by default, exit 0 without --fail-on-drift; a profile JSON works as the baseline', async () => {
    const r = await run(dir, 'drift', 'oct.parquet', 'nov.parquet');
    assert.equal(r.code, 0);
    assert.match(r.out, /No dataset drift: 3 of 8 columns drifted/);
    assert.match(r.out, /^DRIFT +income +numeric/m);
    const p = await run(dir, 'drift', 'oct.profile.json', 'nov.parquet');
    assert.match(p.out, /^Baseline: oct\.parquet — 2,000 rows, 10 columns \(from a saved profile\)$/m);
    assert.match(p.out, /^DRIFT +income/m);
  });

  test('--fail-on-drift exits 1 when the dataset drifts (mlship.yaml sets the share)', async () => {
    assert.equal((await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--fail-on-drift')).code, 0, '3 of 8 is below 50 %');
    await writeFile(join(dir, 'mlship.yaml'), 'version: 1\ndrift:\n  driftShare: 0.3\n');
    const r = await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--fail-on-drift');
    assert.equal(r.code, 1);
    assert.match(r.out, /^Dataset drift: 3 of 8 columns drifted \(38 %\), at or above the 30 % threshold\.$/m);
    assert.equal((await run(dir, 'drift', 'oct.parquet', 'oct.parquet', '--fail-on-drift')).code, 0, 'no drift against itself');
    await rm(join(dir, 'mlship.yaml'));
  });

  test('--format md|json|html and --output', async () => {
    const md = await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--format', 'md');
    assert.match(md.out, /^## Data drift: nov\.parquet vs oct\.parquet$/m);
    const json = await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--format', 'json');
    assert.equal(isDriftReport(JSON.parse(json.out)), true);
    const html = await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--format', 'html', '--output', 'report.html');
    assert.equal(html.code, 0);
    assert.match(html.out, /Report written to report\.html/);
    const page = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(page, /^<!DOCTYPE html>/);
    assert.ok(page.length < 100_000);
  });

  test('exit 2: usage errors, an invalid mlship.yaml, an unreadable file (the report still shows)', async () => {
    assert.equal((await run(dir, 'drift', 'oct.parquet')).code, 2);
    assert.equal((await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--format', 'pdf')).code, 2);
    assert.equal((await run(dir, 'profile', 'oct.parquet', '--row-limit', 'many')).code, 2);
    await writeFile(join(dir, 'bad.yaml'), 'version: 1\ndrift:\n  mode: sometimes\n');
    const bad = await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--config', 'bad.yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^bad\.yaml:3:9: error: 'drift\.mode' must be one of "evidently", "effect-size"/m);
    assert.match(bad.err, /^mlship drift: fix bad\.yaml \(see the errors above\) and run again\.$/m);
    await writeFile(join(dir, 'empty.csv'), '');
    const empty = await run(dir, 'drift', 'oct.parquet', 'empty.csv');
    assert.equal(empty.code, 2);
    assert.match(empty.out, /Cannot compare: the current data could not be read/);
    assert.match(empty.out, /empty\.csv: Empty file: 0 bytes — no header row in empty\.csv/);
    const prof = await run(dir, 'profile', 'empty.csv');
    assert.equal(prof.code, 2);
    assert.match(prof.err, /^mlship profile: empty\.csv: Empty file/);
  });

  test('exit 2 when nothing could be compared (no column in common, no rows), with or without --fail-on-drift', async () => {
    await copyFile(join(SAMPLES, 'data/deliveries.csv'), join(dir, 'deliveries.csv'));
    for (const flag of [['--fail-on-drift'], []]) {
      const unrelated = await run(dir, 'drift', 'oct.parquet', 'deliveries.csv', ...flag);
      assert.equal(unrelated.code, 2, `no column in common ${flag.join(' ')}`);
      assert.match(unrelated.err, /^mlship drift: Cannot compare: oct\.parquet \(the baseline\) and deliveries\.csv \(the current data\) have no column in common; check that this is the right baseline/m);
      const json = await run(dir, 'drift', 'oct.parquet', 'deliveries.csv', '--format', 'json', ...flag);
      assert.equal(json.code, 2);
      assert.match(json.err, /^config: the baseline and the current data have no column in common/m, 'the problems go to stderr when stdout is not the text report');
    }
    await writeFile(join(dir, 'header.csv'), (await readFile(join(dir, 'deliveries.csv'), 'utf8')).split('\n')[0] + '\n');
    for (const flag of [['--fail-on-drift'], []]) {
      const header = await run(dir, 'drift', 'deliveries.csv', 'header.csv', ...flag);
      assert.equal(header.code, 2, `header-only current data ${flag.join(' ')}`);
      assert.match(header.err, /^mlship drift: Cannot compare: header\.csv \(the current data\) has no rows; compare a file with data rows\.$/m);
      assert.equal((await run(dir, 'drift', 'header.csv', 'deliveries.csv', ...flag)).code, 2, 'header-only baseline');
    }
  });

  test('too few rows: a warning, and exit 2 with --fail-on-drift (cannot judge); drift.minRows lowers the threshold', async () => {
    const lines = (await readFile(join(SAMPLES, 'data/deliveries.csv'), 'utf8')).split('\n');
    await writeFile(join(dir, 'one.csv'), lines.slice(0, 2).join('\n') + '\n');
    await copyFile(join(SAMPLES, 'data/deliveries.csv'), join(dir, 'deliveries.csv'));
    const gate = await run(dir, 'drift', 'deliveries.csv', 'one.csv', '--fail-on-drift');
    assert.equal(gate.code, 2);
    assert.match(gate.err, /^mlship drift: cannot judge drift: one\.csv \(the current data\) has 1 row; drift tests need at least 100 rows per side to tell drift from chance\. Compare more rows, or set drift\.minRows in mlship\.yaml\.$/m);
    assert.match(gate.out, /^Too few rows to judge drift: one\.csv \(the current data\) has 1 row;/m);
    const plain = await run(dir, 'drift', 'deliveries.csv', 'one.csv');
    assert.equal(plain.code, 0);
    assert.match(plain.err, /^mlship drift: warning: too few rows to judge drift: one\.csv/m);
    await writeFile(join(dir, 'mlship.yaml'), 'version: 1\ndrift:\n  minRows: 1\n');
    const lowered = await run(dir, 'drift', 'deliveries.csv', 'one.csv', '--fail-on-drift');
    await rm(join(dir, 'mlship.yaml'));
    assert.equal(lowered.code, 0);
    assert.equal(lowered.err, '');
    assert.equal((await run(dir, 'drift', 'oct.parquet', 'nov.parquet', '--fail-on-drift')).err, '', '1,500 and 2,000 rows: no warning');
  });
});

describe('mlship worker (the extension\'s profiling process)', () => {
  const main = resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

  function job(req: WorkerRequest): { done: Promise<{ messages: WorkerResponse[]; code: number | null }>; kill: () => void } {
    const child = fork(main, ['worker'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const messages: WorkerResponse[] = [];
    child.on('message', (m: unknown) => {
      assert.ok(isWorkerResponse(m), JSON.stringify(m).slice(0, 200));
      messages.push(m);
    });
    child.send(req);
    return { done: new Promise((res) => child.on('exit', (code) => res({ messages, code }))), kill: () => child.kill('SIGKILL') };
  }

  test('compares two snapshots and sends back a validated report', async () => {
    const { done } = job({ type: 'compare', baseline: join(SAMPLES, 'data/credit-risk/applications-2025-10.parquet'), current: join(SAMPLES, 'data/credit-risk/applications-2025-11.parquet'), currentName: 'November' });
    const { messages, code } = await done;
    assert.equal(code, 0);
    const last = messages[messages.length - 1];
    assert.equal(last?.type, 'report');
    if (last?.type === 'report') {
      assert.equal(last.report.current.name, 'November');
      assert.equal(last.report.summary.drifted, 3);
    }
  });

  test('a profile job uses the cache on the second run; cancelling kills the process', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'mlship-cache-'));
    try {
      const req: WorkerRequest = { type: 'profile', path: join(SAMPLES, 'data/deliveries.csv'), cacheDir };
      const first = await job(req).done;
      const second = await job(req).done;
      const [a, b] = [first.messages.at(-1), second.messages.at(-1)];
      assert.ok(a?.type === 'profile' && !a.cached);
      assert.ok(b?.type === 'profile' && b.cached);
      const slow = job({ type: 'profile', path: join(SAMPLES, 'data/holdout.tsv') });
      slow.kill();
      const killed = await slow.done;
      assert.equal(killed.messages.some((m) => m.type === 'profile'), false);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
