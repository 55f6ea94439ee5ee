import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { ggmlTypeName, parseGguf, readGgufMetadata } from '../../../src/core/formats/gguf';
import { bufferSource } from '../../../src/core/formats/randomAccess';
import { FormatError } from '../../../src/core/formats/types';
import type { ModelMetadata } from '../../../src/core/formats/types';
import { fixture } from './helpers';

const OK = fixture('gguf', 'ok.gguf');

function prop(m: ModelMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

async function rejectsWith(buf: Buffer, pattern: RegExp): Promise<FormatError> {
  const err = await parseGguf(bufferSource(buf), 'x.gguf').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof FormatError, `expected FormatError, got ${String(err)}`);
  assert.match(err.message, pattern);
  return err;
}

// A minimal GGUF v3 writer following the spec (header, typed key/values, tensor infos, aligned data).
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const gstr = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
type Kv = [string, number, Buffer];
function gguf(kvs: Kv[], tensors: { name: string; dims: number[]; type: number; offset: number }[], dataBytes: number, version = 3): Buffer {
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(version), u64(tensors.length), u64(kvs.length)];
  for (const [k, type, value] of kvs) parts.push(gstr(k), u32(type), value);
  for (const t of tensors) parts.push(gstr(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(t.type), u64(t.offset));
  const head = Buffer.concat(parts);
  const pad = (32 - (head.length % 32)) % 32;
  return Buffer.concat([head, Buffer.alloc(pad), Buffer.alloc(dataBytes)]);
}

describe('readGgufMetadata', () => {
  test('reads version, architecture, hyper-parameters, tensors and quantization from the real fixture', async () => {
    const m = await readGgufMetadata(OK);
    assert.equal(m.format, 'gguf');
    assert.equal(m.formatLabel, 'GGUF v3');
    assert.equal(m.gguf.version, 3);
    assert.equal(m.gguf.tensorCount, 12);
    assert.equal(m.gguf.kvCount, 20);
    assert.equal(prop(m, 'Architecture'), 'llama');
    assert.equal(prop(m, 'Name'), 'tiny-test');
    assert.equal(prop(m, 'Context length'), '512');
    assert.equal(prop(m, 'Embedding length'), '32');
    assert.equal(prop(m, 'Layers'), '1');
    assert.equal(prop(m, 'File type'), 'Q4_0');
    assert.equal(prop(m, 'Tensors'), '12');
    assert.equal(prop(m, 'Quantization'), 'Q4_0 (9 tensors), F32 (3 tensors)');
    assert.equal(m.parameterCount, 8288);
    assert.equal(m.gguf.dataOffset, 1920);
    assert.deepEqual(m.gguf.tensors[0], { name: 'token_embd.weight', dims: [32, 16], type: 2, typeName: 'Q4_0', offset: 0 });
    assert.deepEqual(m.gguf.tensors[11], { name: 'output.weight', dims: [32, 16], type: 2, typeName: 'Q4_0', offset: 4704 });
    assert.equal(m.metadata['general.architecture'], 'llama');
    assert.equal(m.metadata['tokenizer.ggml.tokens'], '[array of 16 string]');
    assert.equal(m.metadata['tokenizer.ggml.scores'], '[array of 16 float32]');
    assert.equal(m.metadata['llama.attention.layer_norm_rms_epsilon'], '0.00001');
    assert.equal(m.gguf.values['tokenizer.ggml.bos_token_id'], 1);
    assert.equal(m.gguf.values['tokenizer.ggml.tokens'], undefined, 'array values are not kept');
    assert.deepEqual(m.inputs, []);
  });

  test('bad magic says what the first bytes were', async () => {
    await assert.rejects(readGgufMetadata(fixture('gguf', 'bad-magic.gguf')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.message, 'Not a GGUF file: expected magic "GGUF" but the first bytes are 47 47 4d 4c ("GGML")');
      return true;
    });
  });

  test('truncated file', async () => {
    await assert.rejects(readGgufMetadata(fixture('gguf', 'truncated.gguf')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.message, 'Truncated GGUF file: length of key #8 needs 8 bytes at offset 294 but the file ends at 300 — the file is incomplete; re-export or re-download it');
      return true;
    });
  });

  test('unsupported versions and absurd counts', async () => {
    const ok = await readFile(OK);
    const v1 = Buffer.from(ok);
    v1.writeUInt32LE(1, 4);
    await rejectsWith(v1, /^Unsupported GGUF version 1: only v2 and v3 are supported/);
    const v9 = Buffer.from(ok);
    v9.writeUInt32LE(9, 4);
    await rejectsWith(v9, /^Unsupported GGUF version 9/);
    const tensors = Buffer.from(ok);
    tensors.writeBigUInt64LE(20_000_000n, 8);
    await rejectsWith(tensors, /^Corrupt GGUF file: tensor count is 20,000,000 \(limit 10,000,000\) at offset 8/);
    const kvs = Buffer.from(ok);
    kvs.writeBigUInt64LE(2n ** 63n, 16);
    await rejectsWith(kvs, /^Corrupt GGUF file: metadata key\/value count is 9,223,372,036,854,775,808/);
  });

  test('empty file and cut tensor data', async () => {
    await rejectsWith(Buffer.alloc(0), /^Empty file: 0 bytes — not a GGUF model/);
    const ok = await readFile(OK);
    await rejectsWith(ok.subarray(0, 6000), /^Truncated GGUF file: tensor 'blk.0.ffn_down.weight' needs 576 bytes at offset 5,920 but the file ends at 6,000/);
  });

  test('every truncation of the real file fails with a FormatError', async () => {
    const ok = await readFile(OK);
    for (let n = 0; n < ok.length; n += n < 2000 ? 1 : 37) {
      await rejectsWith(ok.subarray(0, n), /^(Empty file|Not a GGUF file|Truncated GGUF file)/);
    }
  });

  test('all value types, v2, nested arrays, and a large string array skipped without keeping it', async () => {
    const f32 = Buffer.alloc(4);
    f32.writeFloatLE(0.5);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(-2.25);
    const i64 = Buffer.alloc(8);
    i64.writeBigInt64LE(-5n);
    const tokens = Array.from({ length: 200_000 }, (_, i) => gstr(`tok${i}`));
    const kvs: Kv[] = [
      ['general.architecture', 8, gstr('gpt2')],
      ['a.u8', 0, Buffer.from([200])],
      ['a.i8', 1, Buffer.from([0xff])],
      ['a.u16', 2, Buffer.from([1, 1])],
      ['a.i16', 3, Buffer.from([0xfe, 0xff])],
      ['a.u32', 4, u32(70000)],
      ['a.i32', 5, Buffer.from([0xfd, 0xff, 0xff, 0xff])],
      ['a.f32', 6, f32],
      ['a.bool', 7, Buffer.from([1])],
      ['a.u64', 10, u64(2n ** 60n)],
      ['a.i64', 11, i64],
      ['a.f64', 12, f64],
      ['tokenizer.ggml.tokens', 9, Buffer.concat([u32(8), u64(tokens.length), ...tokens])],
      ['a.nested', 9, Buffer.concat([u32(9), u64(2), u32(4), u64(2), u32(1), u32(2), u32(8), u64(1), gstr('x')])],
      ['gpt2.context_length', 4, u32(1024)],
      ['general.file_type', 4, u32(15)],
    ];
    const buf = gguf(kvs, [{ name: 'w', dims: [64, 2], type: 1, offset: 0 }], 256, 2);
    const m = await parseGguf(bufferSource(buf), 'all.gguf');
    assert.equal(m.formatLabel, 'GGUF v2');
    const v = m.gguf.values;
    assert.equal(v['a.u8'], 200);
    assert.equal(v['a.i8'], -1);
    assert.equal(v['a.u16'], 257);
    assert.equal(v['a.i16'], -2);
    assert.equal(v['a.u32'], 70000);
    assert.equal(v['a.i32'], -3);
    assert.equal(v['a.f32'], 0.5);
    assert.equal(v['a.bool'], true);
    assert.equal(v['a.u64'], 2n ** 60n);
    assert.equal(v['a.i64'], -5);
    assert.equal(v['a.f64'], -2.25);
    assert.equal(m.metadata['tokenizer.ggml.tokens'], '[array of 200,000 string]');
    assert.equal(m.metadata['a.nested'], '[array of 2 array]');
    assert.equal(prop(m, 'Context length'), '1,024');
    assert.equal(prop(m, 'File type'), 'Q4_K_M');
    assert.equal(prop(m, 'Quantization'), 'F16 (1 tensor)');
    assert.equal(m.parameterCount, 128);
  });

  test('unknown value types and too many dimensions are corruption', async () => {
    await rejectsWith(gguf([['x', 13, Buffer.alloc(4)]], [], 0), /^Corrupt GGUF file: key 'x' has unknown value type 13/);
    await rejectsWith(gguf([['x', 9, Buffer.concat([u32(42), u64(1)])]], [], 0), /array 'x' has unknown element type 42/);
    await rejectsWith(gguf([], [{ name: 't', dims: [1, 1, 1, 1, 1, 1, 1, 1, 1], type: 0, offset: 0 }], 64), /tensor 't' has 9 dimensions/);
  });

  test('ggml type names', () => {
    assert.equal(ggmlTypeName(0), 'F32');
    assert.equal(ggmlTypeName(12), 'Q4_K');
    assert.equal(ggmlTypeName(30), 'BF16');
    assert.equal(ggmlTypeName(99), 'type 99');
  });
});
