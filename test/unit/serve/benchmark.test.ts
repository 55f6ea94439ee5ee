import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { benchmarkModel } from '../../../src/serve/benchmark';
import { InferenceError, isOnnxRuntimeLoaded } from '../../../src/serve/runtime';
import { isAbortError } from '../../../src/core/util/concurrency';
import type { BenchmarkPhase, LatencyBenchmarkResult } from '../../../src/shared/serve';

const ROOT = resolve(__dirname, '..', '..', '..');
const MODELS = join(ROOT, 'test', 'fixtures', 'models');
const CLASSIFIER = join(MODELS, 'credit-risk-v2.onnx'); // float_input float32 [N, 6] → label, probabilities
const REGRESSOR = join(MODELS, 'delivery-eta-v1.onnx'); // features float32 [N, 3] → eta_minutes
const TREES = join(MODELS, 'churn-gbt.onnx'); // ai.onnx.ml TreeEnsembleClassifier, float_input [N, 5]
const TRUNCATED = join(ROOT, 'test', 'fixtures', 'onnx', 'truncated.onnx');
const NOT_PROTOBUF = join(ROOT, 'test', 'fixtures', 'onnx', 'not-protobuf.onnx');
const EMPTY = join(ROOT, 'test', 'fixtures', 'onnx', 'empty.onnx');
const CREDIT_FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];

function assertOrdered(result: LatencyBenchmarkResult): void {
  const l = result.latency;
  assert.ok(l.min > 0, `min ${l.min}`);
  assert.ok(l.min <= l.p50, `min ${l.min} ≤ p50 ${l.p50}`);
  assert.ok(l.p50 <= l.p90, `p50 ${l.p50} ≤ p90 ${l.p90}`);
  assert.ok(l.p90 <= l.p95, `p90 ${l.p90} ≤ p95 ${l.p95}`);
  assert.ok(l.p95 <= l.p99, `p95 ${l.p95} ≤ p99 ${l.p99}`);
  assert.ok(l.p99 <= l.max, `p99 ${l.p99} ≤ max ${l.max}`);
  assert.ok(l.mean >= l.min && l.mean <= l.max);
}

describe('benchmark module loading', () => {
  it('does not load onnxruntime-node when imported (checked in a fresh process)', async () => {
    const script = [
      "Promise.all([import('./src/serve/benchmark.ts'), import('./src/serve/runtime.ts')]).then(([ns, rt]) => {",
      "  const m = typeof ns.benchmarkModel === 'function' ? ns : ns.default;",
      "  const r = typeof rt.isOnnxRuntimeLoaded === 'function' ? rt : rt.default;",
      '  const cached = Object.keys(require.cache).filter((k) => k.includes("onnxruntime"));',
      '  console.log(JSON.stringify({ exports: Object.keys(m).length, cached, helper: r.isOnnxRuntimeLoaded() }));',
      '});',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { exports: number; cached: string[]; helper: boolean };
    assert.ok(report.exports > 0, 'the module was imported');
    assert.deepEqual(report.cached, []);
    assert.equal(report.helper, false);
  });

  it('loads onnxruntime-node on the first benchmark, and the helper sees it', async () => {
    // This file imports onnxruntime-node nowhere else, so nothing has loaded it yet in this process.
    assert.equal(isOnnxRuntimeLoaded(), false);
    await benchmarkModel(REGRESSOR, { runs: 1, warmupRuns: 0 });
    assert.equal(isOnnxRuntimeLoaded(), true);
  });
});

describe('benchmarkModel on fixture models', () => {
  it('measures the classifier: cold start, first run, ordered percentiles, runs honoured', async () => {
    const result = await benchmarkModel(CLASSIFIER, { runs: 60, warmupRuns: 5 });
    assert.equal(result.modelPath, CLASSIFIER);
    assert.equal(result.runs, 60);
    assert.equal(result.warmupRuns, 5);
    assert.equal(result.latency.count, 60);
    assert.equal(result.samplesMs.length, 60);
    assert.ok(result.samplesMs.every((s) => Number.isFinite(s) && s > 0));
    assertOrdered(result);
    assert.ok(result.coldStartMs > 0);
    assert.ok(result.firstRunMs > 0);
    assert.ok(Math.abs(result.totalMeasuredMs - result.samplesMs.reduce((a, b) => a + b, 0)) < 1e-9);
    assert.ok(result.measureWallMs >= result.totalMeasuredMs);
    assert.ok(Math.abs(result.throughput - (60 * 1000) / result.totalMeasuredMs) < 1e-6 * result.throughput);
    assert.deepEqual(result.inputs, [{ name: 'float_input', dtype: 'float32', dims: [1, 6] }]);
    assert.deepEqual(result.outputs, [
      { name: 'label', dtype: 'int64', dims: [1] },
      { name: 'probabilities', dtype: 'float32', dims: [1, 2] },
    ]);
    assert.deepEqual(result.runtime, { name: 'onnxruntime-node', version: '1.30.0', executionProvider: 'cpu' });
    assert.ok(result.notes.some((n) => n.includes('pseudo-random')));
    assert.ok(!Number.isNaN(Date.parse(result.startedAt)));
  });

  it('uses the batch size for the symbolic batch dimension and in the throughput', async () => {
    const result = await benchmarkModel(CLASSIFIER, { runs: 20, warmupRuns: 2, batchSize: 8 });
    assert.deepEqual(result.inputs[0]?.dims, [8, 6]);
    assert.deepEqual(result.outputs.find((o) => o.name === 'probabilities')?.dims, [8, 2]);
    assert.ok(Math.abs(result.throughput - (20 * 8 * 1000) / result.totalMeasuredMs) < 1e-6 * result.throughput);
  });

  it('runs a regressor and an ai.onnx.ml tree ensemble', async () => {
    const regressor = await benchmarkModel(REGRESSOR, { runs: 30, warmupRuns: 3 });
    assert.equal(regressor.latency.count, 30);
    assertOrdered(regressor);
    assert.deepEqual(regressor.inputs, [{ name: 'features', dtype: 'float32', dims: [1, 3] }]);
    assert.deepEqual(regressor.outputs, [{ name: 'eta_minutes', dtype: 'float32', dims: [1, 1] }]);

    const trees = await benchmarkModel(TREES, { runs: 30, warmupRuns: 3, batchSize: 4 });
    assert.equal(trees.latency.count, 30);
    assertOrdered(trees);
    assert.deepEqual(trees.inputs, [{ name: 'float_input', dtype: 'float32', dims: [4, 5] }]);
    assert.deepEqual(trees.outputs.map((o) => o.name).sort(), ['label', 'probabilities']);
  });

  it('feeds snapshot rows when feature names are given', async () => {
    const rows = [
      { age: 41, income: 52000, debt_ratio: 0.3, credit_lines: 4, late_payments: 0, months_employed: 60, region: 'north' },
      { age: 29, income: 31000, debt_ratio: 0.55, credit_lines: 2, late_payments: 2, months_employed: 12, region: 'west' },
    ];
    const result = await benchmarkModel(CLASSIFIER, { runs: 10, warmupRuns: 1, batchSize: 2, rows, featureNames: CREDIT_FEATURES });
    assert.deepEqual(result.inputs[0]?.dims, [2, 6]);
    assert.ok(result.notes.some((n) => n.includes('data snapshot')));
    assert.ok(!result.notes.some((n) => n.includes('pseudo-random')));
  });

  it('accepts a signature from the format reader and ignores entries that are not model inputs', async () => {
    const result = await benchmarkModel(CLASSIFIER, {
      runs: 5,
      warmupRuns: 0,
      inputs: [
        { name: 'float_input', dtype: 'float32', shape: ['N', 6] },
        { name: 'coef', dtype: 'float32', shape: [6, 2] },
      ],
    });
    assert.equal(result.latency.count, 5);
    assert.ok(result.notes.some((n) => n.includes('coef')));
  });

  it('reports progress per phase, ending with the totals', async () => {
    const calls: [number, number, BenchmarkPhase][] = [];
    await benchmarkModel(CLASSIFIER, { runs: 250, warmupRuns: 7, onProgress: (done, total, phase) => calls.push([done, total, phase]) });
    const warmup = calls.filter((c) => c[2] === 'warmup');
    const measure = calls.filter((c) => c[2] === 'measure');
    assert.deepEqual(warmup.at(-1), [7, 7, 'warmup']);
    assert.deepEqual(measure.at(-1), [250, 250, 'measure']);
    assert.ok(calls.indexOf(warmup.at(-1) as [number, number, BenchmarkPhase]) < calls.indexOf(measure[0] as [number, number, BenchmarkPhase]));
    for (const list of [warmup, measure]) {
      const done = list.map((c) => c[0]);
      assert.deepEqual(done, [...done].sort((a, b) => a - b));
      assert.equal(new Set(done).size, done.length);
    }
    assert.ok(measure.length <= 101, `progress is throttled (${measure.length} calls)`);
  });
});

describe('benchmarkModel cancellation', () => {
  it('stops early when aborted between runs and throws an AbortError', async () => {
    const controller = new AbortController();
    const runs = 1_000_000;
    let lastDone = 0;
    const error = await benchmarkModel(CLASSIFIER, {
      runs,
      warmupRuns: 2,
      signal: controller.signal,
      onProgress: (done, _total, phase) => {
        if (phase !== 'measure') return;
        lastDone = done;
        if (done >= 1_000) controller.abort();
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, 'rejected');
    assert.equal(error.name, 'AbortError');
    assert.ok(isAbortError(error));
    assert.ok(lastDone >= 1_000 && lastDone < runs, `stopped after ${lastDone} runs`);
    // The session was released and the runtime is still usable.
    const again = await benchmarkModel(CLASSIFIER, { runs: 3, warmupRuns: 0 });
    assert.equal(again.latency.count, 3);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(benchmarkModel(CLASSIFIER, { signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('benchmarkModel errors', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-bench-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const expectLoadError = async (file: string, ...fragments: RegExp[]): Promise<InferenceError> => {
    const error = await benchmarkModel(file, { runs: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof InferenceError, `InferenceError, got ${String(error)}`);
    assert.equal(error.modelPath, file);
    assert.ok(error.message.includes(`"${file}"`), `names the file: ${error.message}`);
    for (const f of fragments) assert.match(error.message, f);
    return error;
  };

  it('explains a truncated model file, naming it and keeping the runtime error as cause', async () => {
    const error = await expectLoadError(TRUNCATED, /complete, valid ONNX model/, /re-export or re-download/);
    assert.ok(error.cause instanceof Error);
    assert.match(error.cause.message, /Protobuf parsing failed|failed/i);
  });

  it('explains a model cut short in a copy of a real fixture', async () => {
    const bytes = await readFile(CLASSIFIER);
    const cut = join(dir, 'credit-risk-cut.onnx');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await expectLoadError(cut, /Could not load the ONNX model/);
    assert.ok(error.cause instanceof Error);
  });

  it('explains a file that is not ONNX at all', async () => {
    await expectLoadError(NOT_PROTOBUF, /Could not load the ONNX model/);
  });

  it('explains an empty file, a missing file, a directory and a Git LFS pointer', async () => {
    await expectLoadError(EMPTY, /empty \(0 bytes\)/);
    const missing = await expectLoadError(join(dir, 'nope.onnx'), /does not exist/);
    assert.equal((missing.cause as NodeJS.ErrnoException).code, 'ENOENT');
    await expectLoadError(dir, /is a directory/);
    const pointer = join(dir, 'lfs.onnx');
    await writeFile(pointer, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1234\n');
    await expectLoadError(pointer, /Git LFS pointer/, /git lfs pull/);
  });

  it('explains inputs the model rejects, naming the file and the input', async () => {
    const copy = join(dir, 'credit-risk.onnx');
    await copyFile(CLASSIFIER, copy);
    const error = await benchmarkModel(copy, { runs: 1, inputs: [{ name: 'float_input', dtype: 'float32', shape: ['N', 5] }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof InferenceError);
    assert.ok(error.message.includes(`"${copy}"`));
    assert.match(error.message, /float_input: float32\[1, 5\]/);
    assert.match(error.message, /input signature/);
    assert.ok(error.cause instanceof Error);
  });

  it('rejects unsupported input types with a message naming the input', async () => {
    const error = await benchmarkModel(CLASSIFIER, { runs: 1, inputs: [{ name: 'float_input', dtype: 'map(int64,float32)', shape: null }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof InferenceError);
    assert.ok(error.message.includes(CLASSIFIER));
    assert.match(error.message, /Input "float_input" has type map\(int64,float32\)/);
  });

  it('rejects nonsensical run counts before loading anything', async () => {
    await assert.rejects(benchmarkModel(CLASSIFIER, { runs: 0 }), RangeError);
    await assert.rejects(benchmarkModel(CLASSIFIER, { warmupRuns: -1 }), RangeError);
    await assert.rejects(benchmarkModel(CLASSIFIER, { batchSize: 0 }), RangeError);
  });
});
