import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { onnxDataTypeName, parseOnnx, readOnnxMetadata } from '../../../src/core/formats/onnx';
import type { OnnxMetadata } from '../../../src/core/formats/onnx';
import { bufferSource } from '../../../src/core/formats/randomAccess';
import type { ByteSource } from '../../../src/core/formats/randomAccess';
import { FormatError } from '../../../src/core/formats/types';
import type { ModelMetadata } from '../../../src/core/formats/types';
import { fixture, msg, pbBytes, pbVarint, randomBytes, withTempDir, writeTemp } from './helpers';

function prop(m: ModelMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

// Builders for ONNX messages (field numbers from onnx.proto) for cases the fixtures do not cover.
const dim = (v: number | string): Buffer => pbBytes(1, typeof v === 'number' ? pbVarint(1, v) : pbBytes(2, v));
const tensorType = (elem: number, dims?: (number | string)[]): Buffer =>
  pbBytes(1, msg(pbVarint(1, elem), ...(dims ? [pbBytes(2, msg(...dims.map(dim)))] : [])));
const valueInfo = (name: string, type: Buffer): Buffer => msg(pbBytes(1, name), pbBytes(2, type));
const node = (opType: string, domain?: string): Buffer => msg(pbBytes(1, 'in'), pbBytes(2, 'out'), pbBytes(4, opType), ...(domain ? [pbBytes(7, domain)] : []));
const initializer = (name: string, dims: number[], extra: Buffer[] = []): Buffer =>
  msg(...dims.map((d) => pbVarint(1, d)), pbVarint(2, 1), pbBytes(8, name), ...extra);
const model = (graph: Buffer, ir = 8): Buffer =>
  msg(pbVarint(1, ir), pbBytes(2, 'builder'), pbBytes(3, '0.1'), pbBytes(7, graph), pbBytes(8, msg(pbBytes(1, ''), pbVarint(2, 13))));

describe('readOnnxMetadata on real models', () => {
  test('credit-risk-v1: logistic regression classifier', async () => {
    const m = await readOnnxMetadata(fixture('models', 'credit-risk-v1.onnx'));
    assert.equal(m.format, 'onnx');
    assert.equal(m.formatLabel, 'ONNX');
    assert.deepEqual(m.inputs, [{ name: 'float_input', dtype: 'float32', shape: ['N', 6] }]);
    assert.deepEqual(m.outputs, [
      { name: 'label', dtype: 'int64', shape: ['N'] },
      { name: 'probabilities', dtype: 'float32', shape: ['N', 2] },
    ]);
    assert.equal(m.onnx.irVersion, 8);
    assert.deepEqual(m.onnx.opsets, [{ domain: 'ai.onnx', version: 17 }]);
    assert.equal(prop(m, 'IR version'), '8');
    assert.equal(prop(m, 'Opset'), 'ai.onnx 17');
    assert.equal(prop(m, 'Producer'), 'mlship-fixtures 1.0.0');
    assert.equal(prop(m, 'Graph'), 'credit_risk_logreg');
    assert.equal(prop(m, 'Nodes'), '4');
    assert.equal(prop(m, 'Operators'), 'MatMul, Add, Softmax, ArgMax');
    assert.equal(prop(m, 'Model version'), '1');
    assert.match(prop(m, 'Doc string') ?? '', /^credit-risk v1: logistic regression/);
    assert.deepEqual(
      m.onnx.initializers.map((t) => [t.name, t.dims, t.dataType]),
      [
        ['coefficients', [6, 2], 'float32'],
        ['intercepts', [2], 'float32'],
      ],
    );
    assert.equal(m.parameterCount, 14);
    assert.equal(m.metadata['feature_names'], 'age,income,debt_ratio,credit_lines,late_payments,months_employed');
    assert.equal(m.metadata['used_features'], 'age,income,debt_ratio,late_payments');
    assert.equal(m.metadata['training_data'], 'data/credit-risk/applications-2025-10.parquet');
    assert.deepEqual(m.onnx.externalDataFiles, []);
  });

  test('credit-risk-v2 differs in model version and estimator', async () => {
    const m = await readOnnxMetadata(fixture('models', 'credit-risk-v2.onnx'));
    assert.equal(m.onnx.modelVersion, 2);
    assert.equal(m.metadata['sklearn_estimator'], 'StandardScaler+LogisticRegression(C=1.0)');
    assert.equal(m.parameterCount, 14);
  });

  test('delivery-eta: regressors with 3 and 5 features', async () => {
    const v1 = await readOnnxMetadata(fixture('models', 'delivery-eta-v1.onnx'));
    const v2 = await readOnnxMetadata(fixture('models', 'delivery-eta-v2.onnx'));
    assert.deepEqual(v1.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 3] }]);
    assert.deepEqual(v2.inputs, [{ name: 'features', dtype: 'float32', shape: ['N', 5] }]);
    assert.deepEqual(v2.outputs, [{ name: 'eta_minutes', dtype: 'float32', shape: ['N', 1] }]);
    assert.equal(v1.parameterCount, 4);
    assert.equal(v2.parameterCount, 6);
    assert.equal(prop(v2, 'Operators'), 'MatMul, Add');
    assert.equal(prop(v2, 'Graph'), 'delivery_eta_linear');
  });

  test('churn-gbt: tree ensemble from the ai.onnx.ml domain', async () => {
    const m = await readOnnxMetadata(fixture('models', 'churn-gbt.onnx'));
    assert.deepEqual(m.onnx.opsets, [
      { domain: 'ai.onnx', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
    assert.equal(prop(m, 'Opsets'), 'ai.onnx 17, ai.onnx.ml 3');
    assert.deepEqual(m.onnx.operators, [{ opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', count: 1 }]);
    assert.equal(prop(m, 'Operators'), 'ai.onnx.ml.TreeEnsembleClassifier');
    assert.equal(m.onnx.nodeCount, 1);
    assert.equal(m.parameterCount, 0);
    // The trees live in node attributes: counted from nodes_treeids, shown instead of "Parameters 0".
    assert.deepEqual([m.onnx.trees, m.onnx.treeNodes], [10, 150]);
    assert.equal(prop(m, 'Trees'), '10 (150 tree nodes)');
    assert.equal(prop(m, 'Parameters'), undefined);
    assert.deepEqual(m.inputs, [{ name: 'float_input', dtype: 'float32', shape: ['N', 5] }]);
    assert.equal(m.metadata['holdout_auc'], '0.7971');
  });
});

describe('readOnnxMetadata on bad input', () => {
  test('empty file', async () => {
    await assert.rejects(readOnnxMetadata(fixture('onnx', 'empty.onnx')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.message, 'Empty file: 0 bytes — not an ONNX model');
      return true;
    });
  });

  test('truncated file names the field, the bytes needed and the file end', async () => {
    await assert.rejects(readOnnxMetadata(fixture('onnx', 'truncated.onnx')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(
        err.message,
        "Truncated ONNX file: field 'graph' needs 437 bytes at offset 137 but the file ends at 549 — the file is incomplete; re-export or re-download it",
      );
      return true;
    });
  });

  test('text that is not protobuf', async () => {
    await assert.rejects(readOnnxMetadata(fixture('onnx', 'not-protobuf.onnx')), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /^Not a valid ONNX model: the file does not start with a protobuf ModelProto field \(first bytes 74 68 69 73 .*"this is "\) at byte 0$/);
      return true;
    });
  });

  test('missing file', async () => {
    await assert.rejects(readOnnxMetadata(fixture('onnx', 'absent.onnx')), /File not found/);
  });

  test('a ModelProto without a graph', async () => {
    const buf = msg(pbVarint(1, 8), pbBytes(2, 'exporter'));
    await assert.rejects(parseOnnx(bufferSource(buf), 'nograph.onnx'), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.match(err.message, /^ONNX model has no graph: nograph\.onnx contains ModelProto fields but no 'graph'/);
      return true;
    });
  });

  test('every truncation of a real model fails with a FormatError, never anything else', async () => {
    const full = await readFile(fixture('models', 'credit-risk-v1.onnx'));
    const ok = await parseOnnx(bufferSource(full), 'full.onnx');
    assert.equal(ok.parameterCount, 14);
    let failures = 0;
    for (let n = 1; n < full.length; n++) {
      const result: unknown = await parseOnnx(bufferSource(full.subarray(0, n)), 'cut.onnx').catch((e: unknown) => e);
      if (result instanceof FormatError) {
        failures++;
        assert.match(result.message, /^(Truncated ONNX file|Not a valid ONNX model|ONNX model has no graph)/, `prefix of ${n} bytes: ${result.message}`);
      } else {
        // Protobuf cannot see a cut that falls exactly between top-level fields after the graph: the graph is whole.
        assert.ok(result instanceof Object && 'onnx' in result, `prefix of ${n} bytes: ${String(result)}`);
        const m = result as OnnxMetadata;
        assert.deepEqual(m.inputs, ok.inputs);
        assert.deepEqual(m.outputs, ok.outputs);
      }
    }
    assert.ok(failures > full.length * 0.6, `only ${failures} of ${full.length - 1} prefixes failed`);
  });

  test('random bytes fail with a FormatError', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const buf = randomBytes(seed, 1 + (seed % 97));
      const err = await parseOnnx(bufferSource(buf), 'noise.onnx').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof FormatError, `seed ${seed}: expected FormatError, got ${String(err)}`);
    }
  });
});

describe('ONNX schema cases built from onnx.proto field numbers', () => {
  test('graph inputs that are also initializers (old IR) are not model inputs', async () => {
    const graph = msg(
      pbBytes(1, node('MatMul')),
      pbBytes(2, 'old_ir'),
      pbBytes(5, initializer('W', [4, 2], [pbBytes(9, Buffer.alloc(32))])),
      pbBytes(11, valueInfo('X', tensorType(1, [1, 4]))),
      pbBytes(11, valueInfo('W', tensorType(1, [4, 2]))),
      pbBytes(12, valueInfo('Y', tensorType(1, [1, 2]))),
    );
    const m = await parseOnnx(bufferSource(model(graph, 3)), 'old.onnx');
    assert.deepEqual(m.inputs, [{ name: 'X', dtype: 'float32', shape: [1, 4] }]);
    assert.deepEqual(m.outputs, [{ name: 'Y', dtype: 'float32', shape: [1, 2] }]);
    assert.equal(m.parameterCount, 8);
    assert.equal(m.onnx.irVersion, 3);
    assert.equal(prop(m, 'Opset'), 'ai.onnx 13');
    assert.equal(prop(m, 'Producer'), 'builder 0.1');
  });

  test('sequence, map, optional and unknown-rank types', async () => {
    const zipMap = pbBytes(4, pbBytes(1, pbBytes(5, msg(pbVarint(1, 7), pbBytes(2, tensorType(1))))));
    const optional = pbBytes(9, pbBytes(1, tensorType(6, ['batch', 3])));
    const graph = msg(
      pbBytes(1, node('ZipMap', 'ai.onnx.ml')),
      pbBytes(1, node('Identity')),
      pbBytes(1, node('Identity')),
      pbBytes(11, valueInfo('x', tensorType(11))),
      pbBytes(12, valueInfo('output_probability', zipMap)),
      pbBytes(12, valueInfo('maybe', optional)),
    );
    const m = await parseOnnx(bufferSource(model(graph)), 'types.onnx');
    assert.deepEqual(m.inputs, [{ name: 'x', dtype: 'float64', shape: null }]);
    assert.deepEqual(m.outputs, [
      { name: 'output_probability', dtype: 'seq(map(int64,float32))', shape: null },
      { name: 'maybe', dtype: 'optional(int32)', shape: ['batch', 3] },
    ]);
    assert.deepEqual(m.onnx.operators, [
      { opType: 'ZipMap', domain: 'ai.onnx.ml', count: 1 },
      { opType: 'Identity', domain: '', count: 2 },
    ]);
  });

  test('external data: required files are listed, and missing ones flagged', async () => {
    const external = (location: string): Buffer[] => [
      pbBytes(13, msg(pbBytes(1, 'location'), pbBytes(2, location))),
      pbBytes(13, msg(pbBytes(1, 'offset'), pbBytes(2, '0'))),
      pbVarint(14, 1),
    ];
    const graph = msg(
      pbBytes(1, node('MatMul')),
      pbBytes(5, initializer('W1', [1000, 1000], external('weights.bin'))),
      pbBytes(5, initializer('W2', [1000], external('weights.bin'))),
      pbBytes(5, initializer('b', [10], [pbBytes(9, Buffer.alloc(40))])),
      pbBytes(11, valueInfo('X', tensorType(1, ['N', 1000]))),
      pbBytes(12, valueInfo('Y', tensorType(1, ['N', 1000]))),
    );
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'big.onnx', model(graph));
      const m = await readOnnxMetadata(path);
      assert.deepEqual(m.onnx.externalDataFiles, ['weights.bin']);
      assert.deepEqual(m.onnx.missingExternalDataFiles, ['weights.bin']);
      assert.equal(prop(m, 'External data'), 'weights.bin (2 tensors)');
      assert.equal(prop(m, 'Missing external data'), 'weights.bin');
      assert.equal(m.parameterCount, 1_001_010);
      assert.equal(m.onnx.initializers[0]?.externalLocation, 'weights.bin');
      assert.equal(m.onnx.initializers[2]?.externalLocation, undefined);

      await writeTemp(dir, 'weights.bin', Buffer.alloc(16));
      const again = await readOnnxMetadata(path);
      assert.deepEqual(again.onnx.missingExternalDataFiles, []);
      assert.equal(prop(again, 'Missing external data'), undefined);
    });
  });

  test('initializer raw_data is skipped without being read', async () => {
    const raw = Buffer.alloc(4 * 1024 * 1024, 0x11);
    const graph = msg(
      pbBytes(1, node('Gemm')),
      pbBytes(5, initializer('W', [1024, 1024], [pbBytes(9, raw)])),
      pbBytes(11, valueInfo('X', tensorType(1, ['N', 1024]))),
      pbBytes(12, valueInfo('Y', tensorType(1, ['N', 1024]))),
    );
    const buf = model(graph);
    const inner = bufferSource(buf);
    let bytesRead = 0;
    const counting: ByteSource = {
      size: inner.size,
      read(offset, length) {
        bytesRead += length;
        return inner.read(offset, length);
      },
    };
    const m = await parseOnnx(counting, 'big.onnx');
    assert.equal(m.parameterCount, 1024 * 1024);
    assert.ok(bytesRead < 4096, `read ${bytesRead} bytes of a ${buf.length}-byte model`);
  });

  test('data type names', () => {
    assert.equal(onnxDataTypeName(1), 'float32');
    assert.equal(onnxDataTypeName(7), 'int64');
    assert.equal(onnxDataTypeName(16), 'bfloat16');
    assert.equal(onnxDataTypeName(17), 'float8e4m3fn');
    assert.equal(onnxDataTypeName(22), 'int4');
    assert.equal(onnxDataTypeName(99), 'dtype(99)');
  });
});
