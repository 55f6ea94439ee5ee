// Open Inference Protocol v2 REST client (KServe, Triton, MLServer, the local server): health, metadata, infer and
// the local server's feedback extension, every call with a deadline. Answers are checked against the spec's shapes,
// so a server that sends something else is reported as such. Probing sends rows of the baseline snapshot.
import type { TensorSpec } from '../formats/types';
import { buildInputs } from '../inference/inputs';
import { ConnectorError, httpGet, httpPost, parseJsonBody, type HttpOptions } from './http';
import { dtypeOfOip, isOipDatatype, jsonValues, oipDatatypeOf, type OipTensor } from './oipTensor';
import type { FeedbackRecord } from './records';

export interface OipServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface OipTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

export interface OipInferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: OipTensor[];
  outputs?: { name: string }[];
}

export interface OipInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: OipTensor[];
}

export interface OipTarget {
  /** Base URL of the server, e.g. http://127.0.0.1:8081 (a trailing /v2 is accepted). */
  url: string;
  /** The model name in `/v2/models/{model}`. */
  model: string;
  version?: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isTensorMetadata(x: unknown): x is OipTensorMetadata {
  return isRecord(x) && typeof x.name === 'string' && typeof x.datatype === 'string' && Array.isArray(x.shape) && x.shape.every((d) => typeof d === 'number');
}

function isTensor(x: unknown): x is OipTensor {
  return isRecord(x) && typeof x.name === 'string' && typeof x.datatype === 'string' && Array.isArray(x.shape) && x.shape.every((d) => typeof d === 'number') && Array.isArray(x.data);
}

export class OipClient {
  private readonly base: string;

  constructor(
    readonly target: OipTarget,
    private readonly http: HttpOptions = {},
  ) {
    this.base = target.url.replace(/\/+$/, '').replace(/\/v2$/, '');
  }

  private modelPath(): string {
    const m = `/v2/models/${encodeURIComponent(this.target.model)}`;
    return this.target.version ? `${m}/versions/${encodeURIComponent(this.target.version)}` : m;
  }

  private async getJson(path: string, what: string, options: HttpOptions = {}): Promise<unknown> {
    return parseJsonBody(await httpGet(`${this.base}${path}`, { ...this.http, ...options }), what);
  }

  /** Server live: true on 200; a 4xx/5xx answer is `false` with no throw; no answer throws a ConnectorError. */
  async live(): Promise<boolean> {
    const res = await httpGet(`${this.base}/v2/health/live`, { ...this.http, acceptStatus: () => true });
    return res.status === 200;
  }

  async ready(): Promise<boolean> {
    const res = await httpGet(`${this.base}/v2/health/ready`, { ...this.http, acceptStatus: () => true });
    return res.status === 200;
  }

  async modelReady(): Promise<boolean> {
    const res = await httpGet(`${this.base}${this.modelPath()}/ready`, { ...this.http, acceptStatus: () => true });
    return res.status === 200;
  }

  async serverMetadata(): Promise<OipServerMetadata> {
    const body = await this.getJson('/v2', 'The server metadata');
    if (!isRecord(body) || typeof body.name !== 'string') throw new ConnectorError('invalid', `${this.base}/v2 did not answer server metadata ({"name", "version", "extensions"}).`);
    return { name: body.name, version: typeof body.version === 'string' ? body.version : '', extensions: Array.isArray(body.extensions) ? body.extensions.filter((e): e is string => typeof e === 'string') : [] };
  }

  async modelMetadata(): Promise<OipModelMetadata> {
    const path = this.modelPath();
    const body = await this.getJson(path, 'The model metadata');
    if (!isRecord(body) || typeof body.name !== 'string' || !Array.isArray(body.inputs) || !body.inputs.every(isTensorMetadata) || !Array.isArray(body.outputs) || !body.outputs.every(isTensorMetadata)) {
      throw new ConnectorError('invalid', `${this.base}${path} did not answer model metadata (name, inputs and outputs with name, datatype and shape).`);
    }
    return {
      name: body.name,
      ...(Array.isArray(body.versions) ? { versions: body.versions.map(String) } : {}),
      platform: typeof body.platform === 'string' ? body.platform : '',
      inputs: body.inputs,
      outputs: body.outputs,
    };
  }

  async infer(request: OipInferRequest, options: HttpOptions = {}): Promise<OipInferResponse> {
    const path = `${this.modelPath()}/infer`;
    const res = await httpPost(`${this.base}${path}`, request, { ...this.http, ...options });
    const body = parseJsonBody(res, 'The inference response');
    if (!isRecord(body) || !Array.isArray(body.outputs) || !body.outputs.every(isTensor)) throw new ConnectorError('invalid', `${this.base}${path} did not answer an inference response (outputs with name, datatype, shape and data).`);
    if (request.id !== undefined && body.id !== request.id) throw new ConnectorError('invalid', `${this.base}${path} answered id ${JSON.stringify(body.id)} to request ${JSON.stringify(request.id)}.`);
    return {
      model_name: typeof body.model_name === 'string' ? body.model_name : this.target.model,
      ...(typeof body.model_version === 'string' ? { model_version: body.model_version } : {}),
      ...(typeof body.id === 'string' ? { id: body.id } : {}),
      outputs: body.outputs,
    };
  }

  /** The local server's feedback extension: `POST /v2/models/{m}/feedback`. */
  async feedback(record: Pick<FeedbackRecord, 'request_id' | 'label'> & Partial<FeedbackRecord>, options: HttpOptions = {}): Promise<void> {
    await httpPost(`${this.base}/v2/models/${encodeURIComponent(this.target.model)}/feedback`, record, { ...this.http, ...options });
  }
}

/** The model's inputs as a signature buildInputs understands (symbolic dimensions from -1). */
export function signatureOf(metadata: Pick<OipModelMetadata, 'inputs'>): TensorSpec[] {
  return metadata.inputs.map((t) => ({ name: t.name, dtype: isOipDatatype(t.datatype) ? dtypeOfOip(t.datatype) : t.datatype, shape: t.shape.map((d) => (d >= 0 ? d : null)) }));
}

/**
 * An inference request for data snapshot rows: one input per column when the model's inputs are named after
 * columns, or a single 2-D input with columns in `featureNames` order.
 * @throws Error when the rows do not fit the model's inputs (instead of sending made-up values).
 */
export function requestFromRows(metadata: Pick<OipModelMetadata, 'inputs'>, rows: readonly Record<string, unknown>[], options: { featureNames?: readonly string[]; id?: string } = {}): OipInferRequest {
  if (rows.length === 0) throw new Error('There are no rows to send.');
  const built = buildInputs(signatureOf(metadata), { batchSize: rows.length, rows, ...(options.featureNames ? { featureNames: options.featureNames } : {}) });
  if (built.notes.some((n) => /pseudo-random|not used|does not fit/.test(n))) {
    throw new Error(`The snapshot's columns do not fit the model's inputs (${metadata.inputs.map((i) => `${i.name}: ${i.datatype} [${i.shape.join(', ')}]`).join('; ')}). ${options.featureNames ? '' : 'Give the feature names (the model metadata\'s feature_names).'}`.trim());
  }
  return {
    ...(options.id !== undefined ? { id: options.id } : {}),
    inputs: Object.entries(built.feeds).map(([name, t]) => ({ name, shape: t.dims, datatype: oipDatatypeOf(t.dtype) ?? 'FP32', data: jsonValues(t.dtype, t.data as ArrayLike<unknown>) })),
  };
}

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  rows: number;
  /** Why the probe failed, for people. */
  error?: string;
}

/** Active probe: sends baseline rows to the model and times the answer. Never throws. */
export async function probe(client: OipClient, metadata: OipModelMetadata, rows: readonly Record<string, unknown>[], options: { featureNames?: readonly string[]; timeoutMs?: number; id?: string } = {}): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const request = requestFromRows(metadata, rows, { ...(options.featureNames ? { featureNames: options.featureNames } : {}), id: options.id ?? `mlship-probe-${Date.now()}` });
    await client.infer(request, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
    return { ok: true, latencyMs: performance.now() - started, rows: rows.length };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - started, rows: rows.length, error: err instanceof Error ? err.message : String(err) };
  }
}
