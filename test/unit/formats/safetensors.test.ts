import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { bufferSource } from '../../../src/core/formats/randomAccess';
import { parseSafetensors, readSafetensorsMetadata, safetensorsDtypeName } from '../../../src/core/formats/safetensors';
import { FormatError } from '../../../src/core/formats/types';
import { fixture, withTempDir, writeTemp } from './helpers';

const OK = fixture('safetensors', 'ok.safetensors');

/** The real fixture split into its JSON header and data section. */
async function okParts(): Promise<{ header: Record<string, unknown>; data: Buffer }> {
  const buf = await readFile(OK);
  const len = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, unknown>, data: buf.subarray(8 + len) };
}

function build(header: unknown, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

async function rejectsWith(buf: Buffer, pattern: RegExp): Promise<void> {
  await assert.rejects(parseSafetensors(bufferSource(buf), 'x.safetensors'), (err: unknown) => {
    assert.ok(err instanceof FormatError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

describe('readSafetensorsMetadata', () => {
  test('reads tensors, parameter count, dtypes and __metadata__ from the real fixture', async () => {
    const m = await readSafetensorsMetadata(OK);
    assert.equal(m.format, 'safetensors');
    assert.deepEqual(m.inputs, []);
    assert.deepEqual(m.outputs, []);
    assert.deepEqual(
      m.safetensors.tensors.map((t) => [t.name, t.dtype, t.shape, t.dataOffsets]),
      [
        ['dense.bias', 'F32', [4], [0, 16]],
        ['dense.weight', 'F32', [4, 3], [16, 64]],
      ],
    );
    assert.equal(m.parameterCount, 16);
    assert.equal(m.safetensors.headerLength, 168);
    assert.equal(m.safetensors.dataBytes, 64);
    assert.deepEqual(m.metadata, { format: 'pt' });
    const props = Object.fromEntries(m.properties.map((p) => [p.label, p.value]));
    assert.equal(props['Tensors'], '2');
    assert.equal(props['Parameters'], '16');
    assert.equal(props['Data types'], 'float32 (2 tensors)');
    assert.equal(props['Tensor data'], '64 bytes');
  });

  test('a header length larger than the file', async () => {
    await assert.rejects(readSafetensorsMetadata(fixture('safetensors', 'bad-header-length.safetensors')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(
        err.message,
        'Invalid safetensors header length: it says 1,048,576 bytes but only 232 follow — the file is truncated or not a safetensors file; re-export or re-download it',
      );
      return true;
    });
  });

  test('a header that is not valid JSON', async () => {
    await assert.rejects(readSafetensorsMetadata(fixture('safetensors', 'bad-json.safetensors')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /^Invalid safetensors header: the JSON header does not parse \(.+\)$/);
      return true;
    });
  });

  test('empty and too-short files', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(readSafetensorsMetadata(await writeTemp(dir, 'empty.safetensors', Buffer.alloc(0))), /Empty file: 0 bytes — not a safetensors file/);
      await assert.rejects(readSafetensorsMetadata(await writeTemp(dir, 'short.safetensors', Buffer.from([1, 2, 3]))), /Truncated safetensors file: 3 bytes/);
    });
  });

  test('an implausible header length (over 100 MB) is not read', async () => {
    const buf = await readFile(OK);
    const patched = Buffer.from(buf);
    patched.writeBigUInt64LE(200n * 1024n * 1024n, 0);
    await rejectsWith(patched, /^Not a valid safetensors file: header length 209,715,200 bytes is implausible/);
    patched.writeBigUInt64LE(0xffffffffffffffffn, 0);
    await rejectsWith(patched, /is implausible/);
  });

  test('entries with a bad dtype, shape or data_offsets', async () => {
    const { header, data } = await okParts();
    const bias = header['dense.bias'] as Record<string, unknown>;
    await rejectsWith(build({ ...header, 'dense.bias': { ...bias, dtype: 7 } }, data), /tensor 'dense.bias' has no string 'dtype'/);
    await rejectsWith(build({ ...header, 'dense.bias': { ...bias, shape: [4, -1] } }, data), /tensor 'dense.bias' has an invalid 'shape'/);
    await rejectsWith(build({ ...header, 'dense.bias': { ...bias, data_offsets: [0] } }, data), /tensor 'dense.bias' has invalid 'data_offsets'/);
    await rejectsWith(build({ ...header, 'dense.bias': { ...bias, data_offsets: [16, 0] } }, data), /begin after end/);
    await rejectsWith(build({ ...header, 'dense.bias': 'nope' }, data), /tensor 'dense.bias' is not an object/);
    await rejectsWith(build([1, 2], data), /the header does not start with '\{'/);
    await rejectsWith(build({ ...header, 'dense.bias': null }, data), /tensor 'dense.bias' is not an object/);
    await rejectsWith(build({ ...header, __metadata__: 'x' }, data), /__metadata__ must be an object/);
  });

  test('offsets past the data section mean a truncated file', async () => {
    const { header, data } = await okParts();
    await rejectsWith(build(header, data.subarray(0, 40)), /^Truncated safetensors file: tensor 'dense.weight' ends at data offset 64 but the data section has 40 bytes/);
  });

  test('overlapping tensors and size mismatches', async () => {
    const { header, data } = await okParts();
    const weight = header['dense.weight'] as Record<string, unknown>;
    await rejectsWith(
      build({ ...header, 'dense.weight': { ...weight, shape: [4], data_offsets: [8, 24] } }, data),
      /tensors 'dense.bias' and 'dense.weight' overlap/,
    );
    await rejectsWith(build({ ...header, 'dense.weight': { ...weight, shape: [5, 3] } }, data), /needs 60 bytes but data_offsets span 48/);
  });

  test('a BF16 header re-encoded from the fixture is summarised by dtype', async () => {
    const { header } = await okParts();
    const h = {
      ...header,
      'dense.bias': { dtype: 'BF16', shape: [4], data_offsets: [0, 8] },
      'dense.weight': { dtype: 'BF16', shape: [4, 3], data_offsets: [8, 32] },
      'head.weight': { dtype: 'F32', shape: [2], data_offsets: [32, 40] },
    };
    const m = await parseSafetensors(bufferSource(build(h, Buffer.alloc(40))), 'bf16.safetensors');
    assert.equal(m.parameterCount, 18);
    assert.equal(m.properties.find((p) => p.label === 'Data types')?.value, 'bfloat16 (2 tensors), float32 (1 tensor)');
    assert.equal(safetensorsDtypeName('F8_E4M3'), 'float8e4m3fn');
  });
});
