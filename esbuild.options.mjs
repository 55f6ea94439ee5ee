// What the bundles are built with, shared by esbuild.mjs (the build) and bench/engine-bundle.ts (which times the
// analysis engine built the same way). Importing this file builds nothing.

/** The wasm files copied to dist/grammars, where the bundles' `locateWasm` looks first. */
export const WASM = [
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  'tree-sitter-typescript/tree-sitter-typescript.wasm',
  'tree-sitter-typescript/tree-sitter-tsx.wasm',
  'tree-sitter-javascript/tree-sitter-javascript.wasm',
];

// web-tree-sitter's ESM build locates its wasm through import.meta.url, which a CJS bundle lacks: use its CJS build.
// jsonc-parser's "main" is a UMD build whose internal requires esbuild cannot follow: bundle its ESM build.
/** The options of every bundle that runs in a Node process (extension host, language server, CLI, model process). */
export const NODE = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs', 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

/** Options of every bundle; `production` (the VSIX, scripts/package.mjs) minifies and drops the source maps. */
export function commonOptions(production) {
  return { bundle: true, outdir: 'dist', sourcemap: production ? false : 'linked', minify: production, logLevel: 'info' };
}
