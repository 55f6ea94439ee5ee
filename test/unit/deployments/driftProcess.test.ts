// The live drift worker as the extension uses it: a real `mlship worker` process (src/cli via tsx) shared by the
// deployments, giving the same scores as the engine in this process, opening a baseline once (cached by content
// hash), surviving the worker's death, and reporting a bad baseline with the file named.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DriftProcess } from '../../../src/core/deployments/driftProcess';
import { columnsOf } from '../../../src/core/deployments/inputColumns';
import { openLiveDrift } from '../../../src/core/deployments/liveDrift';
import { readSnapshotRows } from '../../../src/core/formats/tabular';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const OCT = join(ROOT, 'samples', 'data', 'credit-risk', 'applications-2025-10.parquet');
const NOV = join(ROOT, 'samples', 'data', 'credit-risk', 'applications-2025-11.parquet');

describe('DriftProcess (deployments\' drift off the extension host)', () => {
  let dir: string;
  let november: Record<string, unknown>[];
  const logs: string[] = [];
  let proc: DriftProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-drift-process-'));
    november = (await readSnapshotRows(NOV, 'parquet', 10_000)).map(({ age, income, debt_ratio, region }) => ({ age, income, debt_ratio, region }));
    proc = new DriftProcess({ script: MAIN, execArgv: ['--import', 'tsx'], cacheDir: join(dir, 'cache'), onLog: (_l, m) => logs.push(m) });
  });
  after(async () => {
    proc.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores windows and details in the worker exactly as in this process', async () => {
    const local = (await openLiveDrift(OCT)).live;
    const scorer = proc.scorer('prod', OCT);
    assert.deepEqual(await scorer.baseline(), { name: 'applications-2025-10.parquet', rows: 2000 });
    const windows = [november.slice(0, 500), november.slice(500, 1000), [{ unrelated: 1 }]];
    assert.deepEqual(await scorer.score(windows.map(columnsOf)), windows.map((w) => local.score(w)));
    assert.deepEqual(await scorer.detail(columnsOf(november), 4), local.detail(november, 4));
    assert.ok(logs.some((l) => /Drift baseline of prod: applications-2025-10\.parquet, 2000 rows\.$/.test(l)));
    // Two deployments share one worker; a second open of the same snapshot comes from the cache.
    const pid = proc.pid;
    await proc.scorer('canary', OCT).baseline();
    assert.equal(proc.pid, pid);
    assert.ok(logs.some((l) => /Drift baseline of canary: .* \(profile from the cache\)\.$/.test(l)));
  });

  it('starts a new worker after the old one dies, and opens the baseline in it again', async () => {
    const scorer = proc.scorer('prod', OCT);
    const before = proc.pid;
    assert.ok(before);
    process.kill(before, 'SIGKILL');
    // Once the worker's exit is seen (logged), the next request starts a new one; on a busy machine that can take a
    // while, so wait for the log line rather than a fixed time.
    while (!logs.some((l) => /was killed by SIGKILL/.test(l))) await new Promise((r) => setTimeout(r, 20));
    const [s] = await scorer.score([columnsOf(november.slice(0, 500))]);
    assert.ok(s && s.features.length === 4);
    assert.notEqual(proc.pid, before);
  });

  it('stops while nothing is polled, and starts again (baseline reopened) on the next request', async () => {
    const scorer = proc.scorer('prod', OCT);
    await scorer.baseline();
    const pid = proc.pid;
    assert.ok(pid);
    proc.stop();
    assert.equal(proc.pid, undefined);
    const [s] = await scorer.score([columnsOf(november.slice(0, 500))]);
    assert.ok(s);
    assert.notEqual(proc.pid, pid);
  });

  it('starts no new worker for a request made after it was disposed', async () => {
    const closed = new DriftProcess({ script: MAIN, execArgv: ['--import', 'tsx'], cacheDir: join(dir, 'cache') });
    const scorer = closed.scorer('late', OCT);
    closed.dispose();
    await assert.rejects(scorer.baseline(), /closed/);
    await assert.rejects(scorer.score([columnsOf(november.slice(0, 10))]), /closed/);
    assert.equal(closed.pid, undefined);
  });

  it('rejects with the file named when the baseline cannot be read, and tries again later', async () => {
    const scorer = proc.scorer('broken', join(dir, 'missing.parquet'));
    await assert.rejects(scorer.score([columnsOf(november.slice(0, 10))]), /missing\.parquet/);
    await assert.rejects(scorer.baseline(), /missing\.parquet/);
    // The worker is still there for the others.
    assert.equal((await proc.scorer('prod', OCT).score([columnsOf(november.slice(0, 50))])).length, 1);
  });
});
