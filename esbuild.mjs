// One bundle per process. Native and wasm dependencies (onnxruntime-node) stay external and ship under node_modules.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    entryPoints: { extension: 'src/extension/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
  },
  {
    entryPoints: { 'webview/details': 'webview/details/main.ts' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

const common = { bundle: true, outdir: 'dist', sourcemap: production ? false : 'linked', minify: production, logLevel: 'info' };

if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
