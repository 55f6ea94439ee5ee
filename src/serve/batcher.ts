// Dynamic batching for the local server, as Triton's and TorchServe's dynamic batchers do it: requests that arrive
// while the model is busy wait in a queue, and the next run takes every queued request that fits — same input
// names, datatypes and dimensions beyond the first, same requested outputs — up to `maxBatch` rows, concatenated
// along the first (batch) dimension into one `session.run`. The outputs are split back by rows, so each request gets
// exactly its own rows. There is no added waiting delay: a lone request runs at the end of the current event-loop
// turn (onnxruntime-node runs the model on the main thread, so requests only queue while a run is in flight or while
// the turn's other requests are being read).
//
// The batch is taken when the run actually starts, not when it is asked for: onnxruntime-node starts a run in the
// check phase after the one `session.run` is called in, so a batch taken at the call would leave out the requests
// read in the poll phase between, and they would wait for a whole extra run. The model run (ModelRun) calls back
// right before the run starts, on the main thread, and the batch is taken then.
//
// A model is batchable only when every input and output has the same named symbolic first dimension (isBatchable); a
// request of more than `maxBatch` rows, or of none, runs on its own. When a shared run fails, its requests run again
// one at a time, so only a request that fails on its own gets an error (the others their outputs); `stats` counts
// those reruns among the runs.
import type { DecodedTensor } from '../core/deployments/oipTensor';
import type { InputData } from '../core/inference/inputs';
import { commonRows, type TensorData } from '../core/deployments/predictionRows';
import type { ServedTensor } from './model';

export const DEFAULT_MAX_BATCH = 32;

/**
 * What the batcher runs: one model run on checked inputs (ServedModel.run). `inputs` are the run's inputs as known at
 * the call; when `atStart` is given, the run calls it once, right before it starts computing, and runs the inputs it
 * returns instead (same names, datatypes and dimensions beyond the first). A run may call it at once; one that never
 * calls it runs `inputs`.
 */
export type ModelRun = (inputs: readonly DecodedTensor[], requestedOutputs?: readonly string[], atStart?: () => readonly DecodedTensor[]) => Promise<TensorData[]>;

export interface BatchStats {
  /** Model runs made, the reruns included. */
  runs: number;
  /**
   * Of those runs, the ones that ran a request again on its own because the shared run it was in failed, or its
   * outputs could not be split by rows.
   */
  reruns: number;
  /** Requests answered (each counted once, whether by a shared run or by a rerun). */
  requests: number;
  /** The most requests one run carried. */
  largestBatch: number;
}

/** Gets one request's outputs when its run is over (the batcher calls one of the two, once; neither may throw). */
export interface BatchWaiter {
  done(outputs: TensorData[]): void;
  failed(error: unknown): void;
}

interface Pending {
  /** Runs on its own (no batching for it). */
  alone: boolean;
  rows: number;
  inputs: readonly DecodedTensor[];
  outputs: readonly string[] | undefined;
  waiter: BatchWaiter;
}

/**
 * Whether a signature allows batching: every input and every output the protocol carries has rank ≥ 1 and the same
 * named symbolic first dimension (the batch dimension, e.g. "N"). Only then does the model promise that output rows
 * follow input rows, so a shared run's outputs can be split by rows. A first dimension that is fixed, unnamed
 * (unknown) or another symbol (say "num_detections", which may equal the batch's row count by chance) is not.
 */
export function isBatchable(inputs: readonly ServedTensor[], outputs: readonly ServedTensor[]): boolean {
  const first = (t: ServedTensor): number | string | null | undefined => (t.shape !== null && t.shape.length > 0 ? t.shape[0] : undefined);
  const batch = inputs.length > 0 ? first(inputs[0] as ServedTensor) : undefined;
  if (typeof batch !== 'string' || batch === '') return false;
  const same = (t: ServedTensor): boolean => first(t) === batch;
  return inputs.every(same) && outputs.filter((o) => o.datatype !== undefined).every(same);
}

/**
 * Whether two requests can share a run: the same inputs (names, datatypes, dimensions after the first; input names
 * are unique within a request) and the same requested outputs (none asked and an empty list are alike: every output).
 */
function canShare(a: Pending, b: Pending): boolean {
  if (a.inputs.length !== b.inputs.length || !sameOutputs(a.outputs, b.outputs)) return false;
  for (const t of a.inputs) {
    let u = b.inputs[0] as DecodedTensor;
    if (u.name !== t.name) {
      const found = b.inputs.find((x) => x.name === t.name);
      if (!found) return false;
      u = found;
    }
    if (u.datatype !== t.datatype || u.dims.length !== t.dims.length) return false;
    for (let i = 1; i < t.dims.length; i++) if (u.dims[i] !== t.dims[i]) return false;
  }
  return true;
}

function sameOutputs(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const n = a?.length ?? 0;
  if (n !== (b?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) if ((a as readonly string[])[i] !== (b as readonly string[])[i]) return false;
  return true;
}

/** Concatenates the same input of several requests along the first dimension. */
function concatData(parts: readonly InputData[]): InputData {
  const first = parts[0] as InputData;
  if (Array.isArray(first)) return (parts as readonly string[][]).flat();
  let length = 0;
  for (const p of parts) length += p.length;
  const Ctor = first.constructor as new (n: number) => Exclude<InputData, string[]>;
  const out = new Ctor(length);
  let at = 0;
  for (const p of parts) {
    (out as { set(a: ArrayLike<unknown>, offset: number): void }).set(p, at);
    at += p.length;
  }
  return out;
}

/** Rows [from, from + rows) of an output of `total` rows (typed arrays are views, not copies). */
function sliceRows(t: TensorData, total: number, from: number, rows: number): TensorData {
  const per = t.data.length / total;
  const start = from * per;
  const end = start + rows * per;
  const d = t.data as ArrayLike<unknown> & { subarray?: (a: number, b: number) => ArrayLike<unknown>; slice?: (a: number, b: number) => ArrayLike<unknown> };
  const data = typeof d.subarray === 'function' ? d.subarray(start, end) : typeof d.slice === 'function' ? d.slice(start, end) : Array.from(d).slice(start, end);
  const dims = t.dims.slice();
  dims[0] = rows;
  return { name: t.name, dtype: t.dtype, dims, data };
}

export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** Cleared when a model's outputs turn out not to follow the batch dimension; it then runs one request at a time. */
  private splittable = true;
  readonly stats: BatchStats = { runs: 0, reruns: 0, requests: 0, largestBatch: 0 };

  constructor(
    private readonly run: ModelRun,
    readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a whole number ≥ 1 (got ${maxBatch}).`);
  }

  /** Runs one request's checked inputs, batched with whatever else is queued; resolves to that request's outputs. */
  submit(inputs: readonly DecodedTensor[], requestedOutputs?: readonly string[]): Promise<TensorData[]> {
    return new Promise<TensorData[]>((resolve, reject) => this.wait(inputs, requestedOutputs, { done: resolve, failed: reject }));
  }

  /** submit() for a caller that takes the outputs through a waiter (no promise per request). */
  wait(inputs: readonly DecodedTensor[], requestedOutputs: readonly string[] | undefined, waiter: BatchWaiter): void {
    // Rows: the inputs' common first dimension; when they disagree the request runs alone (but still in turn, so
    // one model run is in flight at a time).
    const rows = commonRows(inputs);
    const alone = this.maxBatch === 1 || rows === undefined || rows === 0 || rows > this.maxBatch;
    this.queue.push({ alone, rows: alone ? this.maxBatch + 1 : rows, inputs, outputs: requestedOutputs, waiter });
    // The run is asked for at once; its batch is taken when it starts (at the end of this event-loop turn, once
    // every request read in this turn is queued).
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.runNext();
    } finally {
      this.draining = false;
    }
  }

  /** The oldest request and every later one that can share its run, up to maxBatch rows, in arrival order. */
  private take(): Pending[] {
    const head = this.queue[0] as Pending;
    if (head.alone || !this.splittable) return this.queue.splice(0, 1);
    const batch: Pending[] = [];
    let rows = 0;
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i] as Pending;
      if (!p.alone && rows + p.rows <= this.maxBatch && (p === head || canShare(p, head))) {
        batch.push(p);
        rows += p.rows;
        this.queue.splice(i, 1);
        if (rows === this.maxBatch) break;
      } else {
        i++;
      }
    }
    return batch;
  }

  /**
   * One run for the oldest request and what can share it. The batch is taken when the model calls back right before
   * the run starts (ModelRun's `atStart`), so the requests read while the run waited to start are in it.
   */
  private async runNext(): Promise<void> {
    const head = this.queue[0] as Pending;
    let batch: Pending[] | undefined;
    let total = 0;
    let settled = false;
    const atStart = (): readonly DecodedTensor[] => {
      // Once only, and never after the run settled (it failed before it started): the queue belongs to the next run.
      if (settled || batch !== undefined) return head.inputs;
      batch = this.take();
      total = batch.reduce((n, p) => n + p.rows, 0);
      if (batch.length === 1) return head.inputs;
      return head.inputs.map((t) => {
        const same = (batch as Pending[]).map((p) => p.inputs.find((u) => u.name === t.name) as DecodedTensor);
        return { name: t.name, dtype: t.dtype, datatype: t.datatype, dims: [total, ...t.dims.slice(1)], data: concatData(same.map((u) => u.data)) };
      });
    };
    let outputs: TensorData[] | undefined;
    let error: unknown;
    let failed = false;
    try {
      outputs = await this.run(head.inputs, head.outputs, atStart);
    } catch (err) {
      error = err;
      failed = true;
    }
    settled = true;
    // A run that never called back ran the head request alone.
    if (batch === undefined) {
      batch = this.queue.splice(0, 1);
      total = head.rows;
    }
    this.stats.runs++;
    this.stats.requests += batch.length;
    if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
    if (batch.length === 1) {
      if (failed || outputs === undefined) head.waiter.failed(error);
      else head.waiter.done(outputs);
      return;
    }
    if (failed || outputs === undefined) {
      // One request's bad input (an index out of range, say) fails the whole run: each request runs again on its
      // own, so only the bad one gets its error.
      return this.runEach(batch);
    }
    if (outputs.some((o) => o.dims[0] !== total)) {
      // An output without the batch dimension (a symbolic first dimension that is not the batch): no batching from
      // now on; this batch's requests run one by one.
      this.splittable = false;
      return this.runEach(batch);
    }
    let from = 0;
    for (const p of batch) {
      p.waiter.done(outputs.map((o) => sliceRows(o, total, from, p.rows)));
      from += p.rows;
    }
  }

  /** Runs a shared run's requests again one by one, in order; each gets its own outputs or its own error. */
  private async runEach(batch: readonly Pending[]): Promise<void> {
    for (const p of batch) {
      let own: TensorData[];
      this.stats.runs++;
      this.stats.reruns++;
      try {
        own = await this.run(p.inputs, p.outputs);
      } catch (err) {
        p.waiter.failed(err);
        continue;
      }
      p.waiter.done(own);
    }
  }
}
