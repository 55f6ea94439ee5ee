// CPU of watching deployments: 10 deployments polled every 5 s (OIP health, /metrics scrape, prediction and feedback
// log tails, health against budgets), measured in a process that does only that — the work the extension host does
// for the Deployments view — while two local servers (dist/serve.js) take traffic at 20 req/s each. On the same
// servers, without drift (the old figure) and with drift as the extension scores it — each deployment's logged inputs
// against its baseline (the training snapshot the served version's lineage names in samples/), through one
// DriftProcess running `dist/cli.js worker` in a separate process.
//   extension-host CPU share of one core over 60 s, without and with drift  (goal ≤ 2 %)
//   the drift worker's CPU share over the same 60 s (utime + stime from /proc/<pid>/stat)
// Traffic sends the baseline's rows in order. Before the measured processes start, each server's log gets 9,000
// logged inputs (four and a half passes over the 2,000-row baseline, in batches of 500 rows): more than 5 minutes at
// 20 req/s leave, so the status window holds a steady-state amount of logged inputs (≥ 500 for a drift window, > 2,000
// so windows are sampled) from the first poll on. Each measured process reads the whole log again, and the monitors'
// record stores double their columns at powers of two (8,192, 16,384): from 9,000 records, plus 20/s for the ~5 min of
// the four runs, every run follows between 8,192 and 16,384 records, so no run pays a one-off doubling of all 20 stores
// that the others do not (from 6,000 the logs passed 8,192 in the first drift run, ~0.35 ms per poll of its figure).
// The records each run followed are printed with the figures, and the garbage collection inside the measured windows
// (pause time per poll, and how much of it full collections took: part of the CPU figures).
// Set MLSHIP_BENCH_CPU_PROF=DIR to write CPU profiles of the measured processes over their measured windows only
// (DIR/polling-<run>.cpuprofile): a profile of the whole process is mostly the warm-up's first read of the pre-filled logs.
// The profiler samples inside the measured process and its own work counts in that process's CPU (a profiled run
// measured ~4× the CPU per poll of an unprofiled one): compare profiles with profiles, and take figures from runs
// without it.
// Run standalone (after `npm run build`): node --import tsx bench/polling.ts
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { MANIFEST_FILE, parseManifest } from '../src/core/config/manifest';
import { deploymentDriftSource } from '../src/core/deployments/driftSource';
import { startLocalDeployment, type LocalDeploymentProcess } from '../src/core/inference/modelProcess';
import { readSnapshotRows } from '../src/core/formats/tabular';
import { discoverCatalog } from '../src/core/registry/catalog';
import { findModelVersion } from '../src/core/registry/resolve';
import { printFigures, type BenchFigure } from './figures';
import type { PollingDrift, PollingResult, PollingTarget } from './polling-worker';

const ROOT = join(__dirname, '..');
const SAMPLES = join(ROOT, 'samples');
const FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];
/** The deployment's model: the served ONNX file is the fixture of credit-risk version 2 (@champion in samples/). */
const SERVED = 'credit-risk@champion';
const PREFILL_ROWS = 9000;
const PREFILL_BATCH = 500;

/** The baseline the extension would compare the deployment with: the training snapshot of the served version's lineage. */
async function sampleBaseline(): Promise<{ baseline: string; reason: string; mode: 'evidently' | 'effect-size' }> {
  const manifest = parseManifest(await readFile(join(SAMPLES, MANIFEST_FILE), 'utf8')).manifest;
  const catalog = await discoverCatalog(SAMPLES, manifest ? { manifest } : {});
  const source = deploymentDriftSource({ model: SERVED }, manifest?.drift, findModelVersion([catalog], SERVED, SAMPLES), SAMPLES);
  if ('unavailable' in source) throw new Error(`samples/: ${SERVED} has no drift baseline (${source.unavailable})`);
  return source;
}

function inferBody(rows: readonly number[][], id?: string): string {
  return JSON.stringify({ ...(id ? { id } : {}), inputs: [{ name: 'float_input', shape: [rows.length, FEATURES.length], datatype: 'FP32', data: rows.flat() }] });
}

async function infer(url: string, body: string): Promise<void> {
  const r = await fetch(`${url}/v2/models/credit-risk/infer`, { method: 'POST', body });
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} to a pre-fill request`);
}

async function measure(worker: string, targets: PollingTarget[], warmupMs: number, windowMs: number, drift: PollingDrift | undefined, label: string): Promise<PollingResult> {
  const dir = process.env.MLSHIP_BENCH_CPU_PROF;
  const prof = dir ? { env: { ...process.env, MLSHIP_BENCH_CPU_PROFILE: join(dir, `polling-${label}.cpuprofile`) } } : {};
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [worker, JSON.stringify(targets), String(warmupMs), String(windowMs), ...(drift ? [JSON.stringify(drift)] : [])], { cwd: ROOT, maxBuffer: 1 << 22, ...prof });
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as PollingResult;
  // A run meant to score drift that did not is no measurement of drift: say why instead of printing a figure.
  if (drift && (r.driftPolls < r.polls || r.scoreRequests === 0)) throw new Error(`only ${r.driftPolls} of ${r.polls} polls had a drift figure (${r.scoreRequests} scoring requests):\n${stderr.slice(0, 2000)}`);
  return r;
}

/** Two measured runs as one: their CPU, wall time and counts added up. */
function sumResults(a: PollingResult, b: PollingResult): PollingResult {
  const worker = a.workerCpuMs !== null && b.workerCpuMs !== null ? a.workerCpuMs + b.workerCpuMs : null;
  const psi = a.maxPsi === null ? b.maxPsi : b.maxPsi === null ? a.maxPsi : Math.max(a.maxPsi, b.maxPsi);
  const records: [number, number] = [Math.min(a.records[0], b.records[0]), Math.max(a.records[1], b.records[1])];
  return { cpuMs: a.cpuMs + b.cpuMs, wallMs: a.wallMs + b.wallMs, polls: a.polls + b.polls, driftPolls: a.driftPolls + b.driftPolls, scoreRequests: a.scoreRequests + b.scoreRequests, scoredInputs: a.scoredInputs + b.scoredInputs, maxPsi: psi, flagged: [...new Set([...a.flagged, ...b.flagged])].sort(), workerCpuMs: worker, records, gcMs: a.gcMs + b.gcMs, gcs: a.gcs + b.gcs, majorGcMs: a.majorGcMs + b.majorGcMs, majorGcs: a.majorGcs + b.majorGcs };
}

export async function runPollingBench(options: { windowMs?: number; warmupMs?: number } = {}): Promise<BenchFigure[]> {
  // Each measured half spans two periods of the 30 s drift-score reuse, and the warm-up leaves a loaded machine time
  // to start the drift worker: with 30 s halves a slow start could leave a half with no scoring at all.
  const windowMs = options.windowMs ?? 120_000;
  const warmupMs = options.warmupMs ?? 15_000;
  const logs = await mkdtemp(join(tmpdir(), 'mlship-bench-poll-'));
  const servers: LocalDeploymentProcess[] = [];
  let traffic: NodeJS.Timeout | undefined;
  try {
    const source = await sampleBaseline();
    const rows = (await readSnapshotRows(source.baseline, 'parquet', Number.MAX_SAFE_INTEGER)).map((r) => FEATURES.map((f) => Number(r[f])));
    if (rows.length === 0 || rows.some((r) => r.some((v) => !Number.isFinite(v)))) throw new Error(`${source.baseline}: expected numeric ${FEATURES.join(', ')} in every row`);
    for (const i of [0, 1]) {
      servers.push(
        await startLocalDeployment(
          { script: join(ROOT, 'dist', 'serve.js') },
          { modelPath: join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx'), modelName: 'credit-risk', modelVersion: '2', predictionLog: join(logs, `p${i}.jsonl`), feedbackLog: join(logs, `f${i}.jsonl`), featureNames: FEATURES },
        ),
      );
    }
    // Pre-fill: the server itself logs the rows, so the records are exactly what it writes under traffic.
    for (const s of servers) {
      for (let k = 0; k < PREFILL_ROWS; k += PREFILL_BATCH) {
        const batch = Array.from({ length: PREFILL_BATCH }, (_, j) => rows[(k + j) % rows.length] as number[]);
        await infer(s.endpoint.url, inferBody(batch));
      }
    }
    // Traffic from this process (not the measured one): 20 requests/s per server, the baseline's rows in order,
    // feedback for every fourth.
    let n = 0;
    traffic = setInterval(() => {
      for (const s of servers) {
        const id = `b${n}`;
        const row = rows[n % rows.length] as number[];
        const label = n % 2;
        const withFeedback = n % 4 === 0;
        n++;
        void fetch(`${s.endpoint.url}/v2/models/credit-risk/infer`, { method: 'POST', body: inferBody([row], id) })
          .then((r) => r.arrayBuffer())
          .then(() => (withFeedback ? fetch(`${s.endpoint.url}/v2/models/credit-risk/feedback`, { method: 'POST', body: JSON.stringify({ request_id: id, label }) }) : undefined))
          .catch(() => undefined);
      }
    }, 50);
    const targets: PollingTarget[] = servers.map((s, i) => ({ url: s.endpoint.url, metricsUrl: s.endpoint.metricsUrl, predictionLog: join(logs, `p${i}.jsonl`), feedbackLog: join(logs, `f${i}.jsonl`), featureNames: FEATURES }));
    // The worker is bundled like the extension is (esbuild, node/cjs), so no TypeScript loader runs while it is measured.
    const worker = join(logs, 'polling-worker.js');
    await build({ entryPoints: [join(ROOT, 'bench', 'polling-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: worker, logLevel: 'silent' });
    const drift: PollingDrift = { cli: join(ROOT, 'dist', 'cli.js'), ...source, manifestPath: join(SAMPLES, MANIFEST_FILE), cacheDir: join(logs, 'profiles') };
    // Four measured runs of half the window, in the order no drift, drift, drift, no drift, each figure the sum of its
    // two: a machine whose load drifts during the bench moves both alike. (One run of each, one after the other, moved
    // the difference by more than drift costs; both polling at once slowed each other down; taking turns with the
    // scheduler paused in between made each resume a burst of 10 polls, not the steady polling measured here.)
    const half = windowMs / 2;
    const run = (d: PollingDrift | undefined, label: string): Promise<PollingResult> => measure(worker, targets, warmupMs, half, d, label);
    const a1 = await run(undefined, 'no-drift-1');
    const b1 = await run(drift, 'drift-1');
    const b2 = await run(drift, 'drift-2');
    const a2 = await run(undefined, 'no-drift-2');
    const followed = (r: PollingResult): string => `${r.records[0]}–${r.records[1]}`;
    console.log(`  records followed per deployment over the measured windows: no drift ${followed(a1)}, ${followed(a2)}; drift ${followed(b1)}, ${followed(b2)}`);
    const gcs = (r: PollingResult): string => `${(r.gcMs / Math.max(1, r.polls)).toFixed(2)} ms per poll (${r.gcs} collections; full ones ${r.majorGcs}, ${(r.majorGcMs / Math.max(1, r.polls)).toFixed(2)} ms per poll)`;
    console.log(`  garbage collection in the measured windows (part of the CPU figures): no drift ${gcs(sumResults(a1, a2))}; drift ${gcs(sumResults(b1, b2))}`);
    console.log(`  load average after the runs: ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min) on ${availableParallelism()} cores`);
    const plain = sumResults(a1, a2);
    const scored = sumResults(b1, b2);
    const share = (r: PollingResult): number => (r.cpuMs / r.wallMs) * 100;
    const perPoll = (r: PollingResult): number => r.cpuMs / Math.max(1, r.polls);
    const workerShare = ((scored.workerCpuMs ?? 0) / scored.wallMs) * 100;
    const seconds = (r: PollingResult): string => (r.wallMs / 1000).toFixed(0);
    const psi = scored.maxPsi !== null ? scored.maxPsi.toFixed(3) : 'none';
    return [
      { name: `10 deployments polled every 5 s, no drift (${plain.polls} polls in ${seconds(plain)} s): extension-host CPU share of one core`, value: share(plain), unit: '%', peer: { name: 'budget', value: 2 }, ratio: share(plain) / 2, goal: '≤ 2 % (ratio ≤ 1)' },
      { name: `10 deployments polled every 5 s, drift scored in the worker (${scored.polls} polls, ${scored.scoreRequests} scoring requests of ${Math.round(scored.scoredInputs / Math.max(1, scored.scoreRequests))} inputs in ${seconds(scored)} s): extension-host CPU share of one core`, value: share(scored), unit: '%', peer: { name: 'budget', value: 2 }, ratio: share(scored) / 2, goal: '≤ 2 % (ratio ≤ 1)' },
      { name: 'extension-host CPU share with drift vs without', value: share(scored), unit: '%', peer: { name: 'no drift, same servers', value: share(plain) }, ratio: share(scored) / Math.max(1e-9, share(plain)) },
      { name: `drift worker process (dist/cli.js worker) CPU share of one core, /proc/<pid>/stat utime+stime (highest PSI ${psi}; flagged: ${scored.flagged.join(', ') || 'none'})`, value: workerShare, unit: '%', peer: { name: 'extension host, same run', value: share(scored) }, ratio: workerShare / Math.max(1e-9, share(scored)) },
      { name: '10 deployments polled every 5 s, no drift: extension-host CPU per poll', value: perPoll(plain), unit: 'ms', peer: { name: 'poll interval', value: 5000 }, ratio: perPoll(plain) / 5000 },
      { name: '10 deployments polled every 5 s, with drift: extension-host CPU per poll', value: perPoll(scored), unit: 'ms', peer: { name: 'poll interval', value: 5000 }, ratio: perPoll(scored) / 5000 },
      { name: 'drift worker CPU per scoring request', value: (scored.workerCpuMs ?? 0) / Math.max(1, scored.scoreRequests), unit: 'ms', peer: { name: 'extension-host CPU per poll with drift', value: perPoll(scored) } },
    ];
  } finally {
    if (traffic) clearInterval(traffic);
    await Promise.all(servers.map((s) => s.stop()));
    await rm(logs, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && /bench[\\/]polling\.[cm]?[jt]s$/.test(process.argv[1])) {
  runPollingBench().then(
    (f) => printFigures('Deployment polling CPU', f),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
