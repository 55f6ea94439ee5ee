// Runs profiling and drift jobs in a child process (the bundled CLI's `mlship worker`), never in the extension host:
// a notification shows progress, Cancel kills the process, and the answer is validated before it is used.
import { fork } from 'node:child_process';
import * as vscode from 'vscode';
import { isWorkerResponse, type WorkerRequest, type WorkerResponse, type WorkerSide } from '../../shared/driftWorker';
import { log } from '../log';

export class JobCancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'JobCancelled';
  }
}

type Result = Exclude<WorkerResponse, { type: 'progress' } | { type: 'error' }>;

const SIDE_LABEL: Record<WorkerSide, string> = { baseline: 'baseline', current: 'current data', profile: 'snapshot' };

export class DriftWorker {
  constructor(
    private readonly extensionUri: vscode.Uri,
    /** Where profiles are cached by content hash. */
    private readonly cacheDir: vscode.Uri | undefined,
  ) {}

  /** Runs one job with a progress notification titled `title`; rejects with JobCancelled when the user cancels. */
  run(request: WorkerRequest, title: string): Promise<Result> {
    const req: WorkerRequest = this.cacheDir ? { ...request, cacheDir: this.cacheDir.fsPath } : request;
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLShip: ${title}`, cancellable: true }, (progress, token) => this.spawn(req, progress, token)),
    );
  }

  private spawn(req: WorkerRequest, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<Result> {
    const cli = vscode.Uri.joinPath(this.extensionUri, 'dist', 'cli.js').fsPath;
    return new Promise<Result>((resolve, reject) => {
      const started = Date.now();
      const child = fork(cli, ['worker'], {
        execArgv: [],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        // VS Code's extension host runs in Electron: run the child as plain Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        if (stderr.length < 8000) stderr += d.toString();
      });
      let result: Result | undefined;
      let failure: string | undefined;
      let cancelled = false;
      const sub = token.onCancellationRequested(() => {
        cancelled = true;
        child.kill('SIGKILL');
      });
      child.on('message', (msg: unknown) => {
        if (!isWorkerResponse(msg)) {
          log().warn(`The profiling worker sent an unexpected message: ${JSON.stringify(msg)?.slice(0, 200)}`);
          return;
        }
        if (msg.type === 'progress') {
          const pct = msg.totalBytes ? Math.round((msg.bytes / msg.totalBytes) * 100) : undefined;
          progress.report({ message: `reading the ${SIDE_LABEL[msg.side]}${pct !== undefined ? ` — ${pct} %` : ''}, ${msg.rows.toLocaleString('en-US')} rows` });
        } else if (msg.type === 'error') failure = msg.message;
        else result = msg;
      });
      child.on('error', (err) => {
        failure ??= `The profiling worker did not start: ${err.message}`;
      });
      child.on('exit', (code, signal) => {
        sub.dispose();
        log().info(`Profiling worker (${req.type}) ended in ${Date.now() - started} ms (${signal ?? `exit ${code ?? '?'}`}).`);
        if (cancelled) return reject(new JobCancelled());
        if (result) return resolve(result);
        if (stderr.trim()) log().error(`Profiling worker output:\n${stderr.trim()}`);
        reject(new Error(failure ?? `The profiling worker stopped without an answer (${signal ?? `exit code ${code ?? '?'}`}); see the MLShip log.`));
      });
      child.send(req);
    });
  }
}
