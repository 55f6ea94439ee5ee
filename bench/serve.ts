// Local server (dist/serve.js, OIP v2 over HTTP on loopback) under load with autocannon, next to an in-process
// onnxruntime-node loop at the same concurrency, on the same model in the same run:
//   throughput ratio  server req/s ÷ loop inferences/s       (goal ≥ 0.90)
//   p99 overhead      server p99 − loop p99, ms              (goal ≤ 1 ms)
// The server runs as it does for users (prediction and feedback logs on, /metrics on, dynamic batching at its default),
// and again with --max-batch 1 (no batching). Three models: the credit-risk classifier (a few µs of compute, so HTTP
// and JSON dominate), a 16-layer MLP (~0.1 ms of compute) and a 256-layer MLP (~2 ms). Next to each, bare servers in
// their own processes take the same load with the same body:
//   bench/bare-http.cjs  node:http answering `{}`: the ceiling of a server built on node:http, without the model;
//   bench/bare-net.cjs   node:net framing requests by Content-Length and answering `{}`: only socket reads and
//                        writes, the ceiling of any Node server here (and of what autocannon, itself a Node process
//                        on the same cores, can send), without the model;
//   bench/bare-ort.cjs   node:net framing + JSON.parse of the body + one onnxruntime-node run per request + a minimal
//                        JSON answer with the outputs: what any OIP server for this model must do, the honest ceiling
//                        with the model; and again with `--batch` (the requests waiting at each run share it).
// The loop has the cores to itself; every server shares them with autocannon. When the node:net + onnxruntime ceiling
// is below 0.9 × the loop, the throughput goal is out of reach for any Node server on this machine, and its p99 bounds
// the p99 overhead from below; our server is then judged against that ceiling.
// Both sides are measured alike: the same row, 8 in flight, warm-up first; p99 from every response's own time (as the
// loop times each run), and the loop in two halves, before and after the servers, so load drift hits both sides.
//
// Run standalone (after `npm run build`): node --import tsx bench/serve.ts [seconds per measurement] [model label part]
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { startLocalDeployment } from '../src/core/inference/modelProcess';
import type { BenchFigure } from './figures';
import { printFigures } from './figures';

interface CannonResult {
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
/** A running autocannon: a promise of its result that also reports each response with its time in ms (a float). */
type CannonRun = Promise<CannonResult> & { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => CannonRun;

const ROOT = join(__dirname, '..');

interface Case {
  label: string;
  file: string;
  input: string;
  width: number;
}

const CASES: Case[] = [
  { label: 'credit-risk classifier', file: join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx'), input: 'float_input', width: 6 },
  { label: '16-layer MLP', file: join(ROOT, 'test', 'fixtures', 'serve', 'mlp.onnx'), input: 'features', width: 64 },
  { label: '256-layer MLP', file: join(ROOT, 'test', 'fixtures', 'serve', 'mlp-deep.onnx'), input: 'features', width: 64 },
];

type BareScript = 'bare-http.cjs' | 'bare-net.cjs' | 'bare-ort.cjs';

/**
 * A bare server in its own process (see the header): bare-http.cjs and bare-net.cjs answer `{}`, bare-ort.cjs runs
 * the model given in `args`.
 */
async function bareServer(script: BareScript, args: string[] = []): Promise<{ url: string; stop: () => void }> {
  const child = fork(join(ROOT, 'bench', script), args, { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(Number(m)));
    child.once('exit', (code) => reject(new Error(`bench/${script} exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function row(width: number): number[] {
  return Array.from({ length: width }, (_, i) => ((i * 7919) % 100) / 10);
}

/** The 99th percentile of latencies in ms, the same way for the loop and for the server. */
function p99Of(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length * 0.99)] ?? Number.NaN;
}

interface LoopRun {
  inferences: number;
  wall: number;
  samples: number[];
}

/** The loop measured in two halves, one before and one after the server runs of a case: the machine's load drifts. */
function joinLoops(a: LoopRun, b: LoopRun): { throughput: number; p99: number } {
  return { throughput: (a.inferences + b.inferences) / (a.wall + b.wall), p99: p99Of([...a.samples, ...b.samples]) };
}

/** `concurrency` workers each awaiting session.run back to back for `seconds`; inferences, wall time and latencies. */
async function inProcessLoop(file: string, input: string, width: number, concurrency: number, seconds: number): Promise<LoopRun> {
  // The same session options as the server (one intra-op thread: see src/serve/server.ts).
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    const feeds = { [input]: new ort.Tensor('float32', Float32Array.from(row(width)), [1, width]) };
    for (let i = 0; i < 200; i++) await session.run(feeds);
    const samples: number[] = [];
    const end = performance.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await session.run(feeds);
        samples.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { inferences: samples.length, wall: (performance.now() - started) / 1000, samples };
  } finally {
    await session.release();
  }
}

type Cannon = CannonResult & { latency: { p99: number } };

/**
 * autocannon against `url` with `body`: 2 s of warm-up, then `seconds` measured. The p99 comes from each response's
 * own time (autocannon's histogram keeps whole milliseconds, too coarse for a 1 ms overhead goal).
 */
async function load(url: string, body: string, concurrency: number, seconds: number): Promise<Cannon> {
  const opts = { url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: concurrency };
  await autocannon({ ...opts, duration: 2 });
  const samples: number[] = [];
  const run = autocannon({ ...opts, duration: seconds });
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) samples.push(ms);
  });
  const result = await run;
  return { ...result, latency: { p99: p99Of(samples) } };
}

async function loadBare(script: BareScript, body: string, concurrency: number, seconds: number, args: string[] = []): Promise<Cannon> {
  const bare = await bareServer(script, args);
  try {
    const result = await load(bare.url, body, concurrency, seconds);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`bench/${script}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    return result;
  } finally {
    bare.stop();
  }
}

async function serverUnderLoad(c: Case, body: string, concurrency: number, seconds: number, maxBatch: number | undefined): Promise<Cannon> {
  const logs = await mkdtemp(join(tmpdir(), 'mlship-bench-serve-'));
  const server = await startLocalDeployment(
    { script: join(ROOT, 'dist', 'serve.js') },
    { modelPath: c.file, modelName: 'm', modelVersion: '1', predictionLog: join(logs, 'p.jsonl'), feedbackLog: join(logs, 'f.jsonl'), ...(maxBatch !== undefined ? { maxBatch } : {}) },
  );
  try {
    const http = await load(`${server.endpoint.url}/v2/models/m/infer`, body, concurrency, seconds);
    if (http.non2xx > 0 || http.errors > 0) throw new Error(`${c.label}: ${http.non2xx} non-2xx answers and ${http.errors} errors under load`);
    return http;
  } finally {
    await server.stop();
    await rm(logs, { recursive: true, force: true });
  }
}

export async function runServeBench(options: { seconds?: number; concurrency?: number; only?: string } = {}): Promise<BenchFigure[]> {
  const seconds = options.seconds ?? 10;
  const concurrency = options.concurrency ?? 8;
  const figures: BenchFigure[] = [];
  for (const c of CASES.filter((k) => options.only === undefined || k.label.includes(options.only))) {
    const body = JSON.stringify({ inputs: [{ name: c.input, shape: [1, c.width], datatype: 'FP32', data: row(c.width) }] });
    // The loop in two halves around the servers, and the ceiling with this case's body measured next to them (the
    // machine's load drifts within a run).
    const loopBefore = await inProcessLoop(c.file, c.input, c.width, concurrency, seconds / 2);
    const ceiling = await loadBare('bare-http.cjs', body, concurrency, seconds);
    const netCeiling = await loadBare('bare-net.cjs', body, concurrency, seconds);
    const ortCeiling = await loadBare('bare-ort.cjs', body, concurrency, seconds, [c.file, c.input]);
    const ortBatched = await loadBare('bare-ort.cjs', body, concurrency, seconds, [c.file, c.input, '--batch']);
    const http = await serverUnderLoad(c, body, concurrency, seconds, undefined);
    const unbatched = await serverUnderLoad(c, body, concurrency, seconds, 1);
    const loop = joinLoops(loopBefore, await inProcessLoop(c.file, c.input, c.width, concurrency, seconds / 2));
    const name = `local server, ${c.label}, ${concurrency} concurrent`;
    const loopPeer = { name: 'in-process onnxruntime-node loop', value: loop.throughput };
    figures.push(
      { name: `${name}: throughput`, value: http.requests.average, unit: 'req/s', peer: loopPeer, ratio: http.requests.average / loop.throughput, goal: 'server/loop ≥ 0.90' },
      { name: `${name}: throughput with --max-batch 1 (no dynamic batching)`, value: unbatched.requests.average, unit: 'req/s', peer: loopPeer, ratio: unbatched.requests.average / loop.throughput },
      { name: `${name}: throughput vs a bare Node HTTP server answering {}`, value: http.requests.average, unit: 'req/s', peer: { name: 'bare Node HTTP server (no model, no JSON work)', value: ceiling.requests.average }, ratio: http.requests.average / ceiling.requests.average },
      { name: `${name}: bare Node HTTP ceiling vs the loop`, value: ceiling.requests.average, unit: 'req/s', peer: loopPeer, ratio: ceiling.requests.average / loop.throughput },
      { name: `${name}: bare node:net ceiling (framing only) vs the loop`, value: netCeiling.requests.average, unit: 'req/s', peer: loopPeer, ratio: netCeiling.requests.average / loop.throughput },
      { name: `${name}: bare node:net + onnxruntime ceiling vs the loop`, value: ortCeiling.requests.average, unit: 'req/s', peer: loopPeer, ratio: ortCeiling.requests.average / loop.throughput },
      { name: `${name}: bare node:net + onnxruntime ceiling with batching vs the loop`, value: ortBatched.requests.average, unit: 'req/s', peer: loopPeer, ratio: ortBatched.requests.average / loop.throughput },
      { name: `${name}: throughput vs the bare node:net + onnxruntime ceiling`, value: http.requests.average, unit: 'req/s', peer: { name: 'bare node:net + onnxruntime server', value: ortCeiling.requests.average }, ratio: http.requests.average / ortCeiling.requests.average },
      { name: `${name}: throughput vs the bare node:net + onnxruntime ceiling with batching`, value: http.requests.average, unit: 'req/s', peer: { name: 'bare node:net + onnxruntime server with batching', value: ortBatched.requests.average }, ratio: http.requests.average / ortBatched.requests.average },
      { name: `${name}: p99 latency`, value: http.latency.p99, unit: 'ms', peer: { name: 'in-process onnxruntime-node loop', value: loop.p99 }, ratio: http.latency.p99 / loop.p99, goal: `overhead ≤ 1 ms (measured ${(http.latency.p99 - loop.p99).toFixed(3)} ms)` },
      { name: `${name}: p99 latency with --max-batch 1`, value: unbatched.latency.p99, unit: 'ms', peer: { name: 'in-process onnxruntime-node loop', value: loop.p99 }, ratio: unbatched.latency.p99 / loop.p99 },
      { name: `${name}: p99 latency vs the bare Node HTTP server`, value: http.latency.p99, unit: 'ms', peer: { name: 'bare Node HTTP server', value: ceiling.latency.p99 }, ratio: http.latency.p99 / ceiling.latency.p99 },
      { name: `${name}: bare node:net p99 vs the loop`, value: netCeiling.latency.p99, unit: 'ms', peer: { name: 'in-process onnxruntime-node loop', value: loop.p99 }, ratio: netCeiling.latency.p99 / loop.p99 },
      { name: `${name}: bare node:net + onnxruntime p99 vs the loop`, value: ortCeiling.latency.p99, unit: 'ms', peer: { name: 'in-process onnxruntime-node loop', value: loop.p99 }, ratio: ortCeiling.latency.p99 / loop.p99 },
      { name: `${name}: bare node:net + onnxruntime p99 overhead over the loop (the least any Node server here adds)`, value: ortCeiling.latency.p99 - loop.p99, unit: 'ms' },
      { name: `${name}: bare node:net + onnxruntime p99 with batching vs the loop`, value: ortBatched.latency.p99, unit: 'ms', peer: { name: 'in-process onnxruntime-node loop', value: loop.p99 }, ratio: ortBatched.latency.p99 / loop.p99 },
      { name: `${name}: bare node:net + onnxruntime p99 overhead over the loop with batching`, value: ortBatched.latency.p99 - loop.p99, unit: 'ms' },
      { name: `${name}: p99 latency vs the bare node:net + onnxruntime server`, value: http.latency.p99, unit: 'ms', peer: { name: 'bare node:net + onnxruntime server', value: ortCeiling.latency.p99 }, ratio: http.latency.p99 / ortCeiling.latency.p99 },
    );
  }
  return figures;
}

if (process.argv[1] !== undefined && /bench[\\/]serve\.[cm]?[jt]s$/.test(process.argv[1])) {
  const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  const before = loadAverage();
  const [seconds, only] = process.argv.slice(2);
  runServeBench({ ...(seconds !== undefined ? { seconds: Number(seconds) } : {}), ...(only !== undefined ? { only } : {}) }).then(
    (f) => printFigures(`Local server vs in-process loop (load average ${before} at the start, ${loadAverage()} at the end)`, f),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
