// One bundle per process: the extension host, the language server, the CLI, the model process (node/cjs) and the
// webview (browser). Native and wasm dependencies stay external: onnxruntime-node ships under node_modules and is
// loaded by the model process (dist/serve.js) only; tree-sitter's wasm files are copied to dist/grammars.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { commonOptions, NODE, WASM } from './esbuild.options.mjs';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function copyWasm() {
  mkdirSync('dist/grammars', { recursive: true });
  for (const w of WASM) copyFileSync(require.resolve(w), `dist/grammars/${w.split('/').pop()}`);
}

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...NODE, entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { ...NODE, entryPoints: { serve: 'src/serve/main.ts' }, external: ['onnxruntime-node'] },
  { ...NODE, entryPoints: { server: 'src/server/server.ts' } },
  { ...NODE, entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { ...NODE, entryPoints: { profileWorker: 'src/cli/profileWorker.ts' } },
  { entryPoints: { 'webview/details': 'webview/details/main.ts', 'webview/drift': 'webview/drift/main.ts', 'webview/dashboard': 'webview/dashboard/main.ts' }, platform: 'browser', format: 'iife', target: 'es2022' },
];

const common = commonOptions(production);

copyWasm();
if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
