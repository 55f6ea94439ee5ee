// One bundle per process: the extension host, the language server, the CLI, the model process (node/cjs) and the
// webview (browser). Native and wasm dependencies stay external: onnxruntime-node ships under node_modules and is
// loaded by the model process (dist/serve.js) only; tree-sitter's wasm files are copied to dist/grammars.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const WASM = [
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-typescript/tree-sitter-tsx.wasm',
  'tree-sitter-javascript/tree-sitter-javascript.wasm',
];

function copyWasm() {
  mkdirSync('dist/grammars', { recursive: true });
  for (const w of WASM) copyFileSync(require.resolve(w), `dist/grammars/${w.split('/').pop()}`);
}

// web-tree-sitter's ESM build locates its wasm through import.meta.url, which a CJS bundle lacks: use its CJS build.
// jsonc-parser's "main" is a UMD build whose internal requires esbuild cannot follow: bundle its ESM build.
const node = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs', 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { ...node, entryPoints: { serve: 'src/serve/main.ts' }, external: ['onnxruntime-node'] },
  { ...node, entryPoints: { server: 'src/server/server.ts' } },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { profileWorker: 'src/cli/profileWorker.ts' } },
  { entryPoints: { 'webview/details': 'webview/details/main.ts', 'webview/drift': 'webview/drift/main.ts', 'webview/dashboard': 'webview/dashboard/main.ts' }, platform: 'browser', format: 'iife', target: 'es2022' },
];

const common = { bundle: true, outdir: 'dist', sourcemap: production ? false : 'linked', minify: production, logLevel: 'info' };

copyWasm();
if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
