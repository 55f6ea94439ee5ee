// The live-drift side of `mlship worker`: a worker whose first request is a live-drift one stays up for the
// extension, keeping one LiveDrift per deployment (its baseline profiled once, cached by content hash) and comparing
// the windows of logged inputs it is sent. Requests are answered in order; the process ends when the extension
// disconnects (or kills it).
import { driftConfigFrom } from '../core/drift/config';
import { recordsOf } from '../core/deployments/inputColumns';
import { openLiveDrift, type LiveDrift } from '../core/deployments/liveDrift';
import { errorMessage } from '../core/util/concurrency';
import { isLiveDriftRequest, type LiveDriftRequest, type LiveDriftResponse } from '../shared/driftWorker';
import type { CliIo } from './io';
import { readManifest } from './workspace';

function send(msg: LiveDriftResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

async function answer(req: LiveDriftRequest, io: CliIo, open: Map<string, LiveDrift>): Promise<LiveDriftResponse> {
  if (req.type === 'live-open') {
    const loaded = await readManifest({ ...io, stderr: () => undefined }, 'worker', req.manifestPath);
    const config = driftConfigFrom(loaded.ok ? loaded.manifest?.drift : undefined);
    const { live, cached } = await openLiveDrift(req.baseline, config, req.cacheDir);
    open.set(req.id, live);
    const s = live.summary;
    return { type: 'live-opened', seq: req.seq, baseline: { name: s.name, rows: s.rows }, cached };
  }
  if (req.type === 'live-close') {
    open.delete(req.id);
    return { type: 'live-closed', seq: req.seq };
  }
  const live = open.get(req.id);
  if (!live) return { type: 'live-error', seq: req.seq, message: `no baseline is open for ${req.id}` };
  if (req.type === 'live-score') return { type: 'live-scores', seq: req.seq, scores: req.windows.map((w) => live.score(recordsOf(w))) };
  return { type: 'live-detail', seq: req.seq, detail: live.detail(recordsOf(req.inputs), req.top) };
}

/** Serves live-drift requests, starting with `first`, until the IPC channel closes. */
export function serveLiveDrift(first: LiveDriftRequest, io: CliIo): Promise<number> {
  const open = new Map<string, LiveDrift>();
  let queue = Promise.resolve();
  const handle = (req: LiveDriftRequest): void => {
    queue = queue.then(async () => {
      try {
        await send(await answer(req, io, open));
      } catch (err) {
        await send({ type: 'live-error', seq: req.seq, message: errorMessage(err) });
      }
    });
  };
  return new Promise((resolve) => {
    process.on('message', (msg: unknown) => {
      if (isLiveDriftRequest(msg)) handle(msg);
      else if (typeof msg === 'object' && msg !== null && typeof (msg as { seq?: unknown }).seq === 'number') void send({ type: 'live-error', seq: (msg as { seq: number }).seq, message: 'The drift worker received a request it does not understand.' });
    });
    process.once('disconnect', () => void queue.then(() => resolve(0)));
    handle(first);
  });
}
