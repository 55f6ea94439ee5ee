import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { walkWorkspace } from '../../../src/core/registry/walk';

describe('walkWorkspace', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-walk-'));
    const files = [
      'models/a.onnx', 'models/sub/b.onnx', 'node_modules/x/c.onnx', '.git/objects/d.onnx', '.venv/lib/e.onnx',
      'myenv/pyvenv.cfg', 'myenv/lib/f.onnx', 'conda/conda-meta/history', 'conda/lib/g.onnx', 'build/h.onnx', 'notes.md',
      'mlruns/models/m/meta.yaml', 'scratch/i.onnx',
    ];
    for (const f of files) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), 'x');
    }
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('skips dependencies, VCS folders and Python environments; honours exclude globs', async () => {
    const r = await walkWorkspace(root, { exclude: ['**/build', 'scratch/**'], keepFile: (n) => n.endsWith('.onnx'), claimDir: (n) => n === 'mlruns' });
    assert.deepEqual(r.files.map((f) => f.relPath), ['models/a.onnx', 'models/sub/b.onnx']);
    assert.deepEqual(r.claimedDirs, ['mlruns']);
    assert.deepEqual(r.errors, []);
    assert.ok(!r.dirs.includes('myenv') && !r.dirs.includes('conda'));
  });

  test('an unreadable root is reported, not thrown', async () => {
    const r = await walkWorkspace(join(root, 'does-not-exist'));
    assert.equal(r.files.length, 0);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]?.message ?? '', /ENOENT/);
  });

  test('can be cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(walkWorkspace(root, { signal: ac.signal }), { name: 'AbortError' });
  });
});
