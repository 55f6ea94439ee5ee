// Builds a platform-specific VSIX (linux-x64) that carries only that platform's onnxruntime binary, and reports its
// size. `node scripts/package.mjs [--target linux-x64] [--out file.vsix]`.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const target = opt('--target', 'linux-x64');
if (target !== 'linux-x64') {
  console.error(`Only linux-x64 is packaged from this machine; .vscodeignore allow-lists that platform's onnxruntime binary.`);
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(root, opt('--out', join('out', `${pkg.name}-${target}-${pkg.version}.vsix`)));
mkdirSync(dirname(out), { recursive: true });
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], { cwd: root, stdio: 'inherit' });
const size = statSync(out).size;
console.log(`VSIX ${out}: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), target ${target}`);
