// Child process of bench/polling.ts: the extension host's share of deployment watching — 10 DeploymentMonitors on
// the core PollScheduler, every 5 s — with nothing else running, so its CPU time is the polling code's. Prints one
// JSON line: CPU ms and wall ms over the measured window, and the number of polls.
import { DeploymentMonitor } from '../src/core/deployments/monitor';
import { PollScheduler } from '../src/core/deployments/scheduler';

interface Target {
  url: string;
  metricsUrl: string;
  predictionLog: string;
  feedbackLog: string;
}

async function main(): Promise<void> {
  const [targetsJson, warmupText, windowText] = process.argv.slice(2);
  const targets = JSON.parse(targetsJson ?? '[]') as Target[];
  const warmupMs = Number(warmupText);
  const windowMs = Number(windowText);
  const scheduler = new PollScheduler();
  let polls = 0;
  const monitors = Array.from({ length: 10 }, (_, i) => {
    const t = targets[i % targets.length] as Target;
    return new DeploymentMonitor(
      { name: `d${i}`, inference: { url: t.url, model: 'credit-risk' }, metrics: { scrape: t.metricsUrl }, predictions: { jsonl: t.predictionLog }, feedback: { jsonl: t.feedbackLog }, budgets: { latency_p95_ms: 50, fallback_rate: 0.05 }, poll_interval_s: 5 },
      { root: '/' },
    );
  });
  monitors.forEach((m, i) =>
    scheduler.add({
      id: `d${i}`,
      intervalMs: 5000,
      poll: async (signal) => {
        const s = await m.poll(signal);
        polls++;
        if (s.state === 'unreachable') throw new Error(`d${i}: ${s.reason}`);
      },
    }),
  );
  await new Promise((r) => setTimeout(r, warmupMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const polls0 = polls;
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  scheduler.stop();
  await Promise.all(monitors.map((m) => m.close()));
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs, polls: polls - polls0 })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
