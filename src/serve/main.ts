// Entry point of the model process (dist/serve.js). It is always forked by a parent — the extension host or the
// `mlship` CLI — with an IPC channel, and does one job per process: a latency benchmark, or serving one model until
// told to stop. When the parent goes away, so does this process (no orphaned servers holding ports).
import { isAbortError, errorMessage } from '../core/util/concurrency';
import { isParentToServe, type ParentToServe, type ServeToParent } from '../shared/serve';
import { benchmarkModel } from './benchmark';
import { startModelServer, type RunningServer } from './server';

function post(message: ServeToParent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

let server: RunningServer | undefined;
let benchmark: AbortController | undefined;
let busy = false;

async function shutdown(code: number): Promise<never> {
  benchmark?.abort();
  await server?.close().catch(() => undefined);
  process.exit(code);
}

async function handle(message: ParentToServe): Promise<void> {
  switch (message.type) {
    case 'cancel':
      benchmark?.abort();
      return;
    case 'stop':
      return void (await shutdown(0));
    case 'benchmark': {
      if (busy) return post({ type: 'error', name: 'Error', message: 'This model process is already busy.' });
      busy = true;
      benchmark = new AbortController();
      try {
        const { modelPath, ...rest } = message.request;
        const result = await benchmarkModel(modelPath, { ...rest, signal: benchmark.signal, onProgress: (done, total, phase) => void post({ type: 'progress', done, total, phase }) });
        await post({ type: 'benchmarkResult', result });
      } catch (err) {
        await post({ type: 'error', name: isAbortError(err) ? 'AbortError' : err instanceof Error ? err.name : 'Error', message: errorMessage(err) });
      }
      return void (await shutdown(0));
    }
    case 'serve': {
      if (busy) return post({ type: 'error', name: 'Error', message: 'This model process is already busy.' });
      busy = true;
      try {
        server = await startModelServer(message.options, (level, text) => void post({ type: 'log', level, message: text }));
        await post({ type: 'listening', endpoint: server.endpoint });
      } catch (err) {
        await post({ type: 'error', name: err instanceof Error ? err.name : 'Error', message: errorMessage(err) });
        await shutdown(1);
      }
      return;
    }
  }
}

if (!process.send) {
  process.stderr.write('dist/serve.js is the MLShip model process; it is started by the extension or by `mlship serve`, not run directly.\n');
  process.exit(2);
}
process.on('message', (message: unknown) => {
  if (!isParentToServe(message)) {
    void post({ type: 'error', name: 'Error', message: `Unexpected message: ${JSON.stringify(message)?.slice(0, 200) ?? String(message)}` });
    return;
  }
  handle(message).catch((err: unknown) => void post({ type: 'error', name: 'Error', message: errorMessage(err) }));
});
process.on('disconnect', () => void shutdown(0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));
