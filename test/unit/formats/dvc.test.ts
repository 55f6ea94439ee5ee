import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { readDvcFile, readDvcLock } from '../../../src/core/formats/dvc';
import { FormatError, LocatedFormatError } from '../../../src/core/formats/types';
import { SAMPLES, fixture, withTempDir, writeTemp } from './helpers';

async function rejectsAt(p: Promise<unknown>, line: number | undefined, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof LocatedFormatError, String(err));
    assert.ok(err instanceof FormatError);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.equal(err.line, line);
    return true;
  });
}

describe('readDvcFile', () => {
  test('a .dvc pointer: path, md5, size and hash algorithm', async () => {
    const f = await readDvcFile(fixture('dvc', 'data.csv.dvc'));
    assert.deepEqual(f.outs, [{ path: 'data.csv', md5: '7052f25fd371e8415b1de53fc8517178', size: 27, hash: 'md5', isDir: false }]);
    assert.deepEqual(f.deps, []);
    const missing = await readDvcFile(fixture('dvc', 'missing.bin.dvc'));
    assert.deepEqual(missing.outs[0], { path: 'missing.bin', md5: '425349bae7e311fdc40c27b776b4d131', size: 318545, hash: 'md5', isDir: false });
    const sample = await readDvcFile(`${SAMPLES}/data/transactions.csv.dvc`);
    assert.equal(sample.outs[0]?.path, 'transactions.csv');
    assert.equal(sample.outs[0]?.md5, '425349bae7e311fdc40c27b776b4d131');
  });

  test('the data the pointer describes has that md5', async () => {
    const { createHash } = await import('node:crypto');
    const f = await readDvcFile(fixture('dvc', 'data.csv.dvc'));
    const data = await readFile(fixture('dvc', 'data.csv'));
    assert.equal(createHash('md5').update(data).digest('hex'), f.outs[0]?.md5);
    assert.equal(data.length, f.outs[0]?.size);
  });

  test('malformed YAML names the file and line', async () => {
    await rejectsAt(readDvcFile(fixture('dvc', 'broken.dvc')), 3, /^broken\.dvc line 3: invalid YAML — /);
    await rejectsAt(readDvcFile(fixture('dvc', 'broken.dvc'), { displayPath: 'data/broken.dvc' }), 3, /^data\/broken\.dvc line 3: invalid YAML — /);
  });

  test('semantic errors point at the entry', async () => {
    const text = await readFile(fixture('dvc', 'data.csv.dvc'), 'utf8');
    await withTempDir(async (dir) => {
      const noMd5 = await writeTemp(dir, 'x.dvc', text.replace(/^- md5: .*\n {2}/m, '- '));
      assert.ok(!(await readFile(noMd5, 'utf8')).includes('md5: '), 'md5 line removed');
      await rejectsAt(readDvcFile(noMd5, { displayPath: 'data/x.dvc' }), 2, 'data/x.dvc line 2: outs[0].md5 is missing');

      const badSize = await writeTemp(dir, 'size.dvc', text.replace('size: 27', 'size: twelve'));
      await rejectsAt(readDvcFile(badSize), 3, 'size.dvc line 3: outs[0].size must be a non-negative integer, got "twelve"');

      const badMd5 = await writeTemp(dir, 'md5.dvc', text.replace('7052f25fd371e8415b1de53fc8517178', 'xyz'));
      await rejectsAt(readDvcFile(badMd5), 2, /^md5\.dvc line 2: outs\[0\]\.md5 "xyz" is not an MD5 hash/);

      const noPath = await writeTemp(dir, 'nopath.dvc', text.replace(/\n {2}path: data\.csv/, ''));
      await rejectsAt(readDvcFile(noPath), 2, 'nopath.dvc line 2: outs[0].path is missing');

      const noOuts = await writeTemp(dir, 'noouts.dvc', 'md5: abc\n');
      await rejectsAt(readDvcFile(noOuts), 1, 'noouts.dvc line 1: outs is missing — not a DVC pointer file');

      const notList = await writeTemp(dir, 'notlist.dvc', 'outs:\n  path: a\n');
      await rejectsAt(readDvcFile(notList), 2, 'notlist.dvc line 2: outs must be a list');
    });
  });

  test('a directory output (md5 ending in .dir) with nfiles', async () => {
    const text = (await readFile(fixture('dvc', 'data.csv.dvc'), 'utf8'))
      .replace('7052f25fd371e8415b1de53fc8517178', 'b6923e1e4ad16ea1a7e2b328842d56a2.dir')
      .replace('path: data.csv', 'path: images\n  nfiles: 120\n  isexec: false');
    await withTempDir(async (dir) => {
      const f = await readDvcFile(await writeTemp(dir, 'images.dvc', text));
      assert.deepEqual(f.outs[0], { path: 'images', md5: 'b6923e1e4ad16ea1a7e2b328842d56a2.dir', size: 27, hash: 'md5', nfiles: 120, isexec: false, isDir: true });
    });
  });
});

describe('readDvcLock', () => {
  test('schema 2.0 stages with deps and outs', async () => {
    const lock = await readDvcLock(fixture('dvc', 'dvc.lock'));
    assert.equal(lock.schema, '2.0');
    assert.deepEqual(lock.stages, [
      {
        name: 'prepare',
        cmd: 'python prepare.py data.csv prepared.csv',
        deps: [{ path: 'data.csv', md5: '7052f25fd371e8415b1de53fc8517178', size: 27, hash: 'md5', isDir: false }],
        outs: [{ path: 'prepared.csv', md5: 'e5deffe8f2a339638b6ac5da1533ffb4', size: 18, hash: 'md5', isDir: false }],
        params: {},
      },
    ]);
  });

  test('the demo workspace lock file', async () => {
    const lock = await readDvcLock(`${SAMPLES}/dvc.lock`);
    assert.deepEqual(
      lock.stages.map((s) => [s.name, s.deps.map((d) => d.path), s.outs.map((o) => [o.path, o.md5])]),
      [['featurize', ['data/credit-risk/applications-2025-10.parquet'], [['data/features/train-features.parquet', '33897df5827ac43a3a9d6fa93218cb50']]]],
    );
  });

  test('errors inside a stage name the stage path and line; old layout and params are read', async () => {
    const text = await readFile(fixture('dvc', 'dvc.lock'), 'utf8');
    await withTempDir(async (dir) => {
      const noMd5 = await writeTemp(dir, 'dvc.lock', text.replace(/\n {6}md5: e5deffe8f2a339638b6ac5da1533ffb4/, ''));
      await rejectsAt(readDvcLock(noMd5), 11, 'dvc.lock line 11: stages.prepare.outs[0].md5 is missing');

      const schema = await writeTemp(dir, 'v3.lock', text.replace("schema: '2.0'", "schema: '3.0'"));
      await rejectsAt(readDvcLock(schema), 1, "v3.lock line 1: unsupported dvc.lock schema '3.0' (expected 2.0)");

      const withParams = await writeTemp(
        dir,
        'params.lock',
        text.replace('    outs:', '    params:\n      params.yaml:\n        prepare.seed: 42\n        prepare.split: 0.2\n    outs:'),
      );
      const lock = await readDvcLock(withParams);
      assert.deepEqual(lock.stages[0]?.params, { 'params.yaml': { 'prepare.seed': 42, 'prepare.split': 0.2 } });

      const v1 = await writeTemp(dir, 'v1.lock', 'train:\n  cmd: python train.py\n  deps:\n  - path: data.csv\n    md5: 7052f25fd371e8415b1de53fc8517178\n  outs:\n  - path: model.pkl\n    md5: e5deffe8f2a339638b6ac5da1533ffb4\n');
      const old = await readDvcLock(v1);
      assert.equal(old.schema, '1');
      assert.deepEqual(
        old.stages.map((s) => [s.name, s.outs[0]?.path]),
        [['train', 'model.pkl']],
      );

      const empty = await readDvcLock(await writeTemp(dir, 'empty.lock', ''));
      assert.deepEqual(empty.stages, []);
    });
  });
});
