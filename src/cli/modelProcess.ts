// Where the CLI finds the model process: dist/serve.js next to dist/cli.js, or — when the CLI runs from source
// (tests, `tsx src/cli/main.ts`) — src/serve/main.ts through tsx. MLSHIP_SERVE_SCRIPT overrides both.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelProcessOptions } from '../core/inference/modelProcess';
import type { CliIo } from './io';

export function modelProcessFor(io: CliIo): ModelProcessOptions {
  // The subcommand prints what matters itself; the model process's warnings and errors go to stderr.
  const onLog = (level: 'info' | 'warn' | 'error', message: string): void => {
    if (level !== 'info') io.stderr(`${message}\n`);
  };
  const override = process.env.MLSHIP_SERVE_SCRIPT;
  if (override) return { script: override, ...(override.endsWith('.ts') ? { execArgv: ['--import', 'tsx'] } : {}), onLog };
  const bundled = join(__dirname, 'serve.js');
  if (existsSync(bundled)) return { script: bundled, onLog };
  return { script: join(__dirname, '..', 'serve', 'main.ts'), execArgv: ['--import', 'tsx'], onLog };
}
