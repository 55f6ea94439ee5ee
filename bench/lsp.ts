// Reanalysis latency through the language server process (src/server/server.ts built as it ships, see
// engine-bundle.ts; over stdio), as an editor sees it: the time from sending a one-line `didChange` of the benchmark's
// 2,000-line TypeScript (and Python) file to receiving the `publishDiagnostics` of that version, minus the server's
// 60 ms debounce. Each edit is undone (and that reanalysis awaited, not timed) before the next, after a warm-up as
// long as the peer's (edits of another seed for `WARM_MS` of reanalysis, see `editsThrough`). The peer is the
// engine's own incremental reanalysis of the same edits in this process (bench/analysis.ts, the same bundle): what
// the server adds to it is the protocol (the document update, the diagnostics sent and read) and its event loop.
// Run standalone: node --import tsx bench/lsp.ts  (writes bench/results/lsp.json)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification, InitializedNotification,
  InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { StatusNotification } from '../src/shared/lsp';
import { mulberry32 } from '../src/core/util/random';
import { engineReanalysis, generateSource, oneLineEdit, WARM_MS } from './analysis';
import { buildShipped, SHIPPED_BUILD } from './engine-bundle';
import { median, printFigures, quantile, type BenchFigure } from './figures';

const ROOT = resolve(__dirname, '..');
/** The server's debounce after a change (src/server/server.ts `schedule`). */
const DEBOUNCE_MS = 60;
/** The fewest edits the server warms up with (see `editsThrough`). */
const WARM_UP = 30;

interface Server {
  child: ChildProcess;
  conn: ProtocolConnection;
  /** Resolves with the diagnostics of `uri` at `version`. */
  published(uri: string, version: number): Promise<PublishDiagnosticsParams>;
}

export async function startServer(serverJs: string, execArgv: readonly string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...execArgv, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const key = `${p.uri}@${p.version}`;
    waiting.get(key)?.(p);
    waiting.delete(key);
  });
  const ready = new Promise<void>((r) => conn.onNotification(StatusNotification.type, () => r()));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification(InitializedNotification.type, {});
  await ready;
  return {
    child,
    conn,
    published: (uri, version) => new Promise((r) => waiting.set(`${uri}@${version}`, r)),
  };
}

export async function stopServer(s: Server): Promise<void> {
  await s.conn.sendRequest(ShutdownRequest.type);
  const exited = new Promise((r) => s.child.once('exit', r));
  await s.conn.sendNotification(ExitNotification.type);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  s.conn.dispose();
  s.child.kill();
}

/** Sends one change and waits for its diagnostics; returns the milliseconds in between. */
async function change(s: Server, uri: string, version: number, row: number, column: number, removed: number, text: string): Promise<number> {
  const done = s.published(uri, version);
  const t = performance.now();
  await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line: row, character: column }, end: { line: row, character: column + removed } }, text }],
  });
  await done;
  return performance.now() - t;
}

/**
 * `edits` one-line edits of `source`, each undone, sent to the server: the time of each edit's round trip. The server
 * warms up first as the engine's peer does (bench/analysis.ts `WARM_MS`): edits of another seed, not timed, until their
 * round trips minus the debounce (edit and undo) add up to `WARM_MS`, and at least `WARM_UP` of them.
 */
export async function editsThrough(server: Server, source: string, languageId: string, edits: number, seed: number): Promise<number[]> {
  const uri = `file:///bench/edited.${languageId === 'python' ? 'py' : 'ts'}`;
  const open = server.published(uri, 1);
  await server.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: source } });
  await open;
  let version = 1;
  /** One edit made and undone: the edit's round trip and the undo's, each minus the debounce. */
  const editAndUndo = async (e: ReturnType<typeof oneLineEdit>): Promise<[number, number]> => {
    version += 2;
    const t = await change(server, uri, version - 1, e.row, e.column, e.removed, e.inserted);
    const u = await change(server, uri, version, e.row, e.column, e.inserted.length, source.slice(e.startIndex, e.startIndex + e.removed));
    return [t - DEBOUNCE_MS, u - DEBOUNCE_MS];
  };
  const warming = mulberry32(seed + 1000);
  let warm = 0;
  for (let i = 0; i < WARM_UP || warm < WARM_MS; i++) {
    const [t, u] = await editAndUndo(oneLineEdit(source, warming, i));
    warm += t + u;
  }
  const rng = mulberry32(seed);
  const times: number[] = [];
  for (let i = 0; i < edits; i++) times.push((await editAndUndo(oneLineEdit(source, rng, i)))[0]);
  return times;
}

export async function runLspBench(opts: { edits?: number } = {}): Promise<BenchFigure[]> {
  const edits = opts.edits ?? 200;
  const figures: BenchFigure[] = [];
  const shipped = await buildShipped('src/server/server.ts');
  const server = await startServer(shipped.bundle);
  try {
    for (const [language, languageId, lang, source, seed] of [
      ['TypeScript', 'typescript', 'typescript', generateSource('typescript', 2_000, 5), 6],
      ['Python', 'python', 'python', generateSource('python', 2_000, 3), 4],
    ] as const) {
      const through = await editsThrough(server, source, languageId, edits, seed);
      const engine = await engineReanalysis(source, edits, seed, lang);
      const name = `didChange → publishDiagnostics minus the ${DEBOUNCE_MS} ms debounce, one-line edits of a 2,000-line ${language} file (${edits}, each undone)`;
      const peer = 'the engine\'s own incremental reanalysis of the same edits, in-process';
      figures.push({ name: `${name}, p50`, value: median(through), unit: 'ms', peer: { name: `${peer}, p50`, value: median(engine) }, ratio: median(through) / median(engine), goal: '≤ 10 ms' });
      figures.push({ name: `${name}, p95`, value: quantile(through, 0.95), unit: 'ms', peer: { name: `${peer}, p95`, value: quantile(engine, 0.95) }, ratio: quantile(through, 0.95) / quantile(engine, 0.95), goal: '≤ 10 ms' });
    }
  } finally {
    await stopServer(server);
    shipped.dispose();
  }
  return figures;
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const figures = await runLspBench();
  printFigures(`Reanalysis through the language server, ${SHIPPED_BUILD} (load ${load.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)})`, figures);
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, 'lsp.json');
  await writeFile(out, `${JSON.stringify({ bench: 'lsp', date: new Date().toISOString(), node: process.version, cpus: cpus().length, figures }, null, 2)}\n`);
  console.log(`\nwrote ${relative(process.cwd(), out)}`);
}

if (process.argv[1] !== undefined && /lsp\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
