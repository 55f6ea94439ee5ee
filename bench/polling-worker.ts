// Child process of bench/polling.ts: the extension host's share of deployment watching — 10 DeploymentMonitors on
// the core PollScheduler, every 5 s — with nothing else running, so its CPU time is the polling code's. With a drift
// setting, each monitor scores its logged inputs against the baseline through one shared DriftProcess (the CLI
// bundle's `mlship worker`, a separate process), as DeploymentsService does. Prints one JSON line: CPU ms and wall ms
// of this process over the measured window, the number of polls and of polls that produced a drift figure, and the
// drift worker's CPU ms over the same window (utime + stime from /proc/<pid>/stat).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { DriftProcess } from '../src/core/deployments/driftProcess';
import type { DriftScorer } from '../src/core/deployments/driftSeries';
import { DeploymentMonitor } from '../src/core/deployments/monitor';
import { PollScheduler } from '../src/core/deployments/scheduler';

export interface PollingTarget {
  url: string;
  metricsUrl: string;
  predictionLog: string;
  feedbackLog: string;
  /** Column order of the model's input, as the extension knows it from the model version. */
  featureNames: string[];
}

/** What the measured process needs to score drift the way the extension does; absent: no drift. */
export interface PollingDrift {
  /** dist/cli.js, run as `worker`. */
  cli: string;
  baseline: string;
  reason: string;
  mode: 'evidently' | 'effect-size';
  manifestPath: string;
  cacheDir: string;
}

export interface PollingResult {
  cpuMs: number;
  wallMs: number;
  polls: number;
  /** Polls in the window whose status carried a drift figure (the highest PSI). */
  driftPolls: number;
  /** Scoring requests sent to the drift worker in the window, and the logged inputs they carried. */
  scoreRequests: number;
  scoredInputs: number;
  /** Highest PSI of any status in the window, and the features flagged at least once. */
  maxPsi: number | null;
  flagged: string[];
  /** The drift worker's CPU over the window; null without drift. */
  workerCpuMs: number | null;
  /** Prediction records the first monitor followed at the start and at the end of the window. */
  records: [number, number];
  /** Garbage collection in the window: pauses of the main thread, ms, and how many (part of cpuMs); of them, full (mark-compact) ones. */
  gcMs: number;
  gcs: number;
  majorGcMs: number;
  majorGcs: number;
}

/** utime + stime of a process, ms, from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
function procCpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
}

async function main(): Promise<void> {
  const [targetsJson, warmupText, windowText, driftJson] = process.argv.slice(2);
  const targets = JSON.parse(targetsJson ?? '[]') as PollingTarget[];
  const drift = driftJson ? (JSON.parse(driftJson) as PollingDrift) : undefined;
  const warmupMs = Number(warmupText);
  const windowMs = Number(windowText);
  const scheduler = new PollScheduler();
  const onLog = (level: 'info' | 'warn' | 'error', message: string): void => {
    if (level !== 'info') console.error(message);
  };
  const driftProcess = drift ? new DriftProcess({ script: drift.cli, cacheDir: drift.cacheDir, onLog }) : undefined;
  let polls = 0;
  let driftPolls = 0;
  let scoreRequests = 0;
  let scoredInputs = 0;
  let maxPsi: number | null = null;
  const flagged = new Set<string>();
  let measuring = false;
  const counted = (s: DriftScorer): DriftScorer => ({
    ...s,
    score: (windows) => {
      scoreRequests++;
      scoredInputs += windows.reduce((n, w) => n + w.rows, 0);
      return s.score(windows);
    },
  });
  const monitors = Array.from({ length: 10 }, (_, i) => {
    const t = targets[i % targets.length] as PollingTarget;
    const driftOptions = drift && driftProcess ? { drift: { scorer: counted(driftProcess.scorer(`d${i}`, drift.baseline, drift.manifestPath)), reason: drift.reason, mode: drift.mode } } : { driftUnavailable: 'off in this run' };
    return new DeploymentMonitor(
      { name: `d${i}`, inference: { url: t.url, model: 'credit-risk' }, metrics: { scrape: t.metricsUrl }, predictions: { jsonl: t.predictionLog }, feedback: { jsonl: t.feedbackLog }, budgets: { latency_p95_ms: 50, fallback_rate: 0.05, ...(drift ? { drift_psi: 0.2 } : {}) }, poll_interval_s: 5 },
      { root: '/', featureNames: t.featureNames, ...driftOptions },
    );
  });
  monitors.forEach((m, i) =>
    scheduler.add({
      id: `d${i}`,
      intervalMs: 5000,
      poll: async (signal) => {
        const s = await m.poll(signal);
        polls++;
        if (measuring && s.drift) {
          driftPolls++;
          maxPsi = Math.max(maxPsi ?? 0, s.drift.score);
        }
        if (measuring) for (const f of s.driftedFeatures ?? []) flagged.add(f);
        if (drift && !s.drift) console.error(`d${i}: no drift figure: ${s.driftNote ?? 'no note'}`);
        if (s.state === 'unreachable') throw new Error(`d${i}: ${s.reason}`);
      },
    }),
  );
  await new Promise((r) => setTimeout(r, warmupMs));
  const ticks = drift ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) : 0;
  const workerPid = driftProcess?.pid;
  if (drift && workerPid === undefined) throw new Error('the drift worker did not start during the warm-up');
  const worker0 = workerPid !== undefined ? procCpuMs(workerPid, ticks) : 0;
  const [polls0, requests0, inputs0] = [polls, scoreRequests, scoredInputs];
  const profile = process.env.MLSHIP_BENCH_CPU_PROFILE;
  const session = profile ? new Session() : undefined;
  const post = (method: string): Promise<unknown> => new Promise((resolve, reject) => session?.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  if (session) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
  }
  let [gcMs, gcs, majorGcMs, majorGcs] = [0, 0, 0, 0];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcs++;
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcMs += e.duration;
        majorGcs++;
      }
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  measuring = true;
  const records0 = monitors[0]?.collected.predictions ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  measuring = false;
  gc.disconnect();
  // Polls still in flight finish during the shutdown below: they are outside the window.
  const polls1 = polls;
  const records1 = monitors[0]?.collected.predictions ?? 0;
  if (session && profile) {
    const { profile: p } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(dirname(profile), { recursive: true });
    writeFileSync(profile, JSON.stringify(p));
    session.disconnect();
  }
  let workerCpuMs: number | null = null;
  if (workerPid !== undefined) {
    if (driftProcess?.pid !== workerPid) throw new Error('the drift worker was restarted during the measured window');
    workerCpuMs = procCpuMs(workerPid, ticks) - worker0;
  }
  scheduler.stop();
  await Promise.all(monitors.map((m) => m.close()));
  driftProcess?.dispose();
  const result: PollingResult = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, polls: polls1 - polls0, driftPolls, scoreRequests: scoreRequests - requests0, scoredInputs: scoredInputs - inputs0, maxPsi, flagged: [...flagged].sort(), workerCpuMs, records: [records0, records1], gcMs, gcs, majorGcMs, majorGcs };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
