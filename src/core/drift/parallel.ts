// Large CSV/TSV files profiled in parts, then merged (merge(profile(A), profile(B)) ≈ profile(A ∪ B)). The worker
// threads are started first, so that they boot while the calling thread reads the head (delimiter, header, column
// types); the data is then cut into ranges at line ends: the calling thread reads the first, one worker thread each
// of the others (each is sent its range once the head is known). A quoted field can hold a newline, so a cut may land inside a
// record: each worker reports where the first record at or after its end really starts, and if that is not where the
// next part began, the parts are dropped and the file is read in one pass instead. Line numbers in problems are
// made absolute before the workers write them down.
import { open } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ColumnProfile, Profile, ProfileOptions, SemanticType } from '../../shared/drift';
import type { WorkingType } from './accumulate';
import { mergeColumns } from './merge';
import type { ReaderProblem } from './problems';
import { ProfileBuilder, scanCsvRange, type CsvHead, type CsvRange, type ProfileRequest } from './profile';

export interface ParallelProfiling {
  /** A script that calls runProfilePartWorker() when it starts on a worker thread (the CLI bundle does). */
  script: string;
  /** Parts read at once, the calling thread's included (so workers − 1 worker threads are started). */
  workers: number;
  /** Files with less data than this are read in one pass (default 32 MiB). */
  minBytes?: number;
  /** Told how many parts were read, and whether a cut inside a quoted field made it fall back to one pass. */
  onPlan?: (plan: { parts: number; fallback: boolean }) => void;
}

export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

interface PartJob {
  path: string;
  totalBytes: number;
  source: Profile['source'];
  options: ProfileOptions;
  types: Record<string, SemanticType>;
  names: string[];
  inferred: WorkingType[];
  range: CsvRange;
  width: number;
  label: string;
}

type PartMessage =
  | { type: 'progress'; bytes: number; rows: number }
  | { type: 'scanned'; boundary: number; boundaryLine: number }
  | { type: 'done'; columns: ColumnProfile[]; rows: number; malformed: number; problems: ReaderProblem[] }
  | { type: 'error'; message: string };

/** True for the workerData of a part thread (see PartThreads). */
export function isProfilePartJob(x: unknown): x is PartThreadStart {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'mlship-profile-part';
}

/** Offset just after the first line end at or after `from` (or the file size). */
async function nextLineStart(path: string, from: number, size: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = from;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (nl >= 0) return pos + nl + 1;
      pos += bytesRead;
    }
    return size;
  } finally {
    await fh.close();
  }
}

/** What a part thread is started with: the job itself comes in its first message, once the head has been read. */
interface PartThreadStart {
  kind: 'mlship-profile-part';
}

/**
 * Threads for parts 1… of a file, started before its head is read so that they boot while the calling thread reads
 * it. Each thread's messages are queued from the start (a thread that fails to boot is reported, not thrown).
 */
export class PartThreads {
  private readonly workers: Worker[];
  private readonly next: (() => Promise<PartMessage>)[];
  /** Bytes and rows each thread has read so far (its progress messages). */
  readonly progress: { bytes: number; rows: number }[];
  onProgress: (() => void) | undefined;

  constructor(script: string, count: number) {
    this.workers = [];
    this.next = [];
    this.progress = [];
    for (let k = 0; k < count; k++) {
      const w = new Worker(script, { workerData: { kind: 'mlship-profile-part' } satisfies PartThreadStart });
      const queue: PartMessage[] = [];
      let wake: (() => void) | undefined;
      let failure: Error | undefined;
      const progress = { bytes: 0, rows: 0 };
      w.on('message', (m: PartMessage) => {
        if (m.type === 'progress') {
          progress.bytes = m.bytes;
          progress.rows = m.rows;
          this.onProgress?.();
          return;
        }
        queue.push(m);
        wake?.();
      });
      w.on('error', (err) => {
        failure = err;
        wake?.();
      });
      w.on('exit', (code) => {
        if (code !== 0) failure ??= new Error(`A profiling thread stopped (exit code ${code}).`);
        wake?.();
      });
      this.workers.push(w);
      this.progress.push(progress);
      this.next.push(async (): Promise<PartMessage> => {
        while (queue.length === 0) {
          if (failure) throw failure;
          await new Promise<void>((res) => (wake = res));
        }
        const m = queue.shift() as PartMessage;
        if (m.type === 'error') throw new Error(m.message);
        return m;
      });
    }
  }

  get count(): number {
    return this.workers.length;
  }

  /** Hands thread k its job (or tells it to finish). */
  post(k: number, message: { type: 'job'; job: PartJob } | { type: 'finish'; lineDelta: number }): void {
    this.workers[k]?.postMessage(message);
  }

  /** The next message of thread k (its errors thrown). */
  receive(k: number): Promise<PartMessage> {
    return (this.next[k] as () => Promise<PartMessage>)();
  }

  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }
}

/** Starts the threads `parallel` asks for when a file of `totalBytes` will be read in parts (else undefined). */
export function startPartThreads(parallel: ParallelProfiling | undefined, totalBytes: number): PartThreads | undefined {
  if (!parallel || parallel.workers <= 1 || totalBytes < (parallel.minBytes ?? PARALLEL_MIN_BYTES)) return undefined;
  return new PartThreads(parallel.script, Math.max(1, Math.floor(parallel.workers)) - 1);
}

/**
 * Reads [head.dataStart, end of file) in parts into `b` (whose columns are declared) — the first part here, the
 * others on `threads` — and returns the finished profile; undefined when a cut landed inside a quoted field (the
 * caller then reads the file in one pass). The caller terminates the threads.
 */
export async function profileCsvParallel(path: string, head: CsvHead, b: ProfileBuilder, request: ProfileRequest, totalBytes: number, parallel: ParallelProfiling, threads: PartThreads): Promise<Profile | undefined> {
  const parts = threads.count + 1;
  const starts = [head.dataStart];
  for (let i = 1; i < parts; i++) {
    const guess = head.dataStart + Math.floor(((totalBytes - head.dataStart) * i) / parts);
    const s = await nextLineStart(path, Math.max(guess, (starts[i - 1] as number) + 1), totalBytes);
    if (s > (starts[i - 1] as number) && s < totalBytes) starts.push(s);
  }
  const width = head.names.length;
  const label = b.problems.context?.label ?? 'CSV';
  const rangeOf = (i: number): CsvRange => ({ delimiter: head.delimiter, width, start: starts[i] as number, end: starts[i + 1] ?? Infinity, startLine: i === 0 ? head.dataLine : 1 });
  // Part 0 is read here, on the calling thread; parts 1… on the threads (those left over have nothing to do).
  const used = starts.length - 1;
  for (let k = 0; k < used; k++) {
    threads.post(k, {
      type: 'job',
      job: {
        path, totalBytes, source: b.source, options: b.options, types: { ...(request.types ?? {}) },
        names: head.names, inferred: head.types, width, label, range: rangeOf(k + 1),
      },
    });
  }
  let ownProgress = { bytes: 0, rows: 0 };
  const report = (): void => {
    let bytes = head.dataStart + ownProgress.bytes;
    let rows = ownProgress.rows;
    for (let k = 0; k < used; k++) {
      bytes += threads.progress[k]?.bytes ?? 0;
      rows += threads.progress[k]?.rows ?? 0;
    }
    request.onProgress?.({ bytes, totalBytes, rows });
  };
  threads.onProgress = report;
  const abort = () => threads.terminate();
  request.signal?.addEventListener('abort', abort, { once: true });
  try {
    const first = partBuilder(b.source, request, head.names, head.types, width, label);
    const scanned: { boundary: number; boundaryLine: number }[] = [
      await scanCsvRange(path, rangeOf(0), first, {
        ...(request.signal ? { signal: request.signal } : {}),
        onProgress: (p) => {
          ownProgress = { bytes: p.bytes - head.dataStart, rows: p.rows };
          report();
        },
      }, totalBytes),
    ];
    // The first part's columns are finished while the threads still read theirs (its lines are already absolute);
    // they are thrown away if the parts do not join up.
    const firstDone: Extract<PartMessage, { type: 'done' }> = { type: 'done', columns: first.finishColumns(), rows: first.rows, malformed: first.malformed, problems: first.problems.entries() };
    for (let k = 0; k < used; k++) {
      const m = await threads.receive(k);
      if (m.type !== 'scanned') throw new Error(`A profiling thread answered ${m.type} before reading its part.`);
      scanned.push(m);
    }
    request.signal?.throwIfAborted();
    // Every part must have ended exactly where the next one began.
    for (let i = 0; i + 1 < scanned.length; i++) {
      if (scanned[i]?.boundary !== starts[i + 1]) {
        parallel.onPlan?.({ parts: starts.length, fallback: true });
        return undefined;
      }
    }
    let line = scanned[0]?.boundaryLine ?? 1;
    for (let k = 0; k < used; k++) {
      const delta = line - 1;
      line = (scanned[k + 1]?.boundaryLine ?? 1) + delta;
      threads.post(k, { type: 'finish', lineDelta: delta });
    }
    const done = [firstDone];
    for (let k = 0; k < used; k++) {
      const m = await threads.receive(k);
      if (m.type !== 'done') throw new Error(`A profiling thread answered ${m.type} instead of its columns.`);
      done.push(m);
    }
    let columns = done[0]?.columns ?? [];
    for (const d of done) {
      b.rows += d.rows;
      b.malformed += d.malformed;
      b.problems.mergeFrom(d.problems);
    }
    for (const d of done.slice(1)) columns = columns.map((c, k) => mergeColumns(c, d.columns[k] as ColumnProfile, b.options.rowLimit, b.options.sketchK));
    request.onProgress?.({ bytes: totalBytes, totalBytes, rows: b.rows });
    parallel.onPlan?.({ parts: starts.length, fallback: false });
    return b.finish(columns);
  } finally {
    threads.onProgress = undefined;
    request.signal?.removeEventListener('abort', abort);
  }
}

/** A builder for one part of the file, with the head's columns. */
function partBuilder(source: Profile['source'], request: { options?: Partial<ProfileOptions>; types?: Readonly<Record<string, SemanticType>> }, names: string[], inferred: WorkingType[], width: number, label: string): ProfileBuilder {
  const b = new ProfileBuilder(source, { ...(request.options ? { options: request.options } : {}), ...(request.types ? { types: request.types } : {}) }, true);
  b.problems.context = { width, label };
  names.forEach((n, i) => b.addColumn(n, inferred[i] as WorkingType));
  return b;
}

/** The worker side: waits for its job, reads its range, finishes its columns, says where it stopped, waits for the
 * line shift, sends its columns. */
export async function runProfilePartWorker(): Promise<void> {
  const port = parentPort;
  if (isMainThread || !port || !isProfilePartJob(workerData)) return;
  const nextMessage = <T>(): Promise<T> => new Promise<T>((res) => port.once('message', res));
  try {
    const { job } = await nextMessage<{ type: 'job'; job: PartJob }>();
    const b = partBuilder(job.source, { options: job.options, types: job.types }, job.names, job.inferred, job.width, job.label);
    let last = 0;
    const result = await scanCsvRange(job.path, job.range, b, {
      onProgress: (p) => {
        const now = Date.now();
        if (now - last > 200) {
          last = now;
          port.postMessage({ type: 'progress', bytes: p.bytes - job.range.start, rows: p.rows } satisfies PartMessage);
        }
      },
    }, job.totalBytes);
    // The columns are finished before the line shift is known (it waits for the first part), then shifted.
    const columns = b.finishColumns();
    port.postMessage({ type: 'scanned', boundary: result.boundary, boundaryLine: result.boundaryLine } satisfies PartMessage);
    const { lineDelta } = await nextMessage<{ type: 'finish'; lineDelta: number }>();
    if (lineDelta) b.shiftLines(lineDelta, columns);
    port.postMessage({ type: 'done', columns, rows: b.rows, malformed: b.malformed, problems: b.problems.entries() } satisfies PartMessage);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies PartMessage);
  }
}
