// Installs (once, cached under ~/.cache/mlship) and starts code-server, the real VS Code used by `npm start` and the
// e2e tests on machines that cannot download VS Code desktop. Idempotent: a completed install leaves a marker file.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, rmSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const CODE_SERVER_VERSION = '4.100.3';
const cacheRoot = process.env.MLSHIP_CACHE ?? join(homedir(), '.cache', 'mlship');
export const codeServerDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const entry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const marker = join(codeServerDir, '.mlship-installed');

function run(cmd, args, cwd, { allowFail = false } = {}) {
  console.log(`[code-server] ${cmd} ${args.join(' ')}${cwd ? `  (in ${cwd})` : ''}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_yes: 'true' } });
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
  return r.status;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}

/** Debian packages code-server and the e2e tests need: Chromium, ripgrep and the headers of code-server's native modules. */
export function ensureSystemPackages() {
  const needed = [];
  if (!existsSync('/usr/bin/chromium')) needed.push('chromium');
  if (!have('rg')) needed.push('ripgrep');
  for (const [pkg, file] of [['libkrb5-dev', '/usr/include/krb5.h'], ['libsecret-1-dev', '/usr/include/libsecret-1'], ['libxkbfile-dev', '/usr/include/X11/extensions/XKBfile.h'], ['libx11-dev', '/usr/include/X11/Xlib.h']]) {
    if (!existsSync(file)) needed.push(pkg);
  }
  if (needed.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${needed.join(' ')}. Install them with: sudo apt-get install -y ${needed.join(' ')}`);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...needed]);
}

/** Installs code-server 4.100.3 (VS Code 1.100) without any download step that needs the internet. */
export function ensureCodeServer() {
  ensureSystemPackages();
  if (existsSync(marker) && existsSync(entry)) return entry;
  rmSync(codeServerDir, { recursive: true, force: true });
  mkdirSync(codeServerDir, { recursive: true });
  writeFileSync(join(codeServerDir, 'package.json'), '{"name":"mlship-code-server","private":true}\n');
  run('npm', ['install', '--prefix', codeServerDir, '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`]);
  const vscodeDir = join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir);
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync(have('rg'), join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  // node-pty's post-install step may complain while its binary builds; the check below is what counts.
  run('npm', ['rebuild'], vscodeDir, { allowFail: true });
  if (!existsSync(join(vscodeDir, 'node_modules.asar'))) symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], join(vscodeDir, 'extensions'));
  run('npm', ['rebuild', 'argon2'], codeServerDir, { allowFail: true });
  execFileSync(process.execPath, [entry, '--version'], { stdio: 'inherit' });
  writeFileSync(marker, new Date().toISOString() + '\n');
  return entry;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Installs a VSIX into an extensions dir with code-server's own CLI. */
export function installExtension(vsix, extensionsDir, userDataDir) {
  run(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force']);
}

/** Starts code-server on 127.0.0.1:port; resolves once it answers HTTP. */
export async function startCodeServer({ port, extensionsDir, userDataDir, workspace, logFile }) {
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, workspace];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const log = [];
  const keep = (d) => {
    log.push(d.toString());
    if (!logFile) return;
    try {
      writeFileSync(logFile, log.join(''));
    } catch {
      /* the folder is gone once the session is closed */
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${log.join('')}`);
    try {
      const res = await fetch(`${url}healthz`);
      if (res.ok) return { child, url, log };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`code-server did not answer on ${url} within 60 s:\n${log.join('')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureCodeServer());
}
