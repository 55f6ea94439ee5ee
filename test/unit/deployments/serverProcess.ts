// A real server binary the tests start themselves on loopback (Prometheus, nginx): its stderr kept for the error
// when it does not come up, stopped by its pid (SIGTERM, then SIGKILL after 5 s), and its temp folder removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';

export interface ServerProcess {
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  close: () => Promise<void>;
}

export function startServerProcess(binary: string, args: string[], dir: string): ServerProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  return { child, stderr: () => stderr, close };
}
