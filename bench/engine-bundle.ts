// The analysis engine as it ships, for the benchmarks that time it. Users run the engine inside esbuild bundles (the
// language server, dist/server.js, and the CLI, dist/cli.js), built by `scripts/package.mjs` with `esbuild.mjs
// --production`: minified, CommonJS, target node20, web-tree-sitter's CJS build, grammars in `grammars/` beside the
// bundle. Under `node --import tsx` every file is compiled apart with esbuild's `keepNames` (each closure wrapped in
// `__name(…)`) and loaded module by module, which is not the code users run; so the benchmarks build the same kind of
// bundle in the run itself, into a temporary directory, and time that.
import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as Engine from '../src/core/analysis/engine';
import type * as Ast from '../src/core/analysis/js/ast';
import type * as Parser from '../src/core/analysis/parser';
import type * as Types from '../src/core/analysis/types';
import { commonOptions, NODE, WASM } from '../esbuild.options.mjs';

const ROOT = resolve(__dirname, '..');

/** What the benchmarks print and record as the build they measured. */
export const SHIPPED_BUILD = 'esbuild bundle, as shipped (esbuild.mjs --production: minified, cjs, node20)';

/** esbuild.mjs's options as `--production` sets them (scripts/package.mjs builds the VSIX so), one bundle per call. */
const SHIPPED_OPTIONS: BuildOptions = { ...NODE, ...commonOptions(true), outdir: undefined, logLevel: 'warning' };

/** A directory laid out like dist/: bundles at its top, the grammars in `grammars/`. Removed by `dispose` (and at exit). */
export interface ShippedDir {
  dir: string;
  dispose(): void;
}

function shippedDir(): ShippedDir {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-bench-bundle-'));
  const dispose = (): void => {
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', dispose);
  };
  process.on('exit', dispose);
  const req = createRequire(join(ROOT, 'package.json'));
  mkdirSync(join(dir, 'grammars'));
  for (const w of WASM) copyFileSync(req.resolve(w), join(dir, 'grammars', w.split('/').pop() as string));
  return { dir, dispose };
}

async function bundle(dir: string, name: string, entry: { file: string } | { contents: string }): Promise<string> {
  const outfile = join(dir, `${name}.js`);
  await build({
    ...SHIPPED_OPTIONS,
    ...('file' in entry ? { entryPoints: [join(ROOT, entry.file)] } : { stdin: { contents: entry.contents, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' } }),
    absWorkingDir: ROOT,
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** What the analysis benchmarks call, from one bundle (one web-tree-sitter instance for the engine and the bare parse). */
export interface EngineBundle {
  analyzeSource: typeof Engine.analyzeSource;
  needsAnalysis: typeof Engine.needsAnalysis;
  buildAst: typeof Ast.buildAst;
  walkOf: typeof Ast.walkOf;
  languageForPath: typeof Parser.languageForPath;
  loadGrammars: typeof Parser.loadGrammars;
  parse: typeof Parser.parse;
  DEFAULT_CONFIG: typeof Types.DEFAULT_CONFIG;
}

const ENGINE_ENTRY = `export { analyzeSource, needsAnalysis } from './src/core/analysis/engine';
export { buildAst, walkOf } from './src/core/analysis/js/ast';
export { languageForPath, loadGrammars, parse } from './src/core/analysis/parser';
export { DEFAULT_CONFIG } from './src/core/analysis/types';
`;

let engine: Promise<EngineBundle> | undefined;

/**
 * The analysis engine built as it ships and loaded, its grammars loaded. The temporary directory is gone when this
 * resolves: the bundle is one file, already loaded, and the grammars are read by `loadGrammars`.
 */
export function loadEngineBundle(): Promise<EngineBundle> {
  engine ??= (async () => {
    const out = shippedDir();
    try {
      const file = await bundle(out.dir, 'engine', { contents: ENGINE_ENTRY });
      const loaded = createRequire(__filename)(file) as EngineBundle;
      await loaded.loadGrammars();
      return loaded;
    } finally {
      out.dispose();
    }
  })();
  return engine;
}

/**
 * A process's entry point (`src/cli/main.ts`, `src/server/server.ts`) built as it ships, with its grammars, in a
 * temporary directory: `bundle` is the bundle's path. Call `dispose` when done with it.
 */
export async function buildShipped(entry: string): Promise<ShippedDir & { bundle: string }> {
  const out = shippedDir();
  try {
    return { ...out, bundle: await bundle(out.dir, entry.split('/').pop()?.replace(/\.ts$/, '') ?? 'main', { file: entry }) };
  } catch (error) {
    out.dispose();
    throw error;
  }
}
