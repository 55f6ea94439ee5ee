// Idle collection of the young generation: when it collects, and that it collects for real in a process started with
// --expose-gc, as the language server is.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { collectYoungGenerationIfHalfFull, type GcFunction, worthCollecting, youngGeneration } from '../../../src/core/util/idleCollection';

const MODULE = resolve(__dirname, '../../../src/core/util/idleCollection.ts');

/** Allocates short-lived objects (kept alive in `keep` until then) until the young generation is more than half full. */
function fillYoungGeneration(keep: object[]): void {
  for (let i = 0; i < 10_000_000; i++) {
    keep.push({ i });
    if (i % 64 !== 0) continue;
    const y = youngGeneration();
    if (y && worthCollecting(y)) return;
  }
  assert.fail('the young generation never got half full');
}

test('worth collecting only when more of the young generation is in use than free', () => {
  assert.equal(worthCollecting({ used: 9, available: 7 }), true);
  assert.equal(worthCollecting({ used: 7, available: 9 }), false);
  assert.equal(worthCollecting({ used: 8, available: 8 }), false);
  assert.equal(worthCollecting({ used: 0, available: 0 }), false);
});

test('V8 reports the young generation', () => {
  const y = youngGeneration();
  assert.ok(y, 'no new_space in v8.getHeapSpaceStatistics()');
  assert.ok(y.used > 0 && y.available > 0, JSON.stringify(y));
});

test('asks gc for a minor collection only when half full, and does nothing without gc', () => {
  const calls: unknown[] = [];
  const gc: GcFunction = (options) => void calls.push(options);
  assert.equal(collectYoungGenerationIfHalfFull(undefined), false);
  const keep: object[] = [];
  fillYoungGeneration(keep);
  assert.equal(collectYoungGenerationIfHalfFull(undefined), false, 'collected with no gc function');
  assert.equal(collectYoungGenerationIfHalfFull(gc), true);
  assert.deepEqual(calls, [{ type: 'minor' }]);
});

test('under --expose-gc it empties the young generation, and not twice in a row', () => {
  const script = `
    const m = require(${JSON.stringify(MODULE)});
    const keep = [];
    for (let i = 0; !m.worthCollecting(m.youngGeneration()); i++) keep.push({ i });
    const before = m.youngGeneration().used;
    const first = m.collectYoungGenerationIfHalfFull();
    const after = m.youngGeneration().used;
    const second = m.collectYoungGenerationIfHalfFull();
    const without = (delete globalThis.gc, m.collectYoungGenerationIfHalfFull());
    console.log(JSON.stringify({ before, first, after, second, without, kept: keep.length }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { before: number; first: boolean; after: number; second: boolean; without: boolean };
  assert.equal(out.first, true);
  assert.ok(out.after < out.before / 2, `young generation ${out.before} → ${out.after} bytes in use`);
  assert.equal(out.second, false, 'collected again right after collecting');
  assert.equal(out.without, false, 'collected without --expose-gc');
});
