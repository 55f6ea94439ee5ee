// The analysis engine of this working tree against the one of a git commit, in one process: both built as they ship
// (bench/engine-bundle.ts), each timed on the same generated 10,000-line Python and TypeScript files, alternately,
// with each bundle's own bare parse beside it. On a machine whose speed drifts from minute to minute (a shared host),
// figures measured minutes apart cannot tell a change's cost from the drift; these can.
// With --reanalysis, the same for the incremental reanalysis after one-line edits of a 2,000-line file (each undone, as
// bench/analysis.ts times it, warm-up included): rounds of 200 edits, alternately, and the p50 and p95 of all of each.
// Run: node --import tsx bench/compare.ts [commit] [--runs N] [--reanalysis]   (commit: HEAD by default; runs: 40, the
//      first 10 are warm-up; with --reanalysis, rounds: 6). The commit is checked out in a temporary git worktree,
//      removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Language } from '../src/core/analysis/types';
import { engineReanalysis, generateSource } from './analysis';
import { type EngineBundle, loadEngineBundle } from './engine-bundle';
import { median, quantile, time } from './figures';

const ROOT = resolve(__dirname, '..');

function parseArgs(argv: string[]): { commit: string; runs: number; reanalysis: boolean } {
  let commit = 'HEAD';
  let runs: number | undefined;
  let reanalysis = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--reanalysis') reanalysis = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}: usage: bench/compare.ts [commit] [--runs N] [--reanalysis]`);
    else commit = a;
  }
  if (reanalysis) {
    runs ??= 6;
    if (!Number.isInteger(runs) || runs < 2) throw new Error('with --reanalysis, --runs takes a whole number of at least 2');
  } else {
    runs ??= 40;
    if (!Number.isInteger(runs) || runs < 12) throw new Error('--runs takes a whole number of at least 12 (the first 10 are warm-up)');
  }
  return { commit, runs, reanalysis };
}

type Reanalysis = (source: string, edits: number, seed: number, lang: Language) => Promise<number[]>;

/** Rounds of 200 undone edits of the bench's 2,000-line files, reanalyzed by each engine in turn. */
async function compareReanalysis(sha: string, runs: number, now: Reanalysis, then: Reanalysis): Promise<void> {
  console.log(`incremental reanalysis: this working tree vs ${sha}, ${runs} alternating rounds of 200 undone edits each (each round warms up first)`);
  for (const [lang, seed] of [['python', 3], ['typescript', 5]] as const) {
    const src = generateSource(lang, 2_000, seed);
    const t = { now: [] as number[], then: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const order: [number[], Reanalysis][] = [[t.now, now], [t.then, then]];
      for (const [into, fn] of i % 2 ? order.reverse() : order) into.push(...(await fn(src, 200, seed + 1, lang)));
    }
    const fmt = (xs: number[]): string => `p50 ${median(xs).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms`;
    console.log(`  2,000-line ${lang} file: ${fmt(t.now)} vs ${sha} ${fmt(t.then)}  p95 ratio ${(quantile(t.now, 0.95) / quantile(t.then, 0.95)).toFixed(3)}`);
  }
}

async function main(): Promise<void> {
  const { commit, runs, reanalysis } = parseArgs(process.argv.slice(2));
  const sha = execFileSync('git', ['rev-parse', '--short', commit], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'mlship-compare-'));
  const tree = join(dir, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, sha], { cwd: ROOT, stdio: 'ignore' });
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    if (reanalysis) {
      const { engineReanalysis: thenReanalysis } = (await import(join(tree, 'bench', 'analysis.ts'))) as { engineReanalysis: Reanalysis };
      await compareReanalysis(sha, runs, engineReanalysis, thenReanalysis);
      return;
    }
    const current = await loadEngineBundle();
    // The commit's own bundle builder, so that its engine is built from its sources.
    const { loadEngineBundle: loadThen } = (await import(join(tree, 'bench', 'engine-bundle.ts'))) as { loadEngineBundle: () => Promise<EngineBundle> };
    const then = await loadThen();
    console.log(`analysis engine: this working tree vs ${sha}, ${runs} alternating runs each (medians of the last ${runs - 10})`);
    for (const lang of ['python', 'typescript'] as const) {
      const src = generateSource(lang, 10_000, 7);
      const t = { now: [] as number[], then: [] as number[], nowParse: [] as number[], thenParse: [] as number[] };
      const steps: [number[], () => void][] = [
        [t.now, () => current.analyzeSource(src, lang, current.DEFAULT_CONFIG).tree.delete()],
        [t.then, () => then.analyzeSource(src, lang, then.DEFAULT_CONFIG).tree.delete()],
        [t.nowParse, () => current.parse(src, lang).delete()],
        [t.thenParse, () => then.parse(src, lang).delete()],
      ];
      for (let i = 0; i < runs; i++) {
        // Each round in another order: neither side always runs right after the other's garbage.
        const order = i % 2 ? [...steps].reverse() : steps;
        for (const [into, fn] of order) into.push(time(fn));
      }
      const m = (xs: number[]): number => median(xs.slice(10));
      const [now, was, pNow, pWas] = [m(t.now), m(t.then), m(t.nowParse), m(t.thenParse)];
      console.log(`  10,000-line ${lang} file: ${now.toFixed(1)} ms (${(now / pNow).toFixed(2)} × its parse) vs ${sha} ${was.toFixed(1)} ms (${(was / pWas).toFixed(2)} × its parse)  ratio ${(now / was).toFixed(3)}`);
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
