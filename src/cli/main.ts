// `mlship` command line: a table of subcommands, one file each. `mlship <command> --help` prints a command's usage.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { isProfilePartJob, runProfilePartWorker } from '../core/drift/parallel';
import { VERSION } from '../shared/version';
import { check } from './check';
import { drift } from './drift';
import { profile } from './profile';
import { worker } from './worker';
import { runSubcommand, type CliIo, type Subcommand } from './io';
import { replay } from './replay';
import { rollout } from './rollout';
import { scaffold } from './scaffold';
import { serve } from './serve';
import { status } from './status';

export type { CliIo } from './io';

const COMMANDS: Record<string, Subcommand> = { check, serve, status, replay, rollout, scaffold, profile, drift, worker };

export function usage(): string {
  const listed = Object.entries(COMMANDS).filter(([, c]) => !c.hidden);
  const width = Math.max(...listed.map(([n]) => n.length));
  const lines = listed.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: mlship <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`mlship <command> --help\` for a command's options. \`mlship --version\` prints the version.\n`;
}

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(usage());
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!cmd) {
    io.stderr(`mlship: unknown command "${command}".\n\n${usage()}`);
    return 2;
  }
  return runSubcommand(command, cmd, rest, io);
}

/** The worker script of the parallel profiler: the slim dist/profileWorker.js next to this bundle, else this bundle. */
export function profileWorkerScript(): string {
  const slim = join(__dirname, 'profileWorker.js');
  return __filename.endsWith('.js') && existsSync(slim) ? slim : __filename;
}

if (!isMainThread && isProfilePartJob(workerData)) {
  // A thread started by the parallel profiler (this bundle is its worker script).
  void runProfilePartWorker();
} else if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const io: CliIo = { cwd: process.cwd(), stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), signal: controller.signal, parallel: { script: profileWorkerScript(), workers: Math.min(4, availableParallelism()) } };
  runCli(process.argv.slice(2), io).then(
    (code) => exitWhenWritten(code),
    (err: unknown) => {
      process.stderr.write(`mlship: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      exitWhenWritten(2);
    },
  );
}

/**
 * Exits once what was written to stdout and stderr has left the process. Into a pipe (`mlship check | jq`) Node writes
 * asynchronously, a pipe's worth at a time: exiting at once would cut the report off after the first 64 KiB.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
