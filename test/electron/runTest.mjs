// For contributors on a machine with internet access: runs the extension in VS Code desktop downloaded by
// @vscode/test-electron (`node test/electron/runTest.mjs` after `npm run build`). Offline machines use the code-server
// e2e suite (`npm run test:e2e`) instead, which needs no download.
import { runTests } from '@vscode/test-electron';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
await runTests({
  version: '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: resolve(root, 'test', 'electron', 'suite.cjs'),
  launchArgs: [resolve(root, 'samples'), '--disable-extensions', '--disable-workspace-trust'],
});
