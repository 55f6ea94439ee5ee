// The contract between the extension host (or the CLI) and the model process, dist/serve.js: latency benchmark
// requests and results, local-deployment options, and the IPC messages both ways with their validators. The model
// process is the only one that loads onnxruntime-node, so a native crash never takes the extension host down.

/** Summary of a set of latency samples, all values in milliseconds (except `count`). */
export interface LatencySummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (divides by n − 1); 0 when there is a single sample. */
  stddev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** A model input or output as a signature describes it (the same shape as core's TensorSpec). */
export interface TensorSignature {
  name: string;
  /** ONNX-style lower case: float32, int64, string, bool… */
  dtype: string;
  /** null when the rank is unknown; a string or null for a symbolic or unknown dimension. */
  shape: (number | string | null)[] | null;
}

export type BenchmarkPhase = 'warmup' | 'measure';

/** What a latency benchmark is asked to do; everything is plain data so it can cross the IPC channel. */
export interface BenchmarkRequest {
  modelPath: string;
  /** The model's input signature; when absent it is read from the loaded session. */
  inputs?: TensorSignature[];
  /** Untimed runs after the first run. Default 10. */
  warmupRuns?: number;
  /** Timed runs. Default 200. */
  runs?: number;
  /** Size of symbolic batch dimensions. Default 1. */
  batchSize?: number;
  /** Data snapshot rows to feed the model. */
  rows?: Record<string, unknown>[];
  featureNames?: string[];
  /** Seed for generated inputs. Default 42. */
  seed?: number;
  /** onnxruntime intra-op thread count; onnxruntime's default when absent. */
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

/** How the model process serves one model over Open Inference Protocol v2 REST. */
export interface ServeOptions {
  modelPath: string;
  /** The name in URLs (`/v2/models/{name}`) and in the prediction log's `model`. */
  modelName: string;
  /** Reported as `model_version` and in `/v2/models/{name}/versions/{version}`. */
  modelVersion: string;
  /** The prediction log's `feature`; the model name when absent. */
  feature?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. The server never binds anything but loopback. */
  port?: number;
  /** JSONL prediction log (design.md record format); none when absent. */
  predictionLog?: string;
  /** JSONL feedback log written by `POST /v2/models/{name}/feedback`; none when absent (feedback is then refused). */
  feedbackLog?: string;
  /** Column names of a single 2-D input, so logged `inputs` are keyed by feature. */
  featureNames?: string[];
  /** Class labels by index, for classifiers (e.g. ["0", "1"]). */
  classLabels?: string[];
  /** Predictions whose confidence is below this are counted as low-confidence (metric and log). Default 0.6. */
  lowConfidenceThreshold?: number;
  /** Largest accepted request body, bytes. Default 8 MiB. */
  maxBodyBytes?: number;
  /**
   * Dynamic batching: requests queued while the model runs share its next run, up to this many rows. Default 32;
   * 1 turns batching off. Only for models whose inputs and outputs all have the same named symbolic first dimension.
   */
  maxBatch?: number;
}

/** Where a running local deployment can be reached. */
export interface ServeEndpoint {
  url: string;
  port: number;
  modelName: string;
  modelVersion: string;
  metricsUrl: string;
  predictionLog?: string;
  feedbackLog?: string;
  /** Most rows one model run takes from queued requests (dynamic batching); 1 when batching is off. */
  maxBatch?: number;
  pid: number;
}

/** Messages from the parent (extension host or CLI) to the model process. */
export type ParentToServe =
  | { type: 'benchmark'; request: BenchmarkRequest }
  | { type: 'serve'; options: ServeOptions }
  /** Cancels a running benchmark; the process answers with an AbortError and exits. */
  | { type: 'cancel' }
  /** Closes the server (the port is freed) and exits. */
  | { type: 'stop' };

/** Messages from the model process to its parent. */
export type ServeToParent =
  | { type: 'progress'; done: number; total: number; phase: BenchmarkPhase }
  | { type: 'benchmarkResult'; result: LatencyBenchmarkResult }
  | { type: 'listening'; endpoint: ServeEndpoint }
  /** `name` is 'AbortError' for a cancelled benchmark, 'InferenceError' for a model that cannot load or run. */
  | { type: 'error'; name: string; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isString = (x: unknown): x is string => typeof x === 'string';
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isOptional = <T>(x: unknown, check: (v: unknown) => v is T): boolean => x === undefined || check(x);
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isString);

function isTensorSignature(x: unknown): x is TensorSignature {
  return isRecord(x) && isString(x.name) && isString(x.dtype) && (x.shape === null || (Array.isArray(x.shape) && x.shape.every((d) => d === null || isString(d) || isNumber(d))));
}

function isBenchmarkRequest(x: unknown): x is BenchmarkRequest {
  if (!isRecord(x) || !isString(x.modelPath)) return false;
  if (x.inputs !== undefined && !(Array.isArray(x.inputs) && x.inputs.every(isTensorSignature))) return false;
  if (x.rows !== undefined && !(Array.isArray(x.rows) && x.rows.every(isRecord))) return false;
  return (
    isOptional(x.warmupRuns, isNumber) &&
    isOptional(x.runs, isNumber) &&
    isOptional(x.batchSize, isNumber) &&
    isOptional(x.seed, isNumber) &&
    isOptional(x.intraOpNumThreads, isNumber) &&
    isOptional(x.featureNames, isStringArray)
  );
}

function isServeOptions(x: unknown): x is ServeOptions {
  return (
    isRecord(x) &&
    isString(x.modelPath) &&
    isString(x.modelName) &&
    isString(x.modelVersion) &&
    isOptional(x.feature, isString) &&
    isOptional(x.port, isNumber) &&
    isOptional(x.predictionLog, isString) &&
    isOptional(x.feedbackLog, isString) &&
    isOptional(x.featureNames, isStringArray) &&
    isOptional(x.classLabels, isStringArray) &&
    isOptional(x.lowConfidenceThreshold, isNumber) &&
    isOptional(x.maxBodyBytes, isNumber) &&
    isOptional(x.maxBatch, isNumber)
  );
}

function isSummary(x: unknown): x is LatencySummary {
  return isRecord(x) && ['count', 'min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p95', 'p99'].every((k) => isNumber(x[k]));
}

function isTensorInfo(x: unknown): x is BenchmarkTensorInfo {
  return isRecord(x) && isString(x.name) && isString(x.dtype) && Array.isArray(x.dims) && x.dims.every(isNumber);
}

function isBenchmarkResult(x: unknown): x is LatencyBenchmarkResult {
  return (
    isRecord(x) &&
    isString(x.modelPath) &&
    isNumber(x.coldStartMs) &&
    isNumber(x.firstRunMs) &&
    isSummary(x.latency) &&
    Array.isArray(x.samplesMs) &&
    x.samplesMs.every(isNumber) &&
    isNumber(x.throughput) &&
    isNumber(x.runs) &&
    isNumber(x.batchSize) &&
    Array.isArray(x.inputs) &&
    x.inputs.every(isTensorInfo) &&
    Array.isArray(x.outputs) &&
    x.outputs.every(isTensorInfo) &&
    isStringArray(x.notes) &&
    isRecord(x.runtime) &&
    isString(x.startedAt)
  );
}

function isEndpoint(x: unknown): x is ServeEndpoint {
  return (
    isRecord(x) &&
    isString(x.url) &&
    isNumber(x.port) &&
    isString(x.modelName) &&
    isString(x.modelVersion) &&
    isString(x.metricsUrl) &&
    isNumber(x.pid) &&
    isOptional(x.predictionLog, isString) &&
    isOptional(x.feedbackLog, isString) &&
    isOptional(x.maxBatch, isNumber)
  );
}

/** Validates a message received by the model process. */
export function isParentToServe(x: unknown): x is ParentToServe {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'benchmark':
      return isBenchmarkRequest(x.request);
    case 'serve':
      return isServeOptions(x.options);
    case 'cancel':
    case 'stop':
      return true;
    default:
      return false;
  }
}

/** Validates a message received from the model process. */
export function isServeToParent(x: unknown): x is ServeToParent {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'progress':
      return isNumber(x.done) && isNumber(x.total) && (x.phase === 'warmup' || x.phase === 'measure');
    case 'benchmarkResult':
      return isBenchmarkResult(x.result);
    case 'listening':
      return isEndpoint(x.endpoint);
    case 'error':
      return isString(x.name) && isString(x.message);
    case 'log':
      return (x.level === 'info' || x.level === 'warn' || x.level === 'error') && isString(x.message);
    default:
      return false;
  }
}

/** The line `mlship serve` (dist/serve.js without IPC) prints on stdout once it listens: `MLSHIP_LISTENING {json}`. */
export const LISTENING_LINE_PREFIX = 'MLSHIP_LISTENING ';
