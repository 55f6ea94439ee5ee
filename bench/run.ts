// `npm run bench`: every benchmark, each figure next to its peer measured in the same run, written to
// bench/results/results.json. Needs `npm run build` first (activation loads dist/extension.js, the serving and
// polling benchmarks start dist/serve.js, the polling one dist/cli.js's drift worker too) and `npm run package` for
// the dashboard benchmark (the VSIX in code-server).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runActivationBench } from './activation';
import { runAnalysisBench } from './analysis';
import { runDashboardBench } from './dashboard';
import { runCheckTreeBench } from './check-tree';
import { runDiscoveryBench } from './discovery';
import { runDriftBench } from './drift';
import { SHIPPED_BUILD } from './engine-bundle';
import { printFigures, type BenchFigure } from './figures';
import { runLatencyOverheadBench } from './latency-overhead';
import { runLspBench } from './lsp';
import { runPollingBench } from './polling';
import { runServeBench } from './serve';

async function main(): Promise<void> {
  const results: Record<string, BenchFigure[]> = {};
  results.activation = runActivationBench();
  printFigures('Activation', results.activation);
  results.discovery = await runDiscoveryBench();
  printFigures('Discovery', results.discovery);
  results.latencyOverhead = await runLatencyOverheadBench();
  printFigures('Latency harness overhead', results.latencyOverhead);
  results.analysis = await runAnalysisBench();
  printFigures(`Analysis, engine measured: ${SHIPPED_BUILD}`, results.analysis);
  results.lsp = await runLspBench();
  printFigures(`Reanalysis through the language server, ${SHIPPED_BUILD}`, results.lsp);
  results.checkTree = await runCheckTreeBench();
  printFigures('mlship check on real trees', results.checkTree);
  results.serve = await runServeBench();
  printFigures('Local server (dist/serve.js) under load vs in-process onnxruntime', results.serve);
  results.polling = await runPollingBench();
  printFigures('Deployment polling CPU', results.polling);
  results.drift = await runDriftBench();
  printFigures('Profiling and drift', results.drift);
  results.dashboard = await runDashboardBench();
  printFigures('Deployment dashboard in the webview (code-server + Chromium)', results.dashboard);
  const dir = join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'results.json');
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, results }, null, 2));
  console.log(`\nWrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
