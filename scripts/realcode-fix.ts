// Runs `mlship check --fix` (the built CLI, dist/cli.js) on a copy of the real-code files and checks what the fixes
// wrote: every file that parsed before still parses (Python and notebook cells with /usr/bin/python3's `ast`,
// JavaScript/TypeScript with the TypeScript compiler's parser), the warnings pyflakes gives the changed Python files
// (an undefined or unused name a fix wrote) and, when it is installed, pycodestyle's (layout: line length 120), each
// compared with the same files before, and the findings left by rule. The copy is made in a temporary folder; the
// local copy of the files is not changed. Fetches nothing (see test/realcode/README.md).
//
// Then it runs the fixed Python code with the model raising (test/fixtures/run/pyharness.py: every third-party module a
// stub): each function whose failure path now returns a generated fallback, or the module for a script's top-level
// fix. A run that raises after the fallback was reached is a fix that crashes on the path it handles; a run that
// raises before (a missing environment variable or data file of the project) could not be judged.
//
//   node --import tsx scripts/realcode-fix.ts [--dir DIR] [--keep]
// Exit 1 when a fix broke the syntax of a file, gave it a new pyflakes warning or crashed on its failure path, 2 on a
// usage error or a missing build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { FALLBACK_LOG_MESSAGE } from '../src/core/scaffold/idioms';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write('usage: node --import tsx scripts/realcode-fix.ts [--dir DIR] [--keep]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let dir = join(ROOT, '.cache', 'realcode');
let keep = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dir') dir = resolve(args[++i] ?? usage());
  else if (args[i] === '--keep') keep = true;
  else usage();
}
if (!existsSync(dir)) usage(`${dir} does not exist: fetch the files first (test/realcode/README.md).`);
if (!existsSync(CLI)) usage(`${CLI} is missing: run node esbuild.mjs first.`);

function filesUnder(d: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

/** Python sources by name: the syntax error of each (`line: message`), from one python3 process. */
function pythonErrors(sources: Map<string, string>): Map<string, string> {
  const script = [
    'import ast, json, sys',
    'out = {}',
    'for name, src in json.load(sys.stdin).items():',
    '    try:',
    '        ast.parse(src)',
    '    except SyntaxError as e:',
    '        out[name] = f"{e.lineno}: {e.msg}"',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(Object.fromEntries(sources)), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr}`);
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, string>));
}

/** The syntax error of each file (none: absent), by path. */
function syntaxErrors(files: string[]): Map<string, string> {
  const errors = new Map<string, string>();
  const python = new Map<string, string>();
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    if (f.endsWith('.py')) python.set(f, src);
    else if (f.endsWith('.ipynb')) {
      let nb: { cells?: { cell_type?: string; source?: string | string[] }[] };
      try {
        nb = JSON.parse(src) as typeof nb;
      } catch (err) {
        errors.set(f, `not JSON: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      (nb.cells ?? []).forEach((c, i) => {
        if (c.cell_type !== 'code') return;
        const text = Array.isArray(c.source) ? c.source.join('') : (c.source ?? '');
        // IPython magics and shell lines are not Python.
        python.set(`${f}\u0000${i}`, text.split('\n').map((l) => (/^\s*[%!]/.test(l) ? '' : l)).join('\n'));
      });
    } else if (/\.(?:[cm]?[jt]sx?)$/.test(f)) {
      const kind = f.endsWith('.tsx') ? ts.ScriptKind.TSX : f.endsWith('.jsx') ? ts.ScriptKind.JSX : /\.[cm]?ts$/.test(f) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
      const sf = ts.createSourceFile(f, src, ts.ScriptTarget.Latest, true, kind) as ts.SourceFile & { parseDiagnostics?: ts.Diagnostic[] };
      const d = sf.parseDiagnostics?.[0];
      if (d) errors.set(f, `${sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  for (const [name, message] of pythonErrors(python)) {
    const [file, cell] = name.split('\u0000');
    errors.set(file as string, cell === undefined ? message : `cell ${cell}, line ${message}`);
  }
  return errors;
}

/**
 * What a Python checker run as `python3 -m <tool>` says of `files`, counted by file and kind (pyflakes: the message;
 * pycodestyle: the code), line numbers left out; undefined when the tool is not installed.
 */
function pyWarnings(tool: 'pyflakes' | 'pycodestyle', files: string[]): Map<string, number> | undefined {
  const counts = new Map<string, number>();
  if (files.length === 0) return counts;
  const r = spawnSync(PYTHON, ['-m', tool, ...(tool === 'pycodestyle' ? ['--max-line-length=120'] : []), ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || /No module named/.test(r.stderr)) return undefined;
  for (const line of r.stdout.split('\n')) {
    const m = /^(.*?):\d+:(?:\d+:)? (.*)$/.exec(line);
    if (!m) continue;
    const kind = tool === 'pycodestyle' ? (m[2] as string).split(' ')[0] : m[2];
    const key = `${m[1]}\u0000${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The warnings `after` has more of than `before`, as `kind → count` (and the files they are in). */
function added(before: Map<string, number>, after: Map<string, number>): Map<string, { count: number; files: Set<string> }> {
  const out = new Map<string, { count: number; files: Set<string> }>();
  for (const [key, n] of after) {
    const more = n - (before.get(key) ?? 0);
    if (more <= 0) continue;
    const [file, kind] = key.split('\u0000') as [string, string];
    const entry = out.get(kind) ?? { count: 0, files: new Set<string>() };
    entry.count += more;
    entry.files.add(file);
    out.set(kind, entry);
  }
  return out;
}

/**
 * What to run in a fixed Python file: each function whose failure path returns (or yields from) a generated fallback,
 * as `name` or `Class.method`, and `module` for a fix of top-level code.
 */
function fallbackTargets(src: string): string[] {
  const targets: string[] = [];
  let cls: string | undefined;
  const header = /^(?:class (\w+)|( *)(?:async +)?def (\w+)\s*\()/gm;
  for (let m = header.exec(src); m; m = header.exec(src)) {
    if (m[1]) {
      cls = m[1];
      continue;
    }
    const indent = m[2] ?? '';
    const name = m[3] as string;
    if (indent === '') cls = undefined;
    if (name.startsWith('fallback_')) continue;
    // The body: from the line after the header to the first line indented no deeper than it.
    const from = src.indexOf('\n', m.index) + 1;
    const rest = from > 0 ? src.slice(from) : '';
    const end = rest.search(new RegExp(`^ {0,${indent.length}}\\S`, 'm'));
    const body = end < 0 ? rest : rest.slice(0, end);
    if (!/\b(?:return|yield from) fallback_\w+\(/.test(body)) continue;
    if (indent === '') targets.push(name);
    else if (cls && indent.length === 4) targets.push(`${cls}.${name}`);
  }
  if (new RegExp(`^except Exception:\\r?\\n[ \\t]+\\w+\\.exception\\("${FALLBACK_LOG_MESSAGE}"\\)`, 'm').test(src)) targets.push('module');
  return targets;
}

/** pyharness.py's answer for one run. */
interface HarnessRun {
  ok: boolean;
  error: string | null;
  fallbacks: number;
}

function runFixed(file: string, target: string): HarnessRun {
  const r = spawnSync(PYTHON, [join(ROOT, 'test', 'fixtures', 'run', 'pyharness.py'), file, 'raise', target], { encoding: 'utf8', timeout: 60_000, cwd: dirname(file) });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as HarnessRun;
  } catch {
    return { ok: false, error: `no result (it waited for input or hung): ${r.stderr.slice(-200)}`, fallbacks: 0 };
  }
}

/** `mlship check` on `cwd`: findings by rule. */
function findingsByRule(cwd: string): Map<string, number> {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'never', '.'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`mlship check failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { findings: { rule: string }[] };
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

const work = mkdtempSync(join(tmpdir(), 'mlship-realcode-fix-'));
try {
  cpSync(dir, work, { recursive: true });
  const files = filesUnder(work);
  const before = syntaxErrors(files);
  const original = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  const found = findingsByRule(work);
  const pyFiles = files.filter((f) => f.endsWith('.py') && !before.has(f));
  const flakesBefore = pyWarnings('pyflakes', pyFiles);
  const styleBefore = pyWarnings('pycodestyle', pyFiles);
  const fix = spawnSync(process.execPath, [CLI, 'check', '--fix', '--fail-on', 'never', '.'], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (fix.status !== 0) throw new Error(`mlship check --fix failed (${fix.status}): ${fix.stderr}`);
  const changed = files.filter((f) => readFileSync(f, 'utf8') !== original.get(f));
  const after = syntaxErrors(files);
  const left = findingsByRule(work);
  const broken = changed.filter((f) => after.has(f) && !before.has(f));
  const flakesAfter = pyWarnings('pyflakes', pyFiles);
  const styleAfter = pyWarnings('pycodestyle', pyFiles);
  const newFlakes = flakesBefore && flakesAfter ? added(flakesBefore, flakesAfter) : undefined;
  const newStyle = styleBefore && styleAfter ? added(styleBefore, styleAfter) : undefined;
  const rules = [...new Set([...found.keys(), ...left.keys()])].sort();
  console.log(`mlship check --fix on ${files.length} files of ${dir}: ${changed.length} changed; ${before.size} had a syntax error before (left out of the comparison).`);
  console.log(`${(fix.stdout.trim().split('\n').pop() ?? '').trim()}`);
  console.log('\nfindings by rule    before  after');
  for (const r of rules) console.log(`${r.padEnd(32)}${String(found.get(r) ?? 0).padStart(6)}${String(left.get(r) ?? 0).padStart(7)}`);
  if (broken.length > 0) {
    console.log(`\n${broken.length} files the fixes left with a syntax error:`);
    for (const f of broken) console.log(`  ${relative(work, f)}: ${after.get(f)}`);
  } else console.log(`\nEvery changed file still parses.`);
  const show = (what: string, found: Map<string, { count: number; files: Set<string> }>): void => {
    const total = [...found.values()].reduce((a, e) => a + e.count, 0);
    console.log(`${what}: ${total} new warnings in the ${pyFiles.length} Python files${total > 0 ? ':' : ''}`);
    for (const [kind, e] of [...found].sort((a, b) => b[1].count - a[1].count)) console.log(`  ${e.count}× ${kind} (${[...e.files].map((f) => relative(work, f)).slice(0, 3).join(', ')}${e.files.size > 3 ? ', …' : ''})`);
  };
  if (newFlakes) show('pyflakes', newFlakes);
  else console.log('pyflakes is not installed for /usr/bin/python3 (apt-get install pyflakes3): not compared.');
  if (newStyle) show('pycodestyle (line length 120)', newStyle);
  else console.log('pycodestyle is not installed for /usr/bin/python3 (apt-get install python3-pycodestyle): layout not compared.');
  // The fixed Python code, run with the model raising.
  const runs = { through: 0, notReached: 0, unjudged: 0, crashed: [] as string[] };
  for (const f of changed.filter((x) => x.endsWith('.py') && !after.has(x))) {
    for (const target of fallbackTargets(readFileSync(f, 'utf8'))) {
      const r = runFixed(f, target);
      const name = `${relative(work, f)} ${target}`;
      if (r.ok) r.fallbacks > 0 ? runs.through++ : runs.notReached++;
      else if (r.fallbacks > 0) runs.crashed.push(`${name}: ${r.error}`);
      else runs.unjudged++;
    }
  }
  const total = runs.through + runs.notReached + runs.unjudged + runs.crashed.length;
  console.log(`\nfixed Python code run with the model raising: ${total} functions and scripts; ${runs.through} returned through the fallback, ${runs.notReached} returned without reaching the call (the stubs took another branch), ${runs.unjudged} could not be judged (they raised before the call: the project's own setup), ${runs.crashed.length} raised on the failure path${runs.crashed.length > 0 ? ':' : '.'}`);
  for (const c of runs.crashed) console.log(`  ${c}`);
  if (keep) console.log(`\nThe fixed copy: ${work}`);
  process.exitCode = broken.length > 0 || (newFlakes !== undefined && newFlakes.size > 0) || runs.crashed.length > 0 ? 1 : 0;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
