// `mlship worker`: runs one profiling or drift job for the VS Code extension, in this process and never in the
// extension host. The request arrives over the IPC channel of child_process.fork; progress and the result go back
// the same way. The extension cancels a job by killing the process. A first request for live drift keeps the worker
// up for the deployments' drift instead (liveDriftWorker.ts).
import { driftConfigFrom, typeOverrides } from '../core/drift/config';
import { driftBetween, profileFileCached } from '../core/drift/run';
import { errorMessage } from '../core/util/concurrency';
import { isLiveDriftRequest, isWorkerRequest, type WorkerRequest, type WorkerResponse } from '../shared/driftWorker';
import type { CliIo, Subcommand } from './io';
import { serveLiveDrift } from './liveDriftWorker';
import { readManifest } from './workspace';

function send(msg: WorkerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

async function handle(req: WorkerRequest, io: CliIo): Promise<WorkerResponse> {
  const loaded = await readManifest({ ...io, stderr: () => undefined }, 'worker', req.manifestPath);
  const config = driftConfigFrom(loaded.ok ? loaded.manifest?.drift : undefined);
  let last = 0;
  const progress = (side: 'baseline' | 'current' | 'profile') => (p: { bytes: number; totalBytes: number; rows: number }) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    void send({ type: 'progress', side, ...p });
  };
  if (req.type === 'profile') {
    const { profile, cached } = await profileFileCached(req.path, { options: { rowLimit: config.rowLimit }, types: typeOverrides(config), onProgress: progress('profile'), ...(req.name ? { name: req.name } : {}), ...(io.parallel ? { parallel: io.parallel } : {}) }, req.cacheDir);
    return { type: 'profile', profile, cached };
  }
  const report = await driftBetween(req.baseline, req.current, { config, ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}), ...(io.parallel ? { parallel: io.parallel } : {}), onProgress: (side, p) => progress(side)(p) });
  if (req.baselineName) report.baseline.name = req.baselineName;
  if (req.currentName) report.current.name = req.currentName;
  return { type: 'report', report };
}

async function run(_args: string[], io: CliIo): Promise<number> {
  if (!process.send) {
    io.stderr('mlship worker runs jobs for the VS Code extension over an IPC channel; use `mlship profile` or `mlship drift` instead.\n');
    return 2;
  }
  const req = await new Promise<unknown>((resolve) => process.once('message', resolve));
  if (isLiveDriftRequest(req)) return serveLiveDrift(req, io);
  if (!isWorkerRequest(req)) {
    await send({ type: 'error', message: 'The profiling worker received a request it does not understand.' });
    return 2;
  }
  try {
    await send(await handle(req, io));
    return 0;
  } catch (err) {
    await send({ type: 'error', message: errorMessage(err) });
    return 1;
  }
}

export const worker: Subcommand = {
  summary: 'run one profiling job for the VS Code extension (IPC)',
  usage: 'Usage: mlship worker (started by the VS Code extension; it reads one request over IPC)\n',
  hidden: true,
  run,
};
