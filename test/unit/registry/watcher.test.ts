import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { FSWatcher } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { WorkspaceWatcher, type WatcherProblem } from '../../../src/core/registry/watcher';

function waitFor<T>(fn: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve) => fn(resolve));
}

describe('WorkspaceWatcher', () => {
  test('reports relevant changes once, debounced', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlship-watch-'));
    const batches: string[][] = [];
    const got = waitFor<void>((resolve) => {
      const w = new WorkspaceWatcher({
        root,
        relevant: (rel) => rel.endsWith('.onnx'),
        onChange: (changed) => {
          batches.push(changed);
          w.dispose();
          resolve();
        },
        onError: () => assert.fail('no error expected'),
        fingerprint: () => Promise.resolve(''),
        debounceMs: 100,
      });
      w.start();
      void (async () => {
        await writeFile(join(root, 'a.onnx'), 'x');
        await writeFile(join(root, 'notes.txt'), 'x');
        await writeFile(join(root, 'a.onnx'), 'xy');
      })();
    });
    await got;
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0], ['a.onnx']);
    await rm(root, { recursive: true, force: true });
  });

  test('ENOSPC is reported with advice and the watcher falls back to polling that still sees changes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mlship-watch-'));
    const problems: WatcherProblem[] = [];
    let fp = 'one';
    const fake = new EventEmitter() as unknown as FSWatcher;
    (fake as unknown as { close: () => void }).close = () => undefined;
    const changed = waitFor<string[]>((resolve) => {
      const w = new WorkspaceWatcher({
        root,
        relevant: () => true,
        onChange: (c) => {
          w.dispose();
          resolve(c);
        },
        onError: (p) => problems.push(p),
        fingerprint: () => Promise.resolve(fp),
        pollIntervalMs: 20,
        debounceMs: 10,
        watchFactory: () => fake,
      });
      w.start();
      const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
      (fake as unknown as EventEmitter).emit('error', err);
      assert.equal(w.mode, 'polling');
      setTimeout(() => (fp = 'two'), 60);
    });
    assert.deepEqual(await changed, ['']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'ENOSPC');
    assert.match(problems[0]?.advice ?? '', /max_user_watches/);
    await rm(root, { recursive: true, force: true });
  });

  test('a watcher that cannot start at all is reported too', () => {
    const problems: WatcherProblem[] = [];
    const w = new WorkspaceWatcher({
      root: '/nonexistent',
      relevant: () => true,
      onChange: () => undefined,
      onError: (p) => problems.push(p),
      fingerprint: () => Promise.resolve(''),
      watchFactory: () => {
        throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      },
    });
    w.start();
    assert.equal(problems[0]?.code, 'EMFILE');
    assert.equal(w.mode, 'polling');
    w.dispose();
    assert.equal(w.mode, 'stopped');
  });
});
