// Latency benchmark of an ONNX model with onnxruntime-node on the CPU. Runs in the model process (dist/serve.js),
// never in the extension host: the extension forks that process and talks to it over IPC (src/shared/serve.ts).

import type * as Ort from 'onnxruntime-node';
import type { TensorSpec } from '../core/formats/types';
import { buildInputs, type BuiltInputs, type InputTensor } from '../core/inference/inputs';
import { summarizeLatencies } from '../core/stats/latency';
import type { BenchmarkPhase, BenchmarkRequest, BenchmarkTensorInfo, LatencyBenchmarkResult } from '../shared/serve';
import { checkModelFile, errorMessage, InferenceError, loadOnnxRuntime, runtimeMessage, runtimeVersion, type OrtModule } from './runtime';

export interface BenchmarkOptions extends Omit<BenchmarkRequest, 'modelPath' | 'inputs' | 'rows' | 'featureNames'> {
  /** The model's input signature; when absent it is read from the loaded session. */
  inputs?: readonly TensorSpec[];
  /** Data snapshot rows to feed the model (see buildInputs). */
  rows?: readonly Record<string, unknown>[];
  featureNames?: readonly string[];
  /** Cancels the benchmark between runs; the promise then rejects with an error named 'AbortError'. */
  signal?: AbortSignal;
  /** Called between runs (at most ~100 times per phase, and always for the last run of a phase). */
  onProgress?: (done: number, total: number, phase: BenchmarkPhase) => void;
}

/** An error with `name === 'AbortError'`, like the one fetch() and timers/promises throw when aborted. */
export class BenchmarkAbortError extends Error {
  constructor(message = 'The latency benchmark was cancelled.') {
    super(message);
    this.name = 'AbortError';
  }
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


function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
