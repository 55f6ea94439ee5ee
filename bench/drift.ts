// Profiling and drift, each next to its peer measured in the same run:
//   - profile a generated 1,000,000-row × 20-column CSV (ids, 13 numeric, 4 categorical, a boolean, a date) with the
//     bundled CLI's engine, DuckDB (SUMMARIZE plus approx_quantile, @duckdb/node-api) and pandas (read_csv +
//     describe + quantiles, Debian's python3-pandas); time and peak RSS of each, in its own process;
//   - peak RSS of MLShip's profiler at 1M and at 10M rows (flat in file size);
//   - drift of two 1M-row profiles (sketches) vs an Evidently-style exact KS on the same data (SciPy ks_2samp on the
//     13 numeric columns, data already in memory).
// Needs `npm run build` (dist/cli.js). MLSHIP_BENCH_ROWS_LARGE=0 skips the 10M-row file.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../src/core/util/random';
import { median, type BenchFigure } from './figures';

const repo = resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const NUMERIC = ['amount', 'balance', 'score', 'ratio', 'latency_ms', 'temperature', 'weight', 'height', 'price', 'discount', 'age', 'visits', 'tenure_days'];
const HEADER = ['customer_id', ...NUMERIC, 'region', 'plan', 'city', 'device', 'is_active', 'signup_date'];
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PLANS = ['free', 'basic', 'pro', 'team', 'enterprise', 'edu', 'trial', 'legacy'];
const DEVICES = ['ios', 'android', 'web', 'desktop'];

/** Writes the benchmark CSV: deterministic, `shift` moves a few distributions (for the drift benchmark). */
export async function generateCsv(path: string, rows: number, seed: number, shift = 0): Promise<void> {
  const rnd = mulberry32(seed);
  const out = createWriteStream(path);
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  await write(HEADER.join(',') + '\n');
  const bell = () => rnd() + rnd() + rnd() - 1.5;
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const day = 1 + Math.floor(rnd() * 28);
    const month = 1 + Math.floor(rnd() * 12);
    const line = [
      `C${(1_000_000_000 + seed * 100_000_000 + i).toString(36)}`,
      (Math.exp(4 + bell() + shift) * 10).toFixed(2),
      (rnd() * 20_000 - 2_000).toFixed(2),
      (0.5 + bell() * 0.2 + shift * 0.05).toFixed(4),
      rnd().toFixed(4),
      (20 + Math.exp(2 + bell())).toFixed(1),
      (15 + bell() * 10).toFixed(2),
      (70 + bell() * 20).toFixed(1),
      (170 + bell() * 15).toFixed(1),
      (rnd() * 500).toFixed(2),
      rnd() < 0.3 ? '0' : (rnd() * 0.5).toFixed(3),
      String(18 + Math.floor(rnd() * 60)),
      String(Math.floor(-Math.log(rnd() || 1e-9) * 5)),
      rnd() < 0.02 ? '' : String(Math.floor(rnd() * 3650)),
      REGIONS[Math.floor(rnd() * rnd() * REGIONS.length)],
      PLANS[Math.floor(rnd() * PLANS.length)],
      `city_${Math.floor(rnd() * rnd() * 1000)}`,
      DEVICES[Math.floor(rnd() * DEVICES.length)],
      rnd() < 0.7 ? 'true' : 'false',
      `202${Math.floor(rnd() * 5)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ].join(',');
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

interface Measured {
  /** What the child reports for its work (imports and start-up excluded). */
  seconds: number;
  /** Peak resident set size of the child, from /usr/bin/time. */
  maxRssMb: number;
}

/** Runs a child under /usr/bin/time: its own timing from stdout ("SECONDS x"), its peak RSS from time's report. */
function measure(cmd: string, args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed:\n${r.stderr}`);
  const rss = /MAXRSS (\d+)/.exec(r.stderr);
  const sec = /SECONDS ([\d.]+)/.exec(r.stdout);
  return { seconds: sec ? Number(sec[1]) : Number.NaN, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

// The bundled CLI's \`profile\` command, with worker threads as \`mlship profile\` uses them (one per core, at most 4,
// running the CLI's worker script).
const MLSHIP_PROFILE = `
const cli = ${JSON.stringify(resolve(repo, 'dist', 'cli.js'))};
const { runCli, profileWorkerScript } = require(cli);
const workers = Math.min(4, require('node:os').availableParallelism());
const script = profileWorkerScript ? profileWorkerScript() : cli;
const t0 = performance.now();
runCli(['profile', process.argv[1], '--out', process.argv[2]], { cwd: process.cwd(), stdout: () => {}, stderr: (s) => process.stderr.write(s), parallel: { script, workers } }).then((code) => {
  if (code !== 0) process.exit(code);
  console.log('SECONDS ' + ((performance.now() - t0) / 1000).toFixed(3));
});
`;

const DUCKDB = `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const file = process.argv[1];
  const numeric = JSON.parse(process.argv[2]);
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const t0 = performance.now();
  const s = await con.runAndReadAll("SUMMARIZE SELECT * FROM read_csv_auto('" + file + "')");
  const q = await con.runAndReadAll('SELECT ' + numeric.map((c) => 'approx_quantile(' + c + ', [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])').join(', ') + " FROM read_csv_auto('" + file + "')");
  const rows = s.getRows().length + q.getRows().length;
  console.log('SECONDS ' + ((performance.now() - t0) / 1000).toFixed(3) + ' ROWS ' + rows);
})().catch((e) => { console.error(e); process.exit(1); });
`;

const PANDAS = `
import sys, time
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
d = df.describe(include='all')
q = df.select_dtypes('number').quantile([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
print('SECONDS %.3f ROWS %d' % (time.perf_counter() - t0, len(d) + len(q)))
`;

const SCIPY_KS = `
import sys, time, json
import pandas as pd
from scipy.stats import ks_2samp
cols = json.loads(sys.argv[3])
a = pd.read_csv(sys.argv[1], usecols=cols)
b = pd.read_csv(sys.argv[2], usecols=cols)
t0 = time.perf_counter()
out = [ks_2samp(a[c].dropna(), b[c].dropna()).pvalue for c in cols]
print('SECONDS %.3f N %d' % (time.perf_counter() - t0, len(out)))
`;

const MLSHIP_DRIFT = `
const { readFileSync } = require('node:fs');
const profiles = [process.argv[1], process.argv[2]].map((f) => JSON.parse(readFileSync(f, 'utf8')));
const { compareProfiles } = require(${JSON.stringify(resolve(repo, 'src', 'core', 'drift', 'compare.ts'))});
const cfg = { mode: 'evidently', rowLimit: 100000, driftShare: 0.5, missingChange: 0.1, unseenShare: 0.1, types: {}, columns: {} };
for (const c of JSON.parse(process.argv[3])) cfg.columns[c] = { method: 'ks' };
compareProfiles(profiles[0], profiles[1], cfg);
const times = [];
for (let i = 0; i < 5; i++) { const t0 = performance.now(); compareProfiles(profiles[0], profiles[1], cfg); times.push(performance.now() - t0); }
times.sort((a, b) => a - b);
console.log('SECONDS ' + (times[2] / 1000).toFixed(4));
`;

async function sizeMb(path: string): Promise<number> {
  return (await stat(path)).size / 1024 / 1024;
}

export async function runDriftBench(): Promise<BenchFigure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-bench-drift-'));
  const figures: BenchFigure[] = [];
  try {
    const oneM = join(dir, 'profile-1m.csv');
    const oneMShifted = join(dir, 'profile-1m-shifted.csv');
    console.log('  generating 1,000,000 × 20 CSV files…');
    await generateCsv(oneM, 1_000_000, 1);
    await generateCsv(oneMShifted, 1_000_000, 2, 0.05);
    console.log(`  ${oneM}: ${(await sizeMb(oneM)).toFixed(0)} MB`);

    const repeat = 3;
    const ours: Measured[] = [];
    const duck: Measured[] = [];
    const pandas: Measured[] = [];
    for (let r = 0; r < repeat; r++) {
      ours.push(measure(process.execPath, ['-e', MLSHIP_PROFILE, oneM, join(dir, 'p1.json')]));
      duck.push(measure(process.execPath, ['-e', DUCKDB, oneM, JSON.stringify(NUMERIC)]));
      pandas.push(measure(PYTHON, ['-c', PANDAS, oneM]));
    }
    const t = median(ours.map((m) => m.seconds));
    const td = median(duck.map((m) => m.seconds));
    const tp = median(pandas.map((m) => m.seconds));
    const pandasRss = Math.max(...pandas.map((m) => m.maxRssMb));
    const rss1 = Math.max(...ours.map((m) => m.maxRssMb));
    figures.push({ name: 'profile 1M × 20 CSV: MLShip vs DuckDB (SUMMARIZE + approx_quantile)', value: t, unit: 's', peer: { name: 'DuckDB', value: td }, ratio: t / td, goal: '≤ 1.5' });
    figures.push({ name: 'profile 1M × 20 CSV: MLShip vs pandas (read_csv + describe + quantile)', value: t, unit: 's', peer: { name: 'pandas', value: tp }, ratio: t / tp, goal: '≤ 0.333 (3× faster)' });
    figures.push({ name: 'peak RSS, profile 1M rows: MLShip vs DuckDB', value: rss1, unit: 'MB', peer: { name: 'DuckDB', value: Math.max(...duck.map((m) => m.maxRssMb)) }, ratio: rss1 / Math.max(...duck.map((m) => m.maxRssMb)), goal: 'MLShip ≤ 300 MB' });
    figures.push({ name: 'peak RSS, profile 1M rows: MLShip vs pandas', value: rss1, unit: 'MB', peer: { name: 'pandas', value: pandasRss }, ratio: rss1 / pandasRss });

    if (process.env['MLSHIP_BENCH_ROWS_LARGE'] !== '0') {
      const tenM = join(dir, 'profile-10m.csv');
      console.log('  generating 10,000,000 × 20 CSV…');
      await generateCsv(tenM, 10_000_000, 3);
      console.log(`  ${tenM}: ${(await sizeMb(tenM)).toFixed(0)} MB`);
      const big = measure(process.execPath, ['-e', MLSHIP_PROFILE, tenM, join(dir, 'p10.json')]);
      figures.push({ name: 'peak RSS, profile 10M rows vs 1M rows (MLShip)', value: big.maxRssMb, unit: 'MB', peer: { name: '1M rows', value: rss1 }, ratio: big.maxRssMb / rss1, goal: '≤ 300 MB, flat (ratio ≈ 1)' });
      figures.push({ name: 'profile 10M × 20 CSV (MLShip), time vs 10 × the 1M time', value: big.seconds, unit: 's', peer: { name: '10 × 1M', value: 10 * t }, ratio: big.seconds / (10 * t) });
      await rm(tenM, { force: true });
    }

    // Drift of two 1M-row profiles (sketches) vs Evidently's exact KS (SciPy) on the same columns.
    measure(process.execPath, ['-e', MLSHIP_PROFILE, oneMShifted, join(dir, 'p2.json')]);
    const drift = measure(process.execPath, ['--import', 'tsx', '-e', MLSHIP_DRIFT, join(dir, 'p1.json'), join(dir, 'p2.json'), JSON.stringify(NUMERIC)]);
    const ks = measure(PYTHON, ['-c', SCIPY_KS, oneM, oneMShifted, JSON.stringify(NUMERIC)]);
    figures.push({ name: 'drift of two 1M-row profiles (13 numeric columns, KS from sketches) vs SciPy ks_2samp on the data', value: drift.seconds, unit: 's', peer: { name: 'SciPy ks_2samp (Evidently)', value: ks.seconds }, ratio: drift.seconds / ks.seconds });
    console.log(`  load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${availableParallelism()} cores; MLShip used ${Math.min(4, availableParallelism())} profiling threads`);
    console.log(`  files: ${(await sizeMb(oneM)).toFixed(0)} MB per 1M rows; ours ${ours.map((m) => m.seconds.toFixed(2)).join('/')} s, DuckDB ${duck.map((m) => m.seconds.toFixed(2)).join('/')} s, pandas ${pandas.map((m) => m.seconds.toFixed(2)).join('/')} s`);
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void runDriftBench().then((f) => {
    for (const x of f) console.log(JSON.stringify(x));
  });
}
