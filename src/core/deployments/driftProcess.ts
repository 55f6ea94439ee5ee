// The parent side of the live drift worker (`mlship worker`, liveDriftWorker.ts): one child process shared by every
// deployment, started on the first drift request, so profiling baselines and comparing windows never run on the
// extension host's thread. Each deployment gets a DriftScorer bound to its baseline; the baseline is opened in the
// worker once (profiled once, cached by content hash in `cacheDir`) and opened again only if the worker had to be
// restarted. Every answer is validated; a worker that dies rejects what it was doing, and the next request starts a
// new one.
import { fork, type ChildProcess } from 'node:child_process';
import { isLiveDriftResponse, type LiveDriftRequest, type LiveDriftResponse } from '../../shared/driftWorker';
import type { DriftScorer } from './driftSeries';

export interface DriftProcessOptions {
  /** Path of dist/cli.js (or src/cli/main.ts with `execArgv: ['--import', 'tsx']`). */
  script: string;
  execArgv?: string[];
  /** Environment of the child (the extension host sets ELECTRON_RUN_AS_NODE). */
  env?: NodeJS.ProcessEnv;
  /** Folder for cached baseline profiles. */
  cacheDir?: string;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

type Request = LiveDriftRequest extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

export class DriftProcess {
  private child: ChildProcess | undefined;
  /** Which start of the worker this is, so baselines opened in an earlier one are opened again. */
  private generation = 0;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (m: LiveDriftResponse) => void; reject: (e: Error) => void }>();
  private readonly opened = new Map<string, { generation: number; baseline: Promise<{ name: string; rows: number }> }>();
  private disposed = false;

  constructor(private readonly options: DriftProcessOptions) {}

  /** The worker's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.options.script, ['worker'], {
      execArgv: this.options.execArgv ?? [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Windows of logged inputs go as typed-array columns, which the structured clone copies as bytes.
      serialization: 'advanced',
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    this.generation++;
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 8000) stderr += d.toString('utf8');
    });
    child.on('message', (m: unknown) => {
      if (!isLiveDriftResponse(m)) return this.options.onLog?.('warn', `The drift worker sent an unexpected message: ${JSON.stringify(m)?.slice(0, 200)}`);
      const p = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      p?.resolve(m);
    });
    const gone = (why: string): void => {
      if (this.child !== child) return;
      this.child = undefined;
      if (stderr.trim()) this.options.onLog?.('error', `Drift worker output:\n${stderr.trim()}`);
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const p of failed) p.reject(new Error(`the drift worker ${why}`));
      if (!this.disposed) this.options.onLog?.(failed.length > 0 ? 'warn' : 'info', `The drift worker ${why}.`);
    };
    child.on('error', (err) => gone(`did not start: ${err.message}`));
    child.on('exit', (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`));
    return child;
  }

  private request(req: Request): Promise<LiveDriftResponse> {
    if (this.disposed) return Promise.reject(new Error('the drift worker is closed'));
    const child = this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      child.send({ ...req, seq }, (err) => {
        if (!err || !this.pending.has(seq)) return;
        this.pending.delete(seq);
        reject(new Error(`the drift worker could not be reached: ${err.message}`));
      });
    });
  }

  private async ask<T extends LiveDriftResponse['type']>(req: Request, type: T): Promise<Extract<LiveDriftResponse, { type: T }>> {
    const res = await this.request(req);
    if (res.type === 'live-error') throw new Error(res.message);
    if (res.type !== type) throw new Error(`the drift worker answered ${res.type} to ${req.type}`);
    return res as Extract<LiveDriftResponse, { type: T }>;
  }

  /** Opens `id`'s baseline in the running worker (again, after a restart); a failed open is tried again next time. */
  private open(id: string, baseline: string, manifestPath: string | undefined): Promise<{ name: string; rows: number }> {
    // A poll still under way when the worker was closed for good must not start a new one that nobody stops.
    if (this.disposed) return Promise.reject(new Error('the drift worker is closed'));
    this.start();
    const known = this.opened.get(id);
    if (known && known.generation === this.generation) return known.baseline;
    const opening = this.ask({ type: 'live-open', id, baseline, ...(manifestPath ? { manifestPath } : {}), ...(this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {}) }, 'live-opened').then((r) => {
      this.options.onLog?.('info', `Drift baseline of ${id}: ${r.baseline.name}, ${r.baseline.rows} rows${r.cached ? ' (profile from the cache)' : ''}.`);
      return r.baseline;
    });
    const entry = { generation: this.generation, baseline: opening };
    this.opened.set(id, entry);
    opening.catch(() => {
      if (this.opened.get(id) === entry) this.opened.delete(id);
    });
    return opening;
  }

  /** A DriftScorer for one deployment, comparing with `baseline` (a data file or a profile JSON) in the worker. */
  scorer(id: string, baseline: string, manifestPath?: string): DriftScorer {
    const open = (): Promise<{ name: string; rows: number }> => this.open(id, baseline, manifestPath);
    return {
      baseline: open,
      score: async (windows) => {
        await open();
        return (await this.ask({ type: 'live-score', id, windows: [...windows] }, 'live-scores')).scores;
      },
      detail: async (inputs, top) => {
        await open();
        return (await this.ask({ type: 'live-detail', id, inputs, top }, 'live-detail')).detail;
      },
    };
  }

  /** Forgets `id`'s baseline (the deployment was removed or changed). */
  async close(id: string): Promise<void> {
    const known = this.opened.get(id);
    this.opened.delete(id);
    if (!known || !this.child || known.generation !== this.generation) return;
    await this.ask({ type: 'live-close', id }, 'live-closed').catch(() => undefined);
  }

  /** Ends the worker for now (nothing is polled); pending requests reject, and the next request starts a new one. */
  stop(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const p of failed) p.reject(new Error('the drift worker was stopped'));
    if (child.connected) child.disconnect();
    // A worker busy profiling a large baseline may not notice the disconnect soon.
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    kill.unref();
    child.once('exit', () => clearTimeout(kill));
  }

  /** Ends the worker for good. */
  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
