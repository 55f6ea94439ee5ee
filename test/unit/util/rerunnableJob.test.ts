// RerunnableJob runs the workspace discovery: requests while a run is in progress abort it and coalesce into one more
// run, and settled() — what a command awaits before listing models or snapshots — resolves only once a run has
// completed and none is in progress, even when the command runs before the first discovery has started.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RerunnableJob } from '../../../src/core/util/concurrency';

/** A job whose runs finish when the test says so; it records each run's signal and what it produced. */
function controlled() {
  const runs: { signal: AbortSignal; finish: () => void; fail: (err: Error) => void }[] = [];
  let produced = 0;
  const job = new RerunnableJob(
    (signal) =>
      new Promise<void>((resolve, reject) => {
        runs.push({
          signal,
          finish: () => {
            if (!signal.aborted) produced = runs.length;
            resolve();
          },
          fail: reject,
        });
      }),
  );
  return { job, runs, produced: () => produced };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Whether `p` has settled after the pending callbacks ran. */
async function isDone(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

describe('RerunnableJob', () => {
  it('settled() asked before the first run was requested waits for that run to complete', async () => {
    const { job, runs, produced } = controlled();
    const settled = job.settled().then(produced);
    assert.equal(await isDone(settled), false, 'nothing ran yet: a command must not read an empty catalog');
    assert.equal(await isDone(job.idle()), true, 'idle() does not wait for a run nobody asked for');
    job.request();
    assert.equal(runs.length, 1);
    assert.equal(await isDone(settled), false);
    runs[0]?.finish();
    assert.equal(await settled, 1);
  });

  it('a request during a run aborts it and runs once more; settled() waits for that last run', async () => {
    const { job, runs, produced } = controlled();
    job.request();
    const settled = job.settled().then(produced);
    job.request();
    job.request();
    assert.equal(runs.length, 1, 'requests while running coalesce');
    assert.equal(runs[0]?.signal.aborted, true);
    runs[0]?.finish();
    await tick();
    assert.equal(runs.length, 2, 'one more run for all the requests made meanwhile');
    assert.equal(await isDone(settled), false, 'an aborted run is not a completed one');
    runs[1]?.finish();
    assert.equal(await settled, 2);
    assert.equal(runs[1]?.signal.aborted, false);
  });

  it('once a run has completed, settled() waits only for a run in progress', async () => {
    const { job, runs } = controlled();
    job.request();
    runs[0]?.finish();
    await job.settled();
    assert.equal(await isDone(job.settled()), true);
    job.request();
    const settled = job.settled();
    assert.equal(await isDone(settled), false, 'a rescan in progress');
    runs[1]?.finish();
    await settled;
  });

  it('a run that throws still completes: waiting callers get the error instead of hanging', async () => {
    const { job, runs } = controlled();
    const settled = job.settled();
    job.request();
    runs[0]?.fail(new Error('disk gone'));
    await assert.rejects(settled, /disk gone/);
    assert.equal(await isDone(job.settled()), true);
  });

  it('abort() cancels the run in progress without starting another', async () => {
    const { job, runs } = controlled();
    job.request();
    job.abort();
    assert.equal(runs[0]?.signal.aborted, true);
    runs[0]?.finish();
    await job.idle();
    assert.equal(runs.length, 1);
  });
});
