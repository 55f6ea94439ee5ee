// Latency benchmark of an ONNX model with onnxruntime-node on the CPU.
//
// This module is imported on the extension's activation path, so onnxruntime-node (a native addon of tens of MB) is
// loaded lazily, on the first benchmark, never at import time. Only type imports of it appear at the top level.

import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { TensorSpec } from '../formats/types';
import { summarizeLatencies, type LatencySummary } from '../stats/latency';
import { buildInputs, type BuiltInputs, type InputTensor } from './inputs';

export type BenchmarkPhase = 'warmup' | 'measure';

export interface BenchmarkOptions {
  /** The model's input signature; when absent it is read from the loaded session. */
  inputs?: readonly TensorSpec[];
  /** Untimed runs after the first run, to settle caches and allocators. Default 10. */
  warmupRuns?: number;
  /** Timed runs. Default 200. */
  runs?: number;
  /** Size of symbolic batch dimensions. Default 1. */
  batchSize?: number;
  /** Data snapshot rows to feed the model (see buildInputs). */
  rows?: readonly Record<string, unknown>[];
  featureNames?: readonly string[];
  /** Seed for generated inputs. Default 42. */
  seed?: number;
  /** Cancels the benchmark between runs; the promise then rejects with an error named 'AbortError'. */
  signal?: AbortSignal;
  /** Called between runs (at most ~100 times per phase, and always for the last run of a phase). */
  onProgress?: (done: number, total: number, phase: BenchmarkPhase) => void;
  /** onnxruntime intra-op thread count; onnxruntime's default (one per physical core) when absent. */
  intraOpNumThreads?: number;
}

export interface BenchmarkTensorInfo {
  name: string;
  dtype: string;
  dims: number[];
}

export interface LatencyBenchmarkResult {
  modelPath: string;
  /** Time to create the inference session (read, parse, optimise the model), ms. */
  coldStartMs: number;
  /** The very first inference after the session was created, ms (not part of warm-up nor of the samples). */
  firstRunMs: number;
  /** Summary of the timed runs, ms per run (one run = one batch). */
  latency: LatencySummary;
  /** The timed runs, ms each, in execution order. */
  samplesMs: number[];
  /** Inferences (rows) per second: runs × batch size / sum of the timed runs. */
  throughput: number;
  /** Sum of the timed runs, ms. */
  totalMeasuredMs: number;
  /** Wall time of the whole timed phase including progress callbacks and event-loop yields, ms. */
  measureWallMs: number;
  runs: number;
  warmupRuns: number;
  batchSize: number;
  inputs: BenchmarkTensorInfo[];
  /** Outputs as the first run returned them. */
  outputs: BenchmarkTensorInfo[];
  /** Where the inputs came from, shape choices and anything else worth knowing. */
  notes: string[];
  runtime: {
    name: 'onnxruntime-node';
    version: string;
    executionProvider: 'cpu';
    intraOpNumThreads?: number;
  };
  /** ISO timestamp of the start of the benchmark. */
  startedAt: string;
}

/** An error with `name === 'AbortError'`, like the one fetch() and timers/promises throw when aborted. */
export class BenchmarkAbortError extends Error {
  constructor(message = 'The latency benchmark was cancelled.') {
    super(message);
    this.name = 'AbortError';
  }
}

/** A failure to load or run a model, phrased for people; the runtime's error is kept as `cause`. */
export class InferenceError extends Error {
  constructor(
    message: string,
    readonly modelPath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InferenceError';
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

type OrtModule = typeof Ort;

let ortModule: OrtModule | undefined;

/** Whether onnxruntime-node has been loaded into this process (by this module or anything else). */
export function isOnnxRuntimeLoaded(): boolean {
  if (ortModule !== undefined) return true;
  // require.cache is process-wide, whichever module's require reads it; CommonJS modules imported from ESM land there too.
  const cache = createRequire(join(process.cwd(), 'index.js')).cache;
  return Object.keys(cache).some((key) => /[\\/]onnxruntime-(node|common)[\\/]/.test(key));
}

async function loadOnnxRuntime(): Promise<OrtModule> {
  if (ortModule === undefined) {
    let mod: OrtModule & { default?: OrtModule };
    try {
      try {
        mod = await import('onnxruntime-node');
      } catch (error) {
        // Some loaders (tsx running this file as CommonJS from an ES module) evaluate it from a data: URL, against
        // which a bare specifier cannot be resolved; resolve it as CommonJS from this file (or the working directory).
        if (!isUnresolvableFromHere(error)) throw error;
        const base = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
        mod = createRequire(base)('onnxruntime-node') as OrtModule;
      }
    } catch (error) {
      throw new Error(
        `ONNX Runtime could not be loaded (${errorMessage(error)}). Its native binary may be missing for this platform (${process.platform}-${process.arch}); reinstall the extension.`,
        { cause: error },
      );
    }
    // Interop: depending on the loader the CommonJS exports are on the namespace itself or on `default`.
    ortModule = typeof mod.InferenceSession === 'function' ? mod : (mod.default ?? mod);
  }
  return ortModule;
}

function isUnresolvableFromHere(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_UNSUPPORTED_RESOLVE_REQUEST' || code === 'ERR_INVALID_URL';
}

const YIELD_EVERY = 20;

/**
 * Measure inference latency of an ONNX model on the CPU: session creation (cold start), a first run, `warmupRuns`
 * untimed runs, then `runs` timed runs on the same inputs. Inputs come from {@link buildInputs}.
 *
 * Yields to the event loop every 20 runs so a host process stays responsive, checks `signal` between runs, and always
 * releases the session.
 * @throws BenchmarkAbortError (name 'AbortError') when cancelled; InferenceError when the model cannot be loaded or
 * run, naming the file and saying what to do.
 */
export async function benchmarkModel(modelPath: string, options: BenchmarkOptions = {}): Promise<LatencyBenchmarkResult> {
  const warmupRuns = options.warmupRuns ?? 10;
  const runs = options.runs ?? 200;
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new RangeError(`warmupRuns must be a whole number ≥ 0, got ${warmupRuns}.`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a whole number ≥ 1, got ${runs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  const { signal, onProgress } = options;
  const throwIfAborted = (): void => {
    if (signal?.aborted === true) throw new BenchmarkAbortError();
  };
  throwIfAborted();
  const startedAt = new Date().toISOString();

  await checkModelFile(modelPath);
  const ort = await loadOnnxRuntime();
  throwIfAborted();

  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  };
  if (options.intraOpNumThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpNumThreads;

  let session: Ort.InferenceSession | undefined;
  try {
    const createStart = process.hrtime.bigint();
    try {
      session = await ort.InferenceSession.create(modelPath, sessionOptions);
    } catch (error) {
      throw new InferenceError(
        `Could not load the ONNX model "${modelPath}": ${runtimeMessage(error)}. Check that the file is a complete, valid ONNX model (re-export or re-download it) and that its opset is supported by ONNX Runtime ${runtimeVersion(ort)}.`,
        modelPath,
        { cause: error },
      );
    }
    const coldStartMs = elapsedMs(createStart);
    throwIfAborted();

    const specs = resolveSpecs(session, options.inputs, modelPath);
    const notes = [...specs.notes];
    let built: BuiltInputs;
    try {
      built = buildInputs(specs.specs, {
        batchSize,
        ...(options.rows !== undefined && { rows: options.rows }),
        ...(options.featureNames !== undefined && { featureNames: options.featureNames }),
        ...(options.seed !== undefined && { seed: options.seed }),
      });
    } catch (error) {
      throw new InferenceError(`Cannot benchmark "${modelPath}": ${errorMessage(error)}`, modelPath, { cause: error });
    }
    notes.push(...built.notes);
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [name, input] of Object.entries(built.feeds)) feeds[name] = toTensor(ort, input);
    const inputs = Object.entries(built.feeds).map(([name, t]) => ({ name, dtype: t.dtype, dims: [...t.dims] }));

    const run = async (): Promise<Ort.InferenceSession.ReturnType> => {
      try {
        return await (session as Ort.InferenceSession).run(feeds);
      } catch (error) {
        throw new InferenceError(
          `Running the ONNX model "${modelPath}" failed: ${runtimeMessage(error)}. The generated inputs were ${inputs.map((i) => `${i.name}: ${i.dtype}[${i.dims.join(', ')}]`).join('; ')}; if the model expects other shapes or types, check the input signature given to the benchmark, or use a data snapshot whose columns match the model's features.`,
          modelPath,
          { cause: error },
        );
      }
    };

    const firstStart = process.hrtime.bigint();
    const firstOutputs = await run();
    const firstRunMs = elapsedMs(firstStart);
    const outputs = describeOutputs(firstOutputs);

    const progressStep = (total: number): number => Math.max(1, Math.ceil(total / 100));
    const warmupStep = progressStep(warmupRuns);
    for (let i = 1; i <= warmupRuns; i++) {
      throwIfAborted();
      await run();
      if (i % YIELD_EVERY === 0) await yieldToEventLoop();
      if (onProgress && (i % warmupStep === 0 || i === warmupRuns)) onProgress(i, warmupRuns, 'warmup');
    }

    const samplesMs: number[] = new Array<number>(runs);
    const measureStep = progressStep(runs);
    const measureStart = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) {
      throwIfAborted();
      // Outputs are CPU tensors: nothing to dispose, the garbage collector reclaims them.
      const t0 = process.hrtime.bigint();
      try {
        await session.run(feeds);
      } catch (error) {
        throw new InferenceError(`Running the ONNX model "${modelPath}" failed on run ${i + 1}: ${runtimeMessage(error)}.`, modelPath, { cause: error });
      }
      samplesMs[i] = elapsedMs(t0);
      const done = i + 1;
      if (done % YIELD_EVERY === 0) await yieldToEventLoop();
      if (onProgress && (done % measureStep === 0 || done === runs)) onProgress(done, runs, 'measure');
    }
    const measureWallMs = elapsedMs(measureStart);

    const latency = summarizeLatencies(samplesMs);
    const totalMeasuredMs = samplesMs.reduce((a, b) => a + b, 0);
    const throughput = totalMeasuredMs > 0 ? (runs * batchSize * 1000) / totalMeasuredMs : Number.POSITIVE_INFINITY;

    return {
      modelPath,
      coldStartMs,
      firstRunMs,
      latency,
      samplesMs,
      throughput,
      totalMeasuredMs,
      measureWallMs,
      runs,
      warmupRuns,
      batchSize,
      inputs,
      outputs,
      notes,
      runtime: {
        name: 'onnxruntime-node',
        version: runtimeVersion(ort),
        executionProvider: 'cpu',
        ...(options.intraOpNumThreads !== undefined && { intraOpNumThreads: options.intraOpNumThreads }),
      },
      startedAt,
    };
  } finally {
    if (session !== undefined) {
      try {
        await session.release();
      } catch {
        // Releasing can only fail if the session is already gone; nothing to do.
      }
    }
  }
}

/** Fail early, with a clear message, for a missing file, a directory or a Git LFS pointer instead of the model. */
async function checkModelFile(modelPath: string): Promise<void> {
  let handle;
  try {
    handle = await open(modelPath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : errorMessage(error);
    throw new InferenceError(`Cannot open the ONNX model "${modelPath}": ${why}.`, modelPath, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw new InferenceError(`"${modelPath}" is a directory, not an ONNX model file.`, modelPath);
    }
    if (stat.size === 0) {
      throw new InferenceError(`The ONNX model "${modelPath}" is empty (0 bytes). Re-export or re-download it.`, modelPath);
    }
    const head = Buffer.alloc(Math.min(200, stat.size));
    await handle.read(head, 0, head.length, 0);
    if (head.toString('latin1').startsWith('version https://git-lfs.github.com/spec/')) {
      throw new InferenceError(
        `"${modelPath}" is a Git LFS pointer, not the model itself. Run \`git lfs pull\` to fetch the real file.`,
        modelPath,
      );
    }
  } finally {
    await handle.close();
  }
}

interface ResolvedSpecs {
  specs: TensorSpec[];
  notes: string[];
}

/**
 * The signature to generate inputs for: the given specs restricted to the session's inputs (older exporters list
 * initializers as graph inputs), completed from the session's own metadata where onnxruntime exposes it.
 */
function resolveSpecs(session: Ort.InferenceSession, given: readonly TensorSpec[] | undefined, modelPath: string): ResolvedSpecs {
  const notes: string[] = [];
  const names = session.inputNames;
  const metadata = sessionInputMetadata(session);
  const byName = new Map<string, TensorSpec>();
  for (const spec of given ?? []) byName.set(spec.name, spec);

  const specs: TensorSpec[] = [];
  for (const name of names) {
    const spec = byName.get(name);
    if (spec !== undefined) {
      specs.push(spec);
      continue;
    }
    const meta = metadata?.find((m) => m.name === name);
    if (meta === undefined) {
      throw new InferenceError(
        `Cannot tell which values to feed input "${name}" of "${modelPath}": this ONNX Runtime does not report input types. Provide the model's input signature.`,
        modelPath,
      );
    }
    if (!meta.isTensor) {
      throw new InferenceError(
        `Input "${name}" of "${modelPath}" is not a tensor (a sequence or map); MLShip can only benchmark models with tensor inputs.`,
        modelPath,
      );
    }
    // onnxruntime reports unknown dimensions as '' and an unknown rank as [].
    specs.push({ name, dtype: meta.type, shape: meta.shape.map((d) => (d === '' ? null : d)) });
  }
  const ignored = (given ?? []).filter((spec) => !names.includes(spec.name)).map((spec) => spec.name);
  if (ignored.length > 0) {
    notes.push(`Signature entr${ignored.length === 1 ? 'y' : 'ies'} ${ignored.join(', ')} ${ignored.length === 1 ? 'is not a model input' : 'are not model inputs'} (initializers?): not fed.`);
  }
  return { specs, notes };
}

type InputMetadataEntry = { name: string; isTensor: false } | { name: string; isTensor: true; type: string; shape: readonly (number | string)[] };

/** `inputMetadata` exists from onnxruntime 1.21 on; older sessions only have `inputNames`. */
function sessionInputMetadata(session: Ort.InferenceSession): readonly InputMetadataEntry[] | undefined {
  const candidate: unknown = (session as { inputMetadata?: unknown }).inputMetadata;
  return Array.isArray(candidate) ? (candidate as InputMetadataEntry[]) : undefined;
}

function toTensor(ort: OrtModule, input: InputTensor): Ort.Tensor {
  // The union of data types is checked by buildInputs against the dtype; onnxruntime re-checks at construction.
  return new ort.Tensor(input.dtype, input.data, input.dims);
}

function describeOutputs(outputs: Ort.InferenceSession.ReturnType): BenchmarkTensorInfo[] {
  return Object.entries(outputs).map(([name, value]) => {
    const tensor = value as Partial<Ort.Tensor>;
    return { name, dtype: typeof tensor.type === 'string' ? tensor.type : 'unknown', dims: tensor.dims !== undefined ? Array.from(tensor.dims) : [] };
  });
}

function runtimeVersion(ort: OrtModule): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** onnxruntime messages span lines and end with generic advice; one line without the advice reads better. */
function runtimeMessage(error: unknown): string {
  const text = errorMessage(error)
    .replace(/Please fix either the inputs\/outputs or the model\.?/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
  return text === '' ? 'unknown error' : text;
}
