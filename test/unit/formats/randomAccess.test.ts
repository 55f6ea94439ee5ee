import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bufferSource, groupDigits, openRandomAccess, withRandomAccess } from '../../../src/core/formats/randomAccess';
import type { RandomAccessFile } from '../../../src/core/formats/randomAccess';
import { FormatError } from '../../../src/core/formats/types';
import { fixture, randomBytes, withTempDir, writeTemp } from './helpers';

describe('openRandomAccess', () => {
  test('reads exact byte ranges: inside a window, across windows, and larger than a window', async () => {
    await withTempDir(async (dir) => {
      const data = randomBytes(7, 5000);
      const path = await writeTemp(dir, 'data.bin', data);
      const file = await openRandomAccess(path, { windowSize: 512, windows: 2 });
      try {
        assert.equal(file.size, 5000);
        assert.deepEqual(await file.read(0, 10), data.subarray(0, 10));
        assert.deepEqual(await file.read(500, 30), data.subarray(500, 530)); // straddles 512
        assert.deepEqual(await file.read(100, 2000), data.subarray(100, 2100)); // bigger than a window
        assert.deepEqual(await file.read(4990, 10), data.subarray(4990, 5000)); // last window is short
        assert.equal((await file.read(4999, 0)).length, 0);
        // Many small reads in order give the same bytes as one big read.
        const parts: Buffer[] = [];
        for (let off = 0; off < 5000; off += 7) parts.push(await file.read(off, Math.min(7, 5000 - off)));
        assert.deepEqual(Buffer.concat(parts), data);
      } finally {
        await file.close();
      }
    });
  });

  test('a read past the end throws a truncation FormatError naming the offsets', async () => {
    await withRandomAccess(
      fixture('onnx', 'truncated.onnx'),
      async (file) => {
        await assert.rejects(file.read(540, 20), (err: unknown) => {
          assert.ok(err instanceof FormatError);
          assert.match(err.message, /^Truncated ONNX file: needs 20 bytes at offset 540 but the file ends at 549/);
          return true;
        });
      },
      { label: 'ONNX' },
    );
  });

  test('withRandomAccess closes the file even when the callback throws', async () => {
    let kept: RandomAccessFile | undefined;
    await assert.rejects(
      withRandomAccess(fixture('onnx', 'truncated.onnx'), (file) => {
        kept = file;
        return Promise.reject(new Error('boom'));
      }),
      /boom/,
    );
    assert.ok(kept);
    await assert.rejects(kept.read(0, 1), /read after it was closed/);
  });

  test('missing files and directories give readable FormatErrors', async () => {
    await assert.rejects(openRandomAccess(fixture('onnx', 'nope.onnx')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /^File not found: .*nope\.onnx$/);
      return true;
    });
    await assert.rejects(openRandomAccess(fixture('onnx')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /^Expected a file but found a directory/);
      return true;
    });
  });

  test('bufferSource behaves like a file', async () => {
    const src = bufferSource(Buffer.from('hello world'), 'test');
    assert.equal(src.size, 11);
    assert.equal((await src.read(6, 5)).toString(), 'world');
    await assert.rejects(src.read(6, 6), /^FormatError: Truncated test file: needs 6 bytes at offset 6 but the file ends at 11/);
  });
});

describe('groupDigits', () => {
  test("writes what toLocaleString('en-US') writes, integers grouped without it", () => {
    const values = [0, -0, 1, -1, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -1_234_567, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 1234.5678, -0.5, Number.NaN, Infinity];
    for (let i = 0; i < 60; i++) values.push(Math.floor(Math.sin(i + 1) * 10 ** (i % 17)));
    for (const n of values) assert.equal(groupDigits(n), n.toLocaleString('en-US'), String(n));
  });
});
