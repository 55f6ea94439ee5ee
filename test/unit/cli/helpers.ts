import { runCli } from '../../../src/cli/main';

/** Runs `mlship …args` in `cwd`, capturing its output and exit code. */
export async function run(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}
