// `npm start`: installs what is missing, builds and packages MLShip, and opens the sample workspace in a real VS Code
// (code-server) on 127.0.0.1. Prints the URL and keeps running until Ctrl+C.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('[start] Installing dependencies (npm ci)…');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { ensureCodeServer, freePort, installExtension, startCodeServer } = await import('./code-server.mjs');
ensureCodeServer();
console.log('[start] Building and packaging MLShip…');
execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root, stdio: 'inherit' });
const vsix = readdirSync(join(root, 'out')).filter((f) => f.endsWith('.vsix')).sort().pop();
const demo = join(process.env.MLSHIP_CACHE ?? join(homedir(), '.cache', 'mlship'), 'demo');
const extensionsDir = join(demo, 'extensions');
const userDataDir = join(demo, 'user-data');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
const settings = join(userDataDir, 'User', 'settings.json');
if (!existsSync(settings)) {
  writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'git.openRepositoryInParentFolders': 'never' }, null, 2));
}
installExtension(join(root, 'out', vsix), extensionsDir, userDataDir);
const wanted = Number(process.env.MLSHIP_PORT ?? 8090);
const port = await new Promise((res) => {
  import('node:net').then(({ default: net }) => {
    const s = net.createServer().once('error', () => res(0)).listen(wanted, '127.0.0.1', () => s.close(() => res(wanted)));
  });
}) || (await freePort());
// A fresh scratch copy of the sample workspace: quick fixes, baselines and local deployments tried in the demo never
// touch the repository's tracked files.
const workspace = join(demo, 'samples');
rmSync(workspace, { recursive: true, force: true });
cpSync(join(root, 'samples'), workspace, { recursive: true });
// And fresh state for it: what an earlier demo kept for the workspace (the local deployments' prediction and feedback
// logs among it) would otherwise show in this one.
rmSync(join(userDataDir, 'User', 'workspaceStorage'), { recursive: true, force: true });
const server = await startCodeServer({ port, extensionsDir, userDataDir, workspace });
const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
console.log(`\nMLShip is running on a scratch copy of the sample workspace (${workspace}):\n\n  ${url}\n\nOpen it in a browser (the MLShip icon is in the activity bar). Each npm start makes a fresh copy. Press Ctrl+C to stop.`);
const stop = () => {
  server.child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => {
  console.log(`code-server exited (${code}).`);
  process.exit(code ?? 0);
});
