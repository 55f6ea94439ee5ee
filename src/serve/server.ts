// The local deployment: one ONNX model over Open Inference Protocol v2 REST on 127.0.0.1, with Prometheus /metrics,
// a prediction log and feedback capture (`POST /v2/models/{m}/feedback`). Loopback only, bounded request bodies,
// `{"error": "…"}` bodies with 400 for malformed requests and 404 for unknown models or paths. A request whose outputs
// hold NaN or ±Infinity is answered with an error too (422 when its inputs did, 500 when the model made them from
// finite inputs: nonFinite.ts), and each of its rows is logged as an error record.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readSimpleInferenceRequest } from '../core/deployments/oipRequestBytes';
import { ByteText } from '../core/deployments/byteText';
import { oipShape, OipRequestError, parseInferenceRequest, writeTensorJson, type InferenceRequest } from '../core/deployments/oipTensor';
import { isFloat, nonFiniteAnswer, type NonFiniteAnswer } from '../core/deployments/nonFinite';
import { eachRowOutput, predictionLogBytes, type RecordContext, type RowPredictionSink, type TensorData } from '../core/deployments/predictionRows';
import { feedbackFromRequest } from '../core/deployments/records';
import { errorMessage } from '../core/util/concurrency';
import { randomUuid } from '../core/util/uuid';
import type { ServeEndpoint, ServeOptions } from '../shared/serve';
import { VERSION } from '../shared/version';
import { DEFAULT_MAX_BATCH, DynamicBatcher, isBatchable, type BatchWaiter } from './batcher';
import { JsonlWriter } from './jsonlWriter';
import { serveInferenceLean, type Responder } from './leanHttp';
import { createMetrics, type ServerMetrics } from './metrics';
import { ServedModel } from './model';

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_LOW_CONFIDENCE = 0.6;
/** After a request answered with an error for non-finite outputs is logged, the next such line waits this long (ms). */
const NON_FINITE_LOG_MS = 10_000;

/** How long the server waits for its clients. */
export interface ServerTimeouts {
  /** A request not received in full this long after its first byte is answered 408, and its connection closed. */
  requestMs: number;
  /** An idle kept-alive connection is closed after this long. */
  keepAliveMs: number;
}

/** The timeouts the server runs with (tests start servers with shorter ones). */
export const DEFAULT_TIMEOUTS: Readonly<ServerTimeouts> = { requestMs: 60_000, keepAliveMs: 5_000 };
/** node:http's limit for receiving a request head (never longer than the request timeout). */
const HEADERS_TIMEOUT_MS = 30_000;

export interface RunningServer {
  endpoint: ServeEndpoint;
  model: ServedModel;
  /** The dynamic batcher, when the model is batchable and `maxBatch` > 1. */
  batcher: DynamicBatcher | undefined;
  /** Stops accepting requests, closes every connection (the port is free when this resolves), flushes the logs. */
  close(): Promise<void>;
}

export type ServerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The client went away before its request was read (an aborted body): nothing to answer, count or log. */
class ClientGone extends Error {}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/**
 * A JSON answer already written as text or UTF-8 bytes (the inference answer writes its own), with any extra
 * headers. Bytes are copied: the caller may reuse them once this returns.
 */
function sendText(res: ServerResponse, status: number, text: string | Uint8Array, headers?: Readonly<Record<string, string>>): void {
  const head = ['Content-Type', 'application/json', 'Content-Length', String(typeof text === 'string' ? Buffer.byteLength(text) : text.length)];
  if (headers) for (const name in headers) head.push(name, headers[name] as string);
  res.writeHead(status, head);
  res.end(typeof text === 'string' ? text : Buffer.from(text));
}

/** A time (ms since the epoch) as an ISO 8601 string, made once per millisecond (every record of a busy millisecond shares it). */
function isoAt(ms: number): string {
  if (ms !== lastIso.ms) {
    lastIso.ms = ms;
    lastIso.text = new Date(ms).toISOString();
  }
  return lastIso.text;
}
const lastIso = { ms: Number.NaN, text: '' };

/** Reads a request body up to `limit` bytes; beyond that, rejects with a 413 (whose answer closes the connection). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    // The only error a request stream emits is the connection closing before the body's end ("aborted").
    req.once('error', (err) => reject(new ClientGone(errorMessage(err), { cause: err })));
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `The request body is larger than ${limit} bytes, the most this server accepts. Send fewer rows per request.`, { Connection: 'close' });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, `The request body is not valid JSON: ${errorMessage(err)}.`);
  }
}

/** Starts serving `options.modelPath`; resolves once the model is loaded and the port is listening. */
export async function startModelServer(options: ServeOptions, log: ServerLog = () => undefined, timeouts: Readonly<ServerTimeouts> = DEFAULT_TIMEOUTS): Promise<RunningServer> {
  const model = await ServedModel.load(options.modelPath, { intraOpNumThreads: 1 });
  const name = options.modelName;
  const version = options.modelVersion;
  const feature = options.feature ?? name;
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const lowConfidence = options.lowConfidenceThreshold ?? DEFAULT_LOW_CONFIDENCE;
  const metrics: ServerMetrics = createMetrics(name, version);
  const predictions = options.predictionLog ? new JsonlWriter(options.predictionLog, (m) => log('error', m)) : undefined;
  const feedback = options.feedbackLog ? new JsonlWriter(options.feedbackLog, (m) => log('error', m)) : undefined;
  let ready = true;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const batcher = maxBatch > 1 && isBatchable(model.inputs, model.outputs) ? new DynamicBatcher((inputs, outputs, atStart) => model.run(inputs, outputs, atStart), maxBatch) : undefined;

  // The inference answer up to its id: `{"model_name":…,"model_version":…,"id":` (as JSON.stringify writes it).
  const answerHead = Buffer.from(`{"model_name":${JSON.stringify(name)},"model_version":${JSON.stringify(version)},"id":`);
  /** The inference answer's JSON as UTF-8 bytes, written anew for each answer. */
  const answer = new ByteText();
  const metadata = {
    name,
    versions: [version],
    platform: 'onnxruntime_onnx',
    inputs: model.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: oipShape(t.shape) })),
    outputs: model.outputs.filter((t) => t.datatype !== undefined).map((t) => ({ name: t.name, datatype: t.datatype, shape: oipShape(t.shape) })),
  };

  const countPrediction: RowPredictionSink = (label, confidence) => metrics.countPrediction(label !== undefined ? String(label) : undefined, confidence !== null && confidence < lowConfidence);
  /**
   * Answered requests whose latency, prediction counts and log lines are still to be recorded. A batch's requests are
   * answered one after another in the same microtask run (the batcher resolves them together); they are recorded
   * after the last of them is written, in one microtask queued behind them, so no answer waits for another request's
   * metrics or log line. Still before any I/O: a /metrics scrape after an answer finds it there. The log line is then
   * in the prediction log's writer, which writes within 50 ms (JsonlWriter), so a read of the file may not find it
   * yet; close() writes everything.
   */
  const unrecorded: { inputs: readonly TensorData[]; outputs: readonly TensorData[]; id: string; seconds: number; answeredAt: number; failure: NonFiniteAnswer | undefined }[] = [];
  /**
   * The server log's line for a request answered with an error for non-finite outputs: a warning when its inputs
   * were (422), an error when the model made them (500). The first at once, then at most one every NON_FINITE_LOG_MS
   * saying how many there were in between, so a model that fails every request under load does not flood the log
   * (each request is in /metrics and each row in the prediction log).
   */
  const nonFiniteLog = { at: Number.NEGATIVE_INFINITY, unsaid: 0 };
  const logNonFinite = (id: string, failure: NonFiniteAnswer, now: number): void => {
    if (now - nonFiniteLog.at < NON_FINITE_LOG_MS) {
      nonFiniteLog.unsaid++;
      return;
    }
    const more = nonFiniteLog.unsaid > 0 ? ` (and ${nonFiniteLog.unsaid} more request${nonFiniteLog.unsaid === 1 ? '' : 's'} answered with an error for non-finite outputs since the last such line)` : '';
    nonFiniteLog.at = now;
    nonFiniteLog.unsaid = 0;
    log(failure.status === 500 ? 'error' : 'warn', `Request ${id} answered ${failure.status}: ${failure.message}${more}`);
  };
  const record = (): void => {
    for (let i = 0; i < unrecorded.length; i++) {
      const { inputs, outputs, id, seconds, answeredAt, failure } = unrecorded[i] as (typeof unrecorded)[number];
      try {
        if (failure) {
          // Not a good answer: counted by its status (the error rate), its rows as abstained, no latency observed.
          metrics.countRequest(failure.status);
          metrics.countAbstained(failure.rows);
          logNonFinite(id, failure, answeredAt);
        } else {
          metrics.observeLatency(seconds);
          metrics.countRequest(200);
        }
        if (!predictions) {
          if (!failure) eachRowOutput(inputs, outputs, options.classLabels, countPrediction);
          continue;
        }
        const context: RecordContext = { ts: isoAt(answeredAt), feature, model: name, modelVersion: version, requestId: id, latencyMs: Math.round(seconds * 1e6) / 1e3, featureNames: options.featureNames, classLabels: options.classLabels };
        if (failure) context.error = failure.message;
        predictions.writeBytes(predictionLogBytes(inputs, outputs, context, countPrediction));
      } catch (err) {
        log('error', `Recording the prediction of request ${id}: ${errorMessage(err)}`);
      }
    }
    unrecorded.length = 0;
  };
  /** Answers a failed inference request (`what` names it in the log of an unexpected failure). */
  const inferenceFailed = (err: unknown, responder: Responder, what: string): void => {
    const status = statusOf(err, what);
    metrics.countRequest(status);
    responder.respond(status, JSON.stringify({ error: errorMessage(err) }), err instanceof HttpError ? err.headers : undefined);
  };
  /** The model's floating-point outputs the protocol carries: the ones that can hold NaN or ±Infinity. */
  const floatOutputs = model.outputs.filter((o) => o.datatype !== undefined && isFloat(o.dtype)).map((o) => o.name);
  /**
   * The outputs a request's run computes: every output when it asks for some but leaves out a float one (a label
   * alone), so the non-finite check sees the scores its label comes from; the answer carries only those asked for, and
   * the prediction log all of them. Otherwise what it asks for.
   */
  const runOutputs = (asked: readonly string[] | undefined): readonly string[] | undefined =>
    asked && asked.length > 0 && floatOutputs.some((name) => !asked.includes(name)) ? undefined : asked;
  /** One inference request waiting for its run; answered when its outputs come (the batcher's waiter). */
  class Inference implements BatchWaiter {
    constructor(
      private readonly request: InferenceRequest,
      private readonly started: bigint,
      private readonly responder: Responder,
      private readonly fail: (err: unknown, responder: Responder) => void,
      /** The outputs the answer carries, in the request's order, when the run computes more (see `runOutputs`). */
      private readonly answered?: readonly string[],
    ) {}

    /**
     * Writes the answer, or an error when an output holds NaN or ±Infinity (no answer: the request's rows are logged
     * as errors); its metrics and prediction log lines follow (record).
     */
    done(outputs: TensorData[]): void {
      const id = this.request.id ?? randomUuid();
      let failure: NonFiniteAnswer | undefined;
      try {
        failure = nonFiniteAnswer(this.request.inputs, outputs, options.featureNames);
        if (failure) {
          this.responder.respond(failure.status, JSON.stringify({ error: failure.message }));
        } else {
          answer.used = 0;
          answer.bytes(answerHead, 0, answerHead.length);
          answer.jsonString(id);
          answer.text(',"outputs":[');
          const carried = this.answered ? this.answered.map((name) => outputs.find((o) => o.name === name) as TensorData) : outputs;
          for (let i = 0; i < carried.length; i++) {
            const o = carried[i] as TensorData;
            if (i !== 0) answer.byte(0x2c); // ','
            writeTensorJson(o.name, o.dtype, o.dims, o.data, answer);
          }
          answer.text(']}');
          this.responder.respond(200, answer.buffer.subarray(0, answer.used));
        }
      } catch (err) {
        return this.failed(err);
      }
      const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
      if (unrecorded.push({ inputs: this.request.inputs, outputs, id, seconds, answeredAt: Date.now(), failure }) === 1) queueMicrotask(record);
    }

    failed(error: unknown): void {
      this.fail(error, this.responder);
    }
  }
  /**
   * One inference request's body to its answer (through `responder`, also on failure: `fail` answers then). Runs
   * through the batcher's waiter without a promise per request.
   */
  const infer = (body: Buffer, started: bigint, responder: Responder, fail: (err: unknown, responder: Responder) => void): void => {
    let inference: Inference;
    let request: InferenceRequest;
    let run: readonly string[] | undefined;
    try {
      // The common body read straight from its bytes; any other (or a malformed one) through JSON.parse.
      request = readSimpleInferenceRequest(body) ?? parseInferenceRequest(parseJson(body));
      model.check(request.inputs, request.outputs);
      run = runOutputs(request.outputs);
      inference = new Inference(request, started, responder, fail, run === request.outputs ? undefined : request.outputs);
    } catch (err) {
      return fail(err, responder);
    }
    if (batcher) batcher.wait(request.inputs, run, inference);
    else model.run(request.inputs, run).then((outputs) => inference.done(outputs), (err: unknown) => inference.failed(err));
  };
  /** A lean-layer request's failure. */
  const leanFailed = (err: unknown, responder: Responder): void => inferenceFailed(err, responder, 'POST /infer');

  const inferHttp = async (req: IncomingMessage, res: ServerResponse, started: bigint): Promise<void> => {
    if (req.headers['inference-header-content-length'] !== undefined) throw new HttpError(400, 'The binary tensor data extension is not supported: send JSON tensors.');
    const body = await readBody(req, limit);
    // A failure goes to the router's handler, as any other request's.
    return new Promise<void>((resolve, reject) =>
      infer(
        body,
        started,
        {
          respond: (status, text, headers) => {
            sendText(res, status, text, headers);
            resolve();
          },
        },
        reject,
      ),
    );
  };

  const postFeedback = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!feedback) throw new HttpError(501, 'Feedback capture is off for this server: start it with a feedback log.');
    const parsed = feedbackFromRequest(parseJson(await readBody(req, limit)), { feature, now: new Date() });
    if (!parsed.ok) throw new HttpError(400, parsed.problem);
    feedback.write(parsed.value);
    feedback.flush();
    metrics.countFeedback();
    send(res, 200, { accepted: true, request_id: parsed.value.request_id });
  };

  // The inference URLs as clients write them: these go straight to infer(), every other path through the router.
  const inferPaths = new Set([`/v2/models/${encodeURIComponent(name)}/infer`, `/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/infer`]);
  const route = async (req: IncomingMessage, res: ServerResponse, started: bigint): Promise<void> => {
    if (req.method === 'POST' && inferPaths.has(req.url as string)) return inferHttp(req, res, started);
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    let parts: string[];
    try {
      parts = rawPath.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(400, `Malformed URL path ${rawPath}.`);
    }
    const method = req.method ?? 'GET';
    const only = (allowed: string): void => {
      if (method !== allowed) throw new HttpError(405, `${method} is not allowed on ${rawPath}; use ${allowed}.`, { Allow: allowed });
    };
    const path = parts.join('/');
    if (path === 'metrics') {
      only('GET');
      const text = await metrics.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (parts[0] !== 'v2') throw new HttpError(404, `No such endpoint: ${rawPath}. This is an Open Inference Protocol v2 server (/v2, /v2/health/live, /v2/models/${name}/infer, /metrics).`);
    if (parts.length === 1) {
      only('GET');
      return send(res, 200, { name: 'mlship', version: VERSION, extensions: ['mlship_feedback'] });
    }
    if (parts[1] === 'health' && parts.length === 3 && (parts[2] === 'live' || parts[2] === 'ready')) {
      only('GET');
      return parts[2] === 'live' ? send(res, 200, { live: true }) : send(res, ready ? 200 : 503, { ready });
    }
    if (parts[1] !== 'models' || parts.length < 3) throw new HttpError(404, `No such endpoint: ${rawPath}.`);
    const m = parts[2] as string;
    let rest = parts.slice(3);
    if (m !== name) throw new HttpError(404, `Unknown model "${m}"; this server serves "${name}".`);
    if (rest[0] === 'versions') {
      const v = rest[1];
      if (v === undefined) throw new HttpError(404, `No such endpoint: ${rawPath}.`);
      if (v !== version) throw new HttpError(404, `Unknown version "${v}" of model "${name}"; this server serves version "${version}".`);
      rest = rest.slice(2);
      if (rest[0] === 'feedback') throw new HttpError(404, `No such endpoint: ${rawPath}; feedback goes to /v2/models/${name}/feedback.`);
    }
    switch (rest.join('/')) {
      case '':
        only('GET');
        return send(res, 200, metadata);
      case 'ready':
        only('GET');
        return send(res, ready ? 200 : 503, { name, ready });
      case 'infer':
        only('POST');
        return inferHttp(req, res, started);
      case 'feedback':
        only('POST');
        return postFeedback(req, res);
      default:
        throw new HttpError(404, `No such endpoint: ${rawPath}.`);
    }
  };

  /** The HTTP status for a failed request; unexpected failures (500) are logged. */
  const statusOf = (err: unknown, what: string): number => {
    const status = err instanceof HttpError ? err.status : err instanceof OipRequestError ? 400 : 500;
    if (status === 500) log('error', `${what}: ${errorMessage(err)}`);
    return status;
  };

  const requestTimeoutError = `The request was not received within ${timeouts.requestMs / 1000} s. Send it again.`;
  const httpOptions = {
    requestTimeout: timeouts.requestMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, timeouts.requestMs),
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often node:http looks for requests over their timeouts (its default, 30 s, with the default 60 s timeout).
    connectionsCheckingInterval: Math.min(30_000, timeouts.requestMs / 2),
  };
  const server: Server = createServer(httpOptions, (req, res) => {
    route(req, res, process.hrtime.bigint()).catch((err: unknown) => {
      if (err instanceof ClientGone) {
        res.destroy();
        return;
      }
      const status = statusOf(err, `${req.method} ${req.url}`);
      const headers = err instanceof HttpError ? err.headers : {};
      if (req.method === 'POST' && (req.url ?? '').split('?')[0]?.endsWith('/infer') === true) metrics.countRequest(status);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A 413 carries Connection: close: node:http closes the connection once it is written, the rest of the body unread.
      send(res, status, { error: errorMessage(err) }, headers);
    });
  });
  // The inference requests in their common form are read by the lean layer; everything else by node:http.
  const lean = serveInferenceLean(server, {
    paths: inferPaths,
    maxBodyBytes: limit,
    requestTimeoutMs: timeouts.requestMs,
    keepAliveTimeoutMs: timeouts.keepAliveMs,
    requestTimeoutJson: JSON.stringify({ error: requestTimeoutError }),
    handle: (body, started, responder) => infer(body, started, responder, leanFailed),
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // What node:http itself answers (431 for a head over its limit, 408 for a request not read in time), with a JSON
    // body saying what to do; nothing to a client that reset the connection.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, body] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'The request head is larger than 16 KiB, the most this server reads. Send fewer or shorter headers.']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', requestTimeoutError]
          : ['400 Bad Request', 'Malformed HTTP request.'];
    const json = JSON.stringify({ error: body });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      void model.release();
      reject(new Error(`Cannot listen on 127.0.0.1:${options.port ?? 0}: ${err.message}${(err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? '. The port is taken; choose another or use 0 for a free one.' : '.'}`));
    });
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log('info', `Serving ${name} version ${version} (${options.modelPath}) on ${url} with onnxruntime-node ${model.runtimeVersion}; ${batcher ? `dynamic batching up to ${maxBatch} rows per run` : maxBatch > 1 ? 'no dynamic batching (the model\'s inputs and outputs do not all share one named symbolic first dimension)' : 'dynamic batching off'}.`);

  let closing: Promise<void> | undefined;
  return {
    model,
    batcher,
    endpoint: {
      url,
      port,
      modelName: name,
      modelVersion: version,
      metricsUrl: `${url}/metrics`,
      maxBatch: batcher ? maxBatch : 1,
      pid: process.pid,
      ...(options.predictionLog ? { predictionLog: options.predictionLog } : {}),
      ...(options.feedbackLog ? { feedbackLog: options.feedbackLog } : {}),
    },
    close() {
      closing ??= (async () => {
        ready = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        lean.closeAll();
        await closed;
        await Promise.all([predictions?.close(), feedback?.close()]);
        await model.release();
      })();
      return closing;
    },
  };
}
