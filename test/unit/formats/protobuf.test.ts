import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ProtobufError,
  collectFields,
  int32,
  int64,
  readFields,
  readFixed32s,
  readFixed64s,
  readString,
  readVarints,
  rephraseProtobufError,
  toSafeNumber,
  zigzag,
} from '../../../src/core/formats/protobuf';
import type { LenField, ProtoField } from '../../../src/core/formats/protobuf';
import { bufferSource } from '../../../src/core/formats/randomAccess';
import type { ByteSource } from '../../../src/core/formats/randomAccess';
import { FormatError } from '../../../src/core/formats/types';
import { key, msg, pbBytes, pbFixed32, pbFixed64, pbVarint, varint } from './helpers';

function whole(buf: Buffer): { src: ByteSource; range: { start: number; end: number } } {
  return { src: bufferSource(buf), range: { start: 0, end: buf.length } };
}

/** A source that records every byte range read. */
function recording(buf: Buffer): { src: ByteSource; reads: [number, number][] } {
  const inner = bufferSource(buf);
  const reads: [number, number][] = [];
  return {
    reads,
    src: {
      size: inner.size,
      read(offset, length) {
        reads.push([offset, offset + length]);
        return inner.read(offset, length);
      },
    },
  };
}

async function rejectsProto(p: Promise<unknown>, kind: 'truncated' | 'invalid', pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ProtobufError, `expected ProtobufError, got ${String(err)}`);
    assert.ok(err instanceof FormatError);
    assert.equal(err.kind, kind);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('protobuf wire format', () => {
  test('decodes varints, fixed32/64 and length-delimited fields with their numbers and wire types', async () => {
    const buf = msg(pbVarint(1, 150), pbVarint(2, -1), pbFixed32(3, 0x3f800000), pbFixed64(4, 0x4000000000000000n), pbBytes(5, 'héllo'), pbVarint(536870911, 1));
    const { src, range } = whole(buf);
    const fields = await collectFields(src, range);
    assert.deepEqual(
      fields.map((f) => [f.fieldNumber, f.wireType]),
      [
        [1, 0],
        [2, 0],
        [3, 5],
        [4, 1],
        [5, 2],
        [536870911, 0],
      ],
    );
    const [a, b, c, d, e] = fields as [ProtoField, ProtoField, ProtoField, ProtoField, LenField];
    assert.equal(a.wireType === 0 && a.value, 150n);
    assert.ok(b.wireType === 0);
    assert.equal(b.value, 0xffffffffffffffffn); // int64 -1 is a 10-byte varint
    assert.equal(int64(b.value), -1n);
    assert.equal(int32(b.value), -1);
    assert.ok(c.wireType === 5);
    assert.equal(c.float, 1);
    assert.ok(d.wireType === 1);
    assert.equal(d.double, 2);
    assert.equal(e.length, Buffer.byteLength('héllo'));
    assert.equal(await readString(src, e), 'héllo');
  });

  test('length-delimited payloads are not read unless asked', async () => {
    const big = Buffer.alloc(100_000, 0xab);
    const buf = msg(pbVarint(1, 7), pbBytes(9, big), pbVarint(2, 8));
    const { src, reads } = recording(buf);
    const fields = await collectFields(src, { start: 0, end: buf.length });
    assert.deepEqual(
      fields.map((f) => f.fieldNumber),
      [1, 9, 2],
    );
    const payload = fields[1] as LenField;
    // No read may cover more than the few header bytes at the start of the payload.
    for (const [s, e] of reads) assert.ok(e - s <= 20, `read of ${e - s} bytes at ${s}`);
    assert.ok(!reads.some(([s]) => s > payload.start + 20 && s < payload.end), 'payload bytes were read');
  });

  test('nested messages iterate as sub-ranges', async () => {
    const inner = msg(pbBytes(1, 'name'), pbVarint(2, 3));
    const buf = msg(pbBytes(7, inner), pbVarint(8, 1));
    const { src, range } = whole(buf);
    const [outer] = (await collectFields(src, range)) as [LenField];
    const innerFields = await collectFields(src, { start: outer.start, end: outer.end });
    assert.equal(innerFields.length, 2);
    assert.equal(await readString(src, innerFields[0] as LenField), 'name');
  });

  test('packed and unpacked repeated fields', async () => {
    const packedVarints = pbBytes(1, Buffer.concat([varint(1), varint(300), varint(-2)]));
    const fixed32 = Buffer.alloc(8);
    fixed32.writeUInt32LE(5, 0);
    fixed32.writeUInt32LE(6, 4);
    const fixed64 = Buffer.alloc(8);
    fixed64.writeBigUInt64LE(9n, 0);
    const buf = msg(packedVarints, pbVarint(1, 4), pbBytes(2, fixed32), pbBytes(3, fixed64));
    const { src, range } = whole(buf);
    const fields = await collectFields(src, range);
    assert.deepEqual(await readVarints(src, fields[0] as ProtoField), [1n, 300n, 0xfffffffffffffffen]);
    assert.deepEqual(await readVarints(src, fields[1] as ProtoField), [4n]);
    assert.deepEqual(await readFixed32s(src, fields[2] as ProtoField), [5, 6]);
    assert.deepEqual(await readFixed64s(src, fields[3] as ProtoField), [9n]);
    assert.equal(zigzag(3n), -2n);
    assert.equal(zigzag(4n), 2n);
    assert.equal(toSafeNumber(42n), 42);
    assert.throws(() => toSafeNumber(2n ** 60n, 'dim'), /dim 1152921504606846976 is too large/);
  });

  for (const wire of [3, 4]) {
    test(`wire type ${wire} (groups) is rejected`, async () => {
      const { src, range } = whole(msg(pbVarint(1, 1), key(5, wire)));
      await rejectsProto(collectFields(src, range, { 5: 'legacy' }), 'invalid', new RegExp(`wire type ${wire} \\(group\\) for field 'legacy' is not supported at byte 2`));
    });
  }

  for (const wire of [6, 7]) {
    test(`wire type ${wire} is invalid`, async () => {
      const { src, range } = whole(key(3, wire));
      await rejectsProto(collectFields(src, range), 'invalid', new RegExp(`invalid wire type ${wire} for field #3 at byte 0`));
    });
  }

  test('field number 0 is invalid', async () => {
    const { src, range } = whole(Buffer.from([0x00, 0x01]));
    await rejectsProto(collectFields(src, range), 'invalid', /field number 0 is not allowed at byte 0/);
  });

  test('a varint longer than 10 bytes overflows', async () => {
    const buf = Buffer.concat([key(1, 0), Buffer.alloc(10, 0xff), Buffer.from([0x01])]);
    const { src, range } = whole(buf);
    await rejectsProto(collectFields(src, range), 'invalid', /varint (overflows 64 bits|is longer than 10 bytes)/);
  });

  test('a length past the end of the data is truncation; past an enclosing message is corruption', async () => {
    const truncated = msg(pbVarint(1, 1), key(7, 2), varint(500), Buffer.from('abc'));
    const t = whole(truncated);
    await rejectsProto(collectFields(t.src, t.range, { 7: 'graph' }), 'truncated', /field 'graph' needs 500 bytes at offset 5 but the data ends at 8/);
    const err = await collectFields(t.src, t.range, { 7: 'graph' }).catch((e: unknown) => e);
    assert.ok(err instanceof ProtobufError);
    assert.equal(err.needed, 500);
    assert.equal(err.limit, 8);
    const rephrased = rephraseProtobufError(err, 'ONNX', 'Not a valid ONNX model');
    assert.ok(rephrased instanceof FormatError);
    assert.equal(
      rephrased.message,
      "Truncated ONNX file: field 'graph' needs 500 bytes at offset 5 but the file ends at 8 — the file is incomplete; re-export or re-download it",
    );

    // The inner message claims 50 bytes but its parent holds only 3, and more data follows the parent.
    const inner = Buffer.concat([key(2, 2), varint(50), Buffer.from('xyz')]);
    const nested = msg(pbBytes(1, inner), pbVarint(2, 1));
    const n = whole(nested);
    const [outer] = (await collectFields(n.src, n.range)) as [LenField];
    await rejectsProto(collectFields(n.src, { start: outer.start, end: outer.end }), 'invalid', /needs 50 bytes at offset 4 but its enclosing message ends at 7/);
  });

  test('a varint cut off by the end of the data is truncation', async () => {
    const { src, range } = whole(Buffer.from([0x08, 0x96]));
    await rejectsProto(collectFields(src, range, { 1: 'ir_version' }), 'truncated', /varint field 'ir_version'/);
  });

  test('iteration stops at the range end and never reads outside it', async () => {
    const buf = msg(pbVarint(1, 1), pbVarint(2, 2), pbVarint(3, 3));
    const { src, reads } = recording(buf);
    const numbers: number[] = [];
    for await (const f of readFields(src, { start: 2, end: 4 })) numbers.push(f.fieldNumber);
    assert.deepEqual(numbers, [2]);
    for (const [s, e] of reads) assert.ok(s >= 2 && e <= 4);
  });
});
