import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readSavedModelMetadata, tfDataTypeName } from '../../../src/core/formats/savedmodel';
import { FormatError } from '../../../src/core/formats/types';
import type { ModelMetadata } from '../../../src/core/formats/types';
import { fixture, msg, pbBytes, pbVarint, withTempDir } from './helpers';

const DIR = fixture('savedmodel', 'image-tagger', '1');

function prop(m: ModelMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

/** A copy of the fixture SavedModel whose saved_model.pb is replaced by `pb`. */
async function withModel<T>(pb: Buffer | undefined, fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (tmp) => {
    const dir = join(tmp, 'model');
    await cp(DIR, dir, { recursive: true });
    if (pb === undefined) await rm(join(dir, 'saved_model.pb'));
    else await writeFile(join(dir, 'saved_model.pb'), pb);
    return fn(dir);
  });
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof FormatError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

// Builders from meta_graph.proto / tensor_shape.proto field numbers.
const shape = (dims: number[], unknownRank = false): Buffer =>
  msg(...dims.map((d) => pbBytes(2, pbVarint(1, d))), ...(unknownRank ? [pbVarint(3, 1)] : []));
const tensorInfo = (name: string, dtype: number, s?: Buffer): Buffer => msg(pbBytes(1, name), pbVarint(2, dtype), ...(s ? [pbBytes(3, s)] : []));
const mapEntry = (k: string, v: Buffer): Buffer => msg(pbBytes(1, k), pbBytes(2, v));
const signature = (inputs: [string, Buffer][], outputs: [string, Buffer][], method: string): Buffer =>
  msg(...inputs.map(([k, v]) => pbBytes(1, mapEntry(k, v))), ...outputs.map(([k, v]) => pbBytes(2, mapEntry(k, v))), pbBytes(3, method));

describe('readSavedModelMetadata', () => {
  test('reads tags, versions and the serving_default signature of the real fixture', async () => {
    const m = await readSavedModelMetadata(DIR);
    assert.equal(m.format, 'savedmodel');
    assert.equal(m.formatLabel, 'TensorFlow SavedModel');
    assert.deepEqual(m.inputs, [{ name: 'image', dtype: 'float32', shape: [null, 224, 224, 3] }]);
    assert.deepEqual(m.outputs, [{ name: 'scores', dtype: 'float32', shape: [null, 10] }]);
    assert.equal(prop(m, 'Tags'), 'serve');
    assert.equal(prop(m, 'TensorFlow version'), '2.15.0');
    assert.equal(prop(m, 'Signatures'), '__saved_model_init_op, serving_default (tensorflow/serving/predict)');
    assert.equal(prop(m, 'Signature shown'), 'serving_default');
    assert.equal(prop(m, 'Variables'), 'present (1 shard, 0 bytes)');
    assert.equal(m.savedModel.schemaVersion, 1);
    assert.equal(m.savedModel.variablesPresent, true);
    assert.equal(m.metadata['tensorflow_git_version'], 'v2.15.0-rc1-8-g6887368d6d4');
    assert.deepEqual(
      m.savedModel.metaGraphs[0]?.signatures.map((s) => s.key),
      ['__saved_model_init_op', 'serving_default'],
    );
  });

  test('accepts the saved_model.pb path itself', async () => {
    const m = await readSavedModelMetadata(join(DIR, 'saved_model.pb'));
    assert.equal(m.inputs[0]?.name, 'image');
  });

  test('a graph_def is skipped, and variables can be missing', async () => {
    const pb = await readFile(join(DIR, 'saved_model.pb'));
    // SavedModel = 08 01 (schema version) + field 2 (meta_graphs); prepend a 2 MB graph_def to the MetaGraphDef.
    const lenStart = 3;
    let len = 0;
    let shift = 0;
    let p = lenStart;
    for (;;) {
      const b = pb[p++] as number;
      len |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    const metaGraph = pb.subarray(p, p + len);
    const withGraph = msg(pb.subarray(0, 2), pbBytes(2, msg(pbBytes(2, Buffer.alloc(2 * 1024 * 1024, 0x0a)), metaGraph)));
    await withModel(withGraph, async (dir) => {
      await rm(join(dir, 'variables'), { recursive: true });
      const m = await readSavedModelMetadata(dir);
      assert.deepEqual(m.inputs, [{ name: 'image', dtype: 'float32', shape: [null, 224, 224, 3] }]);
      assert.equal(prop(m, 'Variables'), 'missing (no variables/variables.index)');
      assert.equal(m.savedModel.variablesPresent, false);
    });
  });

  test('without serving_default the first signature with inputs is shown; unknown rank and named dims', async () => {
    const sigA = signature([], [], 'init');
    const sigB = signature(
      [
        ['tokens', tensorInfo('t:0', 7, shape([-1]))],
        ['mask', tensorInfo('m:0', 10, shape([], true))],
      ],
      [['probs', tensorInfo('p:0', 19, shape([-1, 5]))]],
      'tensorflow/serving/classify',
    );
    const metaGraph = msg(pbBytes(1, msg(pbBytes(4, 'serve'), pbBytes(4, 'gpu'), pbBytes(5, '2.16.1'))), pbBytes(5, mapEntry('__init', sigA)), pbBytes(5, mapEntry('classify', sigB)));
    const pb = msg(pbVarint(1, 1), pbBytes(2, metaGraph));
    await withModel(pb, async (dir) => {
      const m = await readSavedModelMetadata(dir);
      assert.equal(m.savedModel.signatureKey, 'classify');
      assert.deepEqual(m.inputs, [
        { name: 'tokens', dtype: 'string', shape: [null] },
        { name: 'mask', dtype: 'bool', shape: null },
      ]);
      assert.deepEqual(m.outputs, [{ name: 'probs', dtype: 'float16', shape: [null, 5] }]);
      assert.equal(prop(m, 'Tags'), 'serve, gpu');
      assert.equal(prop(m, 'TensorFlow version'), '2.16.1');
    });
  });

  test('missing, empty, truncated and garbage saved_model.pb', async () => {
    await withModel(undefined, (dir) => rejectsWith(readSavedModelMetadata(dir), /^Not a TensorFlow SavedModel: no saved_model\.pb in /));
    await withModel(Buffer.alloc(0), (dir) => rejectsWith(readSavedModelMetadata(dir), /^Empty file: 0 bytes — saved_model\.pb is not a SavedModel/));
    const pb = await readFile(join(DIR, 'saved_model.pb'));
    await withModel(pb.subarray(0, 150), (dir) =>
      rejectsWith(readSavedModelMetadata(dir), /^Truncated SavedModel file: field 'meta_graphs' needs 289 bytes at offset 5 but the file ends at 150 — the file is incomplete/),
    );
    await withModel(Buffer.from('this is not a protobuf at all'), (dir) => rejectsWith(readSavedModelMetadata(dir), /^Not a valid TensorFlow SavedModel: /));
    await withModel(msg(pbVarint(1, 1)), (dir) => rejectsWith(readSavedModelMetadata(dir), /has no meta graphs/));
    await rejectsWith(readSavedModelMetadata(fixture('savedmodel', 'nope')), /^File not found/);
    await rejectsWith(readSavedModelMetadata(fixture('onnx', 'truncated.onnx')), /^Not a TensorFlow SavedModel: .* is a file/);
  });

  test('a text-format SavedModel is reported as unsupported', async () => {
    await withModel(undefined, async (dir) => {
      await mkdir(join(dir, 'assets'), { recursive: true });
      await writeFile(join(dir, 'saved_model.pbtxt'), 'saved_model_schema_version: 1\n');
      await rejectsWith(readSavedModelMetadata(dir), /^Unsupported SavedModel: only the binary saved_model\.pb is read/);
    });
  });

  test('TensorFlow dtype names', () => {
    assert.equal(tfDataTypeName(1), 'float32');
    assert.equal(tfDataTypeName(9), 'int64');
    assert.equal(tfDataTypeName(14), 'bfloat16');
    assert.equal(tfDataTypeName(101), 'float32');
    assert.equal(tfDataTypeName(0), 'unknown');
  });
});
