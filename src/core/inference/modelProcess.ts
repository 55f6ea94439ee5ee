// The parent side of the model process (dist/serve.js): forks it with an IPC channel, validates every message it
// sends back, and turns its life into promises. The extension and the CLI use this; neither loads onnxruntime.
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  isServeToParent,
  type BenchmarkPhase,
  type BenchmarkRequest,
  type LatencyBenchmarkResult,
  type ParentToServe,
  type ServeEndpoint,
  type ServeOptions,
  type ServeToParent,
} from '../../shared/serve';

export interface ModelProcessOptions {
  /** Path of dist/serve.js (or src/serve/main.ts with `execArgv: ['--import', 'tsx']`). */
  script: string;
  execArgv?: string[];
  /** Where the process's own stdout/stderr lines and its log messages go. */
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The model process ended or failed; `name` is 'AbortError' for a cancelled benchmark. */
export class ModelProcessError extends Error {
  constructor(message: string, name = 'ModelProcessError') {
    super(message);
    this.name = name;
  }
}

/**
 * V8 options of the model process: semi-spaces (the young generation, where a request's short-lived objects are
 * made) of 16 MB from the start. V8 starts them at 1 MB and grows them only when many objects survive, which a
 * server's per-request objects do not, so the local server would scavenge every few hundred requests; with 8
 * requests in flight, each scavenge then holds up more than 1% of the answers, which puts its pause in the p99
 * latency. At 16 MB a scavenge comes every few thousand requests and costs about the same (it copies only what is
 * alive); the process may hold up to 32 MB more memory (two semi-spaces), which V8 would also take by itself for a
 * program whose young objects survive.
 */
const MODEL_PROCESS_V8_OPTIONS = ['--min-semi-space-size=16'];

function start(options: ModelProcessOptions): ChildProcess {
  const child = fork(options.script, [], { execArgv: [...MODEL_PROCESS_V8_OPTIONS, ...(options.execArgv ?? [])], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
  // Whole lines, however the output is cut into chunks (a line, or a character's UTF-8 bytes, across two reads).
  const forward = (stream: Readable | null, level: 'info' | 'error'): void => {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() !== '') options.onLog?.(level, line);
    });
  };
  forward(child.stdout, 'info');
  forward(child.stderr, 'error');
  return child;
}

function send(child: ChildProcess, message: ParentToServe): void {
  if (child.connected) child.send(message);
}

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Runs a latency benchmark in a fresh model process. Cancelling (the signal) asks it to stop, and kills it if it has
 * not stopped within a second; either way the promise rejects with an error named 'AbortError'. A crash of the
 * native runtime rejects with the exit code or signal, and this process carries on.
 */
export function runBenchmarkInModelProcess(
  options: ModelProcessOptions,
  request: BenchmarkRequest,
  hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number, phase: BenchmarkPhase) => void } = {},
): Promise<LatencyBenchmarkResult> {
  return new Promise((resolve, reject) => {
    if (hooks.signal?.aborted) return reject(new ModelProcessError('The latency benchmark was cancelled.', 'AbortError'));
    const child = start(options);
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      send(child, { type: 'cancel' });
      killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
      finish(() => reject(new ModelProcessError('The latency benchmark was cancelled.', 'AbortError')));
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: unknown) => {
      if (!isServeToParent(m)) return options.onLog?.('warn', `Ignored an invalid message from the model process: ${JSON.stringify(m)?.slice(0, 200)}`);
      if (m.type === 'progress') hooks.onProgress?.(m.done, m.total, m.phase);
      else if (m.type === 'log') options.onLog?.(m.level, m.message);
      else if (m.type === 'benchmarkResult') finish(() => resolve(m.result));
      else if (m.type === 'error') finish(() => reject(new ModelProcessError(m.message, m.name)));
    });
    child.once('error', (err) => finish(() => reject(new ModelProcessError(`The model process could not start: ${err.message}`))));
    child.once('exit', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      finish(() => reject(new ModelProcessError(`The model process ${exitDescription(code, signal)} before the benchmark finished (a crash in onnxruntime?). The editor is unaffected; see the MLShip log.`)));
    });
    send(child, { type: 'benchmark', request });
  });
}

export interface LocalDeploymentProcess {
  endpoint: ServeEndpoint;
  pid: number;
  /** Resolves when the process has exited (for whatever reason), with a description. */
  exited: Promise<string>;
  /** Asks the server to close (freeing the port) and waits for the process to exit; kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a local OIP v2 deployment in its own model process; resolves once it listens. */
export function startLocalDeployment(options: ModelProcessOptions, serve: ServeOptions): Promise<LocalDeploymentProcess> {
  return new Promise((resolve, reject) => {
    const child = start(options);
    let listening = false;
    const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(exitDescription(code, signal))));
    child.on('message', (m: unknown) => {
      if (!isServeToParent(m)) return options.onLog?.('warn', `Ignored an invalid message from the model process: ${JSON.stringify(m)?.slice(0, 200)}`);
      handleMessage(m);
    });
    const handleMessage = (m: ServeToParent): void => {
      if (m.type === 'log') options.onLog?.(m.level, m.message);
      else if (m.type === 'error') {
        if (!listening) reject(new ModelProcessError(m.message, m.name));
        else options.onLog?.('error', m.message);
      } else if (m.type === 'listening') {
        listening = true;
        resolve({
          endpoint: m.endpoint,
          pid: child.pid ?? m.endpoint.pid,
          exited,
          async stop(graceMs = 3000) {
            if (child.exitCode !== null || child.signalCode !== null) return;
            send(child, { type: 'stop' });
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    };
    child.once('error', (err) => {
      if (!listening) reject(new ModelProcessError(`The model process could not start: ${err.message}`));
    });
    void exited.then((how) => {
      if (!listening) reject(new ModelProcessError(`The model process ${how} before it was listening.`));
    });
    send(child, { type: 'serve', options: serve });
  });
}
