// How much does MLShip's latency harness (benchmarkModel) add on top of a bare onnxruntime-node loop?
//
// For each fixture model, in one process, after two unrecorded rounds of each side, repetitions alternate which side
// goes first:
//   harness: benchmarkModel(model, { runs: N, warmupRuns: W })
//   raw:     InferenceSession.create, the same feeds, 1 + W untimed runs, then N × `await session.run(feeds)`, each
//            timed with process.hrtime.bigint (as the harness does), and the whole loop timed too.
// Reported per model, as the median over repetitions of harness / raw:
//   - per-inference wall time of the timed phase (harness.measureWallMs / N vs the raw loop's total / N): the cost of
//     the harness's abort checks, event-loop yields and bookkeeping;
//   - the median per-run sample (harness p50 vs raw p50): whether the harness's own measurements are inflated;
//   - end-to-end time of the whole call (session creation, inputs, warm-up and timed runs) vs the same raw script.
//
// Run standalone: node --import tsx bench/latency-overhead.ts  (prints a table, writes bench/results/latency-overhead.json)

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../src/core/formats/types';
import { benchmarkModel } from '../src/serve/benchmark';
import { buildInputs } from '../src/core/inference/inputs';
import { median, type BenchFigure } from './figures';

export type { BenchFigure };

export interface LatencyOverheadOptions {
  /** Timed runs per repetition. Default 3000. */
  runs?: number;
  /** Warm-up runs per repetition (both sides). Default 50. */
  warmupRuns?: number;
  /** Repetitions per model; order alternates between them. Default 8. */
  repetitions?: number;
  /** Print progress. Default false. */
  verbose?: boolean;
  /** Models to measure instead of the fixture classifier and tree ensemble. */
  models?: { label: string; file: string }[];
}

const ROOT = typeof __dirname === 'string' ? join(__dirname, '..') : process.cwd();
const MODELS_DIR = join(ROOT, 'test', 'fixtures', 'models');

/** The fixture models measured (written by `npm run fixtures`). */
const FIXTURE_MODELS: { label: string; file: string }[] = [
  { label: 'classifier', file: join(MODELS_DIR, 'credit-risk-v2.onnx') },
  { label: 'tree ensemble', file: join(MODELS_DIR, 'churn-gbt.onnx') },
];

const RAW = 'raw onnxruntime-node loop';
const OVERHEAD_GOAL = 'harness/raw ≤ 1.10';

interface RawResult {
  totalMs: number;
  loopWallMs: number;
  samplesMs: number[];
}

async function rawLoop(modelPath: string, runs: number, warmupRuns: number): Promise<RawResult> {
  const start = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  try {
    // The same feeds the harness builds: same signature source (the session), same default seed.
    const specs: TensorSpec[] = session.inputMetadata.map((m) => {
      if (!m.isTensor) throw new Error(`${modelPath}: input ${m.name} is not a tensor`);
      return { name: m.name, dtype: m.type, shape: m.shape.map((d) => (d === '' ? null : d)) };
    });
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(buildInputs(specs).feeds)) {
      feeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
    }
    for (let i = 0; i < 1 + warmupRuns; i++) await session.run(feeds);
    const samplesMs = new Array<number>(runs);
    const loopStart = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      samplesMs[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const loopWallMs = Number(process.hrtime.bigint() - loopStart) / 1e6;
    return { totalMs: Number(process.hrtime.bigint() - start) / 1e6, loopWallMs, samplesMs };
  } finally {
    await session.release();
  }
}

interface Repetition {
  harnessWallUs: number;
  rawWallUs: number;
  harnessP50Us: number;
  rawP50Us: number;
  harnessTotalMs: number;
  rawTotalMs: number;
}

/** Measure the harness's overhead on the fixture models; one set of figures per model. */
export async function runLatencyOverheadBench(options: LatencyOverheadOptions = {}): Promise<BenchFigure[]> {
  const runs = options.runs ?? 3000;
  const warmupRuns = options.warmupRuns ?? 50;
  const repetitions = options.repetitions ?? 8;
  const log = options.verbose === true ? (line: string) => console.log(line) : () => undefined;

  const models = options.models ?? FIXTURE_MODELS;
  const absent = models.filter((m) => !existsSync(m.file)).map((m) => m.file);
  if (absent.length > 0) throw new Error(`Missing benchmark models: ${absent.join(', ')}. Run npm run fixtures first.`);

  const figures: BenchFigure[] = [];
  for (const { label, file } of models) {
    // Two unrecorded rounds of each side first, so neither pays for JIT compilation or first-touch allocations.
    for (let i = 0; i < 2; i++) {
      await benchmarkModel(file, { runs, warmupRuns });
      await rawLoop(file, runs, warmupRuns);
    }
    const reps: Repetition[] = [];
    for (let r = 0; r < repetitions; r++) {
      const harnessFirst = r % 2 === 0;
      let harness: { wallUs: number; p50Us: number; totalMs: number } | undefined;
      let raw: RawResult | undefined;
      for (const side of harnessFirst ? ['harness', 'raw'] : ['raw', 'harness']) {
        if (side === 'harness') {
          const t0 = process.hrtime.bigint();
          const result = await benchmarkModel(file, { runs, warmupRuns });
          const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
          harness = { wallUs: (result.measureWallMs * 1000) / runs, p50Us: result.latency.p50 * 1000, totalMs };
        } else {
          raw = await rawLoop(file, runs, warmupRuns);
        }
      }
      if (harness === undefined || raw === undefined) throw new Error('unreachable');
      const rep: Repetition = {
        harnessWallUs: harness.wallUs,
        rawWallUs: (raw.loopWallMs * 1000) / runs,
        harnessP50Us: harness.p50Us,
        rawP50Us: median(raw.samplesMs) * 1000,
        harnessTotalMs: harness.totalMs,
        rawTotalMs: raw.totalMs,
      };
      reps.push(rep);
      log(
        `${label} rep ${r + 1}/${repetitions} (${harnessFirst ? 'harness first' : 'raw first'}): wall ${rep.harnessWallUs.toFixed(2)} vs ${rep.rawWallUs.toFixed(2)} µs/inference, p50 ${rep.harnessP50Us.toFixed(2)} vs ${rep.rawP50Us.toFixed(2)} µs`,
      );
    }
    const m = (pick: (rep: Repetition) => number): number => median(reps.map(pick));
    const name = `latency-overhead ${label} (${relative(ROOT, file)})`;
    figures.push(
      {
        name: `${name}: per-inference wall time, timed phase`,
        value: m((x) => x.harnessWallUs),
        unit: 'µs',
        peer: { name: RAW, value: m((x) => x.rawWallUs) },
        ratio: m((x) => x.harnessWallUs / x.rawWallUs),
        goal: OVERHEAD_GOAL,
      },
      {
        name: `${name}: measured p50 per run`,
        value: m((x) => x.harnessP50Us),
        unit: 'µs',
        peer: { name: RAW, value: m((x) => x.rawP50Us) },
        ratio: m((x) => x.harnessP50Us / x.rawP50Us),
        goal: OVERHEAD_GOAL,
      },
      {
        name: `${name}: whole call, ${runs} runs + ${warmupRuns} warm-up`,
        value: m((x) => x.harnessTotalMs),
        unit: 'ms',
        peer: { name: RAW, value: m((x) => x.rawTotalMs) },
        ratio: m((x) => x.harnessTotalMs / x.rawTotalMs),
      },
    );
  }
  return figures;
}

function printTable(figures: readonly BenchFigure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${f.value.toFixed(2)} ${f.unit}`,
    f.peer ? `${f.peer.value.toFixed(2)} ${f.unit}` : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(3)}×` : '',
    f.goal ?? '',
  ]);
  const header = ['figure', 'harness', 'raw loop', 'ratio (median)', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const figures = await runLatencyOverheadBench({ verbose: true });
  console.log('');
  printTable(figures);
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, 'latency-overhead.json');
  await writeFile(
    out,
    `${JSON.stringify({ bench: 'latency-overhead', date: new Date().toISOString(), node: process.version, onnxruntime: ort.env.versions.node ?? ort.env.versions.common, figures }, null, 2)}\n`,
  );
  console.log(`\nwrote ${relative(process.cwd(), out)}`);
}

if (process.argv[1] !== undefined && /latency-overhead\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
