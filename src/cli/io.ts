// What every `mlship` subcommand shares: the I/O it writes to (so tests can capture it), usage errors, and the small
// argument parser each subcommand configures with its own options.
import { isAbsolute, relative, sep } from 'node:path';

export interface CliIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Aborted on Ctrl+C by the process entry point; long-running subcommands stop when it fires. */
  signal?: AbortSignal;
  /** Worker threads for profiling large files: the script they run (this CLI) and how many. */
  parallel?: { script: string; workers: number };
}

/**
 * A file's path as the CLI prints it: relative to the working directory, with `/`, when the file lies under it; its
 * absolute path otherwise (`../../../../tmp/flags.json` reads worse than `/tmp/flags.json`); `.` for the directory itself.
 */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** A subcommand: its one-line summary for `mlship --help`, its full usage text, and what it does. */
export interface Subcommand {
  summary: string;
  usage: string;
  /** Not listed by `mlship --help` (internal plumbing). */
  hidden?: boolean;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Wrong arguments: the subcommand prints the message and its usage, and exits with 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Options that take a value (`--format json`, `--format=json`). */
  values?: readonly string[];
  /** Options that are flags (`--dry-run`). */
  flags?: readonly string[];
  /** Short aliases: `{ '-o': '--output' }`. */
  aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/** Parses `args` against `spec`; throws UsageError on unknown options or a missing value. */
export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  const values = new Set(spec.values ?? []);
  const flags = new Set(spec.flags ?? []);
  for (let i = 0; i < args.length; i++) {
    let a = args[i] as string;
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    a = spec.aliases?.[a] ?? a;
    if (values.has(a)) {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      out.values.set(a, v);
    } else if (flags.has(a) && inline === undefined) {
      out.flags.add(a);
    } else {
      throw new UsageError(`Unknown option ${a}.`);
    }
  }
  return out;
}

/** Reads an option restricted to `choices`, or `fallback` when absent. */
export function choice<T extends string>(parsed: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = parsed.values.get(name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`${name} must be ${choices.join(', ').replace(/, ([^,]*)$/, ' or $1')} (got "${v}").`);
  return v as T;
}

/** Runs a subcommand: help, usage errors (exit 2) and the subcommand's own exit code. */
export async function runSubcommand(name: string, cmd: Subcommand, args: string[], io: CliIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mlship ${name}: ${err.message}\n\n${cmd.usage}`);
      return 2;
    }
    throw err;
  }
}
