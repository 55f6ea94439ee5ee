// CPU of watching deployments: 10 deployments polled every 5 s (OIP health, /metrics scrape, prediction and feedback
// log tails, health against budgets), measured in a process that does only that — the work the extension host does
// for the Deployments view — while two local servers (dist/serve.js) take traffic at 20 req/s each.
//   CPU share of one core over a 60 s window  (goal ≤ 2 %)
// Set MLSHIP_BENCH_CPU_PROF=DIR to write a CPU profile of the measured process.
// Run standalone (after `npm run build`): node --import tsx bench/polling.ts
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startLocalDeployment, type LocalDeploymentProcess } from '../src/core/inference/modelProcess';
import { printFigures, type BenchFigure } from './figures';

const ROOT = join(__dirname, '..');

export async function runPollingBench(options: { windowMs?: number; warmupMs?: number } = {}): Promise<BenchFigure[]> {
  const windowMs = options.windowMs ?? 60_000;
  const warmupMs = options.warmupMs ?? 8000;
  const logs = await mkdtemp(join(tmpdir(), 'mlship-bench-poll-'));
  const servers: LocalDeploymentProcess[] = [];
  let traffic: NodeJS.Timeout | undefined;
  try {
    for (const i of [0, 1]) {
      servers.push(
        await startLocalDeployment(
          { script: join(ROOT, 'dist', 'serve.js') },
          { modelPath: join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx'), modelName: 'credit-risk', modelVersion: '2', predictionLog: join(logs, `p${i}.jsonl`), feedbackLog: join(logs, `f${i}.jsonl`), featureNames: ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'] },
        ),
      );
    }
    // Traffic from this process (not the measured one): 20 requests/s per server, feedback for every fourth.
    let n = 0;
    traffic = setInterval(() => {
      for (const s of servers) {
        const id = `b${n++}`;
        void fetch(`${s.endpoint.url}/v2/models/credit-risk/infer`, { method: 'POST', body: JSON.stringify({ id, inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [30 + (n % 40), 40000 + n, 0.3, 2, n % 3, 12] }] }) })
          .then((r) => r.arrayBuffer())
          .then(() => (n % 4 === 0 ? fetch(`${s.endpoint.url}/v2/models/credit-risk/feedback`, { method: 'POST', body: JSON.stringify({ request_id: id, label: n % 2 }) }) : undefined))
          .catch(() => undefined);
      }
    }, 50);
    const targets = servers.map((s) => ({ url: s.endpoint.url, metricsUrl: s.endpoint.metricsUrl, predictionLog: s.endpoint.predictionLog, feedbackLog: s.endpoint.feedbackLog }));
    // The worker is bundled like the extension is (esbuild, node/cjs), so no TypeScript loader runs while it is measured.
    const worker = join(logs, 'polling-worker.js');
    await build({ entryPoints: [join(ROOT, 'bench', 'polling-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: worker, logLevel: 'silent' });
    const prof = process.env.MLSHIP_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MLSHIP_BENCH_CPU_PROF}`] : [];
    const { stdout } = await promisify(execFile)(process.execPath, [...prof, worker, JSON.stringify(targets), String(warmupMs), String(windowMs)], { cwd: ROOT, maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { cpuMs: number; wallMs: number; polls: number };
    const share = (r.cpuMs / r.wallMs) * 100;
    return [
      { name: `10 deployments polled every 5 s (${r.polls} polls in ${(r.wallMs / 1000).toFixed(0)} s): CPU share of one core`, value: share, unit: '%', peer: { name: 'budget', value: 2 }, ratio: share / 2, goal: '≤ 2 % (ratio ≤ 1)' },
      { name: '10 deployments polled every 5 s: CPU per poll', value: r.cpuMs / Math.max(1, r.polls), unit: 'ms', peer: { name: 'poll interval', value: 5000 }, ratio: r.cpuMs / Math.max(1, r.polls) / 5000 },
    ];
  } finally {
    if (traffic) clearInterval(traffic);
    await Promise.all(servers.map((s) => s.stop()));
    await rm(logs, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && /bench[\\/]polling\.[cm]?[jt]s$/.test(process.argv[1])) {
  runPollingBench().then(
    (f) => printFigures('Deployment polling', f),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
