// What the quick-fix run tests (fixes-run-python, fixes-run-js) share: running a harness in a child process, judging
// each run (through the generated fallback, or at least without an escape), and the control run of the unfixed code.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../src/core/util/concurrency';
import type { RuleId } from '../src/core/analysis/types';

export type Mode = 'raise' | 'timeout' | 'lowconf';

const RUN_DIR = join(__dirname, 'fixtures', 'run');
/** Debian's python3 (with numpy): the harness of fixed Python code. */
export const PYTHON = '/usr/bin/python3';

/**
 * Runs a fixed Python file: `target` is `module`, a function name or `Class.method`. With `local`, the modules beside
 * the file are imported for real (their third-party imports stubbed), not stubbed themselves.
 */
export function runPython(file: string, mode: Mode, target: string, local = false): Promise<HarnessResult> {
  return runHarness(PYTHON, [join(RUN_DIR, 'pyharness.py'), file, mode, target, ...(local ? ['local'] : [])]);
}

/**
 * Runs a fixed JavaScript/TypeScript file: `marker` is text the function to run contains. With `local`, the file's own
 * modules (relative imports) are loaded for real (their packages stubbed), not stubbed themselves.
 */
export function runJs(file: string, mode: Mode, marker: string, local = false): Promise<HarnessResult> {
  return runHarness(process.execPath, [join(RUN_DIR, 'jsharness.mjs'), file, mode, marker, ...(local ? ['local'] : [])]);
}

export interface HarnessResult {
  ok: boolean;
  error: string | null;
  fallbacks: number;
  lowConfidence: number;
  /** Error-first answers (`done(null, value)`) given to a continuation the run function was handed. */
  answered: number;
  seconds: number;
}

export interface FixCase {
  name: string;
  rule: RuleId;
  modes: Mode[];
  /** A no-fallback fix was applied to the call: its failure path must go through the generated fallback. */
  ourFallback: boolean;
  /** The fixed file, as written for the harness. */
  fixed: string;
  /** The unfixed file, as written for the harness. */
  original: string;
  /** What tells the harness which function to run (a name, or text the function contains). */
  target: string;
  originalTarget: string;
  ext: string;
}

/** Runs `command args…`; a run that prints no result line within 20 s (a hang, a crash) is a failed run. */
export function runHarness(command: string, args: string[]): Promise<HarnessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A hang is what `timeout` mode looks for: the stubbed server never answers a call without a timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as HarnessResult);
      } catch {
        resolve({ ok: false, error: `no result (hung or crashed): ${err.slice(-800)}`, fallbacks: 0, lowConfidence: 0, answered: 0, seconds: -1 });
      }
    });
  });
}

/** Runs every case in each of its modes; returns the failures (empty when all went through their fallback). */
export async function runFixedCases(cases: FixCase[], dir: string, harness: (file: string, mode: Mode, target: string) => Promise<HarnessResult>): Promise<{ failures: string[]; runs: number }> {
  const failures: string[] = [];
  let runs = 0;
  await mapLimit(cases, 2, async (c, i) => {
    const file = join(dir, `case${i}${c.ext}`);
    await writeFile(file, c.fixed);
    for (const mode of c.modes) {
      runs++;
      const r = await harness(file, mode, c.target);
      // Without a fallback fix the call was already guarded by the file's own handler: it must not escape or hang.
      const through = mode === 'lowconf' ? r.lowConfidence > 0 : !c.ourFallback || r.fallbacks > 0;
      if (!r.ok || !through) failures.push(`${c.name} [${mode}, ${c.target}]: ${r.ok ? 'returned without going through the fallback' : r.error}\n${c.fixed}`);
    }
  });
  return { failures, runs };
}

/** The control: the same functions before their fallback fix; returns how many let the model's failure out. */
export async function countUnfixedEscapes(cases: FixCase[], dir: string, harness: (file: string, mode: Mode, target: string) => Promise<HarnessResult>): Promise<{ escaped: number; total: number; held: string[] }> {
  const unfixed = cases.filter((c) => c.rule === 'no-fallback');
  const held: string[] = [];
  await mapLimit(unfixed, 2, async (c, i) => {
    const file = join(dir, `original${i}${c.ext}`);
    await writeFile(file, c.original);
    const r = await harness(file, 'raise', c.originalTarget);
    if (r.ok) held.push(`${c.name} [${c.originalTarget}]`);
  });
  return { escaped: unfixed.length - held.length, total: unfixed.length, held };
}
