// The analysis engine of this working tree against the one of a git commit, in one process: both built as they ship
// (bench/engine-bundle.ts), each timed on the same generated 10,000-line Python and TypeScript files, alternately,
// with each bundle's own bare parse beside it. On a machine whose speed drifts from minute to minute (a shared host),
// figures measured minutes apart cannot tell a change's cost from the drift; these can.
// Run: node --import tsx bench/compare.ts [commit] [--runs N]   (commit: HEAD by default; runs: 40, the first 10 are
//      warm-up). The commit is checked out in a temporary git worktree, removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSource } from './analysis';
import { type EngineBundle, loadEngineBundle } from './engine-bundle';
import { median, time } from './figures';

const ROOT = resolve(__dirname, '..');

function parseArgs(argv: string[]): { commit: string; runs: number } {
  let commit = 'HEAD';
  let runs = 40;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}: usage: bench/compare.ts [commit] [--runs N]`);
    else commit = a;
  }
  if (!Number.isInteger(runs) || runs < 12) throw new Error('--runs takes a whole number of at least 12 (the first 10 are warm-up)');
  return { commit, runs };
}

async function main(): Promise<void> {
  const { commit, runs } = parseArgs(process.argv.slice(2));
  const sha = execFileSync('git', ['rev-parse', '--short', commit], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'mlship-compare-'));
  const tree = join(dir, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, sha], { cwd: ROOT, stdio: 'ignore' });
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
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
