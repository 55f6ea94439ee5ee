// `mlship check` on whole real trees, each figure next to its peers measured in the same run:
//  a. the installed scikit-learn source (Debian python3-sklearn: ~540 files, ~295k lines; `.predict(` in ~150 of them)
//     vs Ruff's wasm build checking the same files (default rules) and pyflakes, in their own processes, with peak RSS;
//  b. a large real TypeScript tree from node_modules vs reading and parsing the same files with tree-sitter.
// Every tool runs in a fresh process (startup included), three times; the median is reported. `mlship check` is the CLI
// bundle built as it ships (esbuild.mjs --production) in the run itself, in a temporary directory, and the bare parse
// beside it comes from the analysis engine bundled the same way (bench/engine-bundle.ts), not from the src/ files.
// Run standalone: node --import tsx bench/check-tree.ts
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildShipped, loadEngineBundle, SHIPPED_BUILD } from './engine-bundle';
import { median, printFigures, type BenchFigure } from './figures';

const ROOT = resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const SKLEARN = '/usr/lib/python3/dist-packages/sklearn';
const TS_TREES = ['node_modules/@azure/msal-browser/src', 'node_modules/@azure/msal-node/src', 'node_modules/@azure/msal-common/src', 'node_modules/@grpc/grpc-js/src'].map((p) => join(ROOT, p));

interface Measured {
  ms: number;
  maxRssKb: number;
  [k: string]: unknown;
}

function measure(cmd: string, args: string[], runs = 3): Measured {
  const all: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    all.push(JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measured);
  }
  const ms = median(all.map((m) => m.ms));
  return { ...(all.find((m) => m.ms === ms) ?? all[0]), ms, maxRssKb: Math.max(...all.map((m) => m.maxRssKb)) };
}

function filesUnder(dirs: string[], ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (ext.test(e.name) && !e.name.endsWith('.d.ts')) out.push(join(d, e.name));
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return out;
}

const lines = (files: string[]) => files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
const mb = (kb: number) => kb / 1024;

export async function runCheckTreeBench(): Promise<BenchFigure[]> {
  const shipped = await buildShipped('src/cli/main.ts');
  try {
    return await checkTrees(shipped.bundle);
  } finally {
    shipped.dispose();
  }
}

async function checkTrees(shippedCli: string): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  // Runs the CLI bundle in its own process and prints its wall time and peak RSS.
  const measureCli = join(ROOT, 'bench', 'tree', 'measure-cli.cjs');
  console.log(`  mlship check and the bare parse: ${SHIPPED_BUILD}`);

  if (existsSync(SKLEARN)) {
    const pyFiles = filesUnder([SKLEARN], /\.py$/);
    const predictFiles = pyFiles.filter((f) => readFileSync(f, 'utf8').includes('.predict('));
    console.log(`  scikit-learn: ${pyFiles.length} files, ${lines(pyFiles)} lines, .predict( in ${predictFiles.length}`);
    const mlship = measure(process.execPath, [measureCli, shippedCli, 'check', SKLEARN, '--format', 'json', '--fail-on', 'never']);
    const ruff = measure(process.execPath, [join(ROOT, 'bench', 'tree', 'measure-ruff.cjs'), SKLEARN]);
    console.log(`  mlship: ${mlship.findings as number} findings; ruff: ${ruff.diagnostics as number} diagnostics`);
    figures.push({ name: 'mlship check, scikit-learn source (wall, incl. startup)', value: mlship.ms, unit: 'ms', peer: { name: 'Ruff wasm check of the same files', value: ruff.ms }, ratio: mlship.ms / ruff.ms, goal: '< 1' });
    const flakes = spawnSync(PYTHON, ['-c', 'import pyflakes'], { encoding: 'utf8' }).status === 0 ? measure(PYTHON, [join(ROOT, 'bench', 'tree', 'measure_pyflakes.py'), SKLEARN]) : undefined;
    if (flakes) figures.push({ name: 'mlship check, scikit-learn source', value: mlship.ms, unit: 'ms', peer: { name: 'pyflakes on the same folder', value: flakes.ms }, ratio: mlship.ms / flakes.ms });
    else console.log('  pyflakes is not installed for /usr/bin/python3 (apt-get install python3-pyflakes): skipped');
    figures.push({ name: 'mlship check, scikit-learn source, peak RSS', value: mb(mlship.maxRssKb), unit: 'MB', peer: { name: 'Ruff wasm peak RSS', value: mb(ruff.maxRssKb) }, ratio: mlship.maxRssKb / ruff.maxRssKb });
    if (flakes) figures.push({ name: 'pyflakes peak RSS (for reference)', value: mb(flakes.maxRssKb), unit: 'MB' });
  } else console.log(`  ${SKLEARN} is missing (apt-get install python3-sklearn): the Python tree is skipped`);

  const tsFiles = filesUnder(TS_TREES, /\.[cm]?tsx?$/);
  if (tsFiles.length > 0) {
    console.log(`  TypeScript tree: ${tsFiles.length} files, ${lines(tsFiles)} lines (${TS_TREES.map((t) => t.slice(ROOT.length + 1)).join(', ')})`);
    const mlship = measure(process.execPath, [measureCli, shippedCli, 'check', ...TS_TREES.filter((t) => existsSync(t)), '--format', 'json', '--fail-on', 'never']);
    const engine = await loadEngineBundle();
    const parseMs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      for (const f of tsFiles) engine.parse(readFileSync(f, 'utf8'), engine.languageForPath(f) ?? 'typescript').delete();
      parseMs.push(performance.now() - t);
    }
    figures.push({ name: 'mlship check, TypeScript tree (wall, incl. startup)', value: mlship.ms, unit: 'ms', peer: { name: 'read + bare tree-sitter parse of every file (in-process)', value: median(parseMs) }, ratio: mlship.ms / median(parseMs) });
    figures.push({ name: 'mlship check, TypeScript tree, peak RSS', value: mb(mlship.maxRssKb), unit: 'MB' });
    const bytes = tsFiles.reduce((n, f) => n + statSync(f).size, 0);
    const s = mlship.summary as { checked: number; ruledOut: number } | null;
    console.log(`  TypeScript tree: ${(bytes / 1024 / 1024).toFixed(1)} MB, mlship found ${mlship.findings as number} findings${s ? `; it parsed ${s.checked - s.ruledOut} of ${s.checked} files (the text pre-scan found no candidate in the rest)` : ''}`);
  }
  return figures;
}

if (require.main === module) {
  runCheckTreeBench().then((f) => printFigures('mlship check on real trees', f), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
