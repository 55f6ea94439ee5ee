// `mlship` command line: a table of subcommands, one file each. `mlship <command> --help` prints a command's usage.
import { VERSION } from '../shared/version';
import { check } from './check';
import { runSubcommand, type CliIo, type Subcommand } from './io';
import { rollout } from './rollout';
import { scaffold } from './scaffold';

export type { CliIo } from './io';

const COMMANDS: Record<string, Subcommand> = { check, rollout, scaffold };

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
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

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  runCli(process.argv.slice(2), { cwd: process.cwd(), stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), signal: controller.signal }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`mlship: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
