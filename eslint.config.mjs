// Lint rules that keep the layering honest: `vscode` only under src/extension, onnxruntime only under src/serve, the
// webview sees only src/shared, core imports nothing of ours but src/shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: "'vscode' may be imported only under src/extension." };
// onnxruntime runs in the model process (src/serve) only, so a native crash never takes the extension host down.
const noOnnxRuntime = { group: ['onnxruntime-node', 'onnxruntime-node/*', 'onnxruntime-common', 'onnxruntime-common/*'], message: 'onnxruntime is imported only under src/serve (the model process).' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'samples/**', 'test/fixtures/**', 'test/corpus/**', 'test-results/**', '.cache/**', '.vscode-test/**', 'scripts/**', 'bench/tree/**', 'test/electron/**', 'bench/*.cjs', 'test/**/*.cjs', 'esbuild.mjs', 'esbuild.options.mjs', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/serve/**', 'src/core/**', 'src/extension/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noOnnxRuntime] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noOnnxRuntime, { group: ['**/serve/**', '**/server/**', '**/cli/**'], message: 'The extension talks to the other processes over IPC, LSP or HTTP; it does not import them.' }] }] },
  },
  {
    files: ['src/serve/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/extension/**', '**/server/**', '**/cli/**', '**/webview/**'], message: 'The model process imports only src/core and src/shared.' }] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noOnnxRuntime, { group: ['**/serve/**', '**/extension/**', '**/server/**', '**/webview/**'], message: 'The CLI starts the model process (dist/serve.js) as a child; it does not import it.' }] }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noOnnxRuntime, { group: ['**/extension/**', '**/server/**', '**/cli/**', '**/serve/**', '**/webview/**'], message: 'src/core imports nothing of ours but src/shared.' }] }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/src/core/**', '**/src/extension/**', '**/src/server/**', 'node:*'], message: 'The webview imports only src/shared types.' }] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
