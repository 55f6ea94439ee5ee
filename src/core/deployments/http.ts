// The one HTTP client of the connectors: every call has a deadline (connect, headers and body together), a cap on
// the body size, and fails with a ConnectorError whose kind says what happened — refused, timed out, an HTTP error,
// a body that is not what was expected, too large, or a connection closed mid-response — in words for the
// Deployments view. Auth tokens go in a header and never into a message.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

export type ConnectorErrorKind = 'refused' | 'timeout' | 'http' | 'invalid' | 'too-large' | 'closed' | 'dns' | 'network' | 'aborted';

export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export interface HttpOptions {
  /** Deadline for the whole exchange, ms. Default 5000. */
  timeoutMs?: number;
  /** Largest body read, bytes. Default 4 MiB. */
  maxBytes?: number;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Which statuses are answers rather than failures. Default: 2xx. */
  acceptStatus?: (status: number) => boolean;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body as received (byte offsets, as in ranges, count these). */
  bytes: Buffer;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

// Kept-alive connections: polling the same servers every few seconds reuses sockets instead of opening new ones.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 8 });

/** A URL parsed once, with the request options node:http would derive from it on every request. */
interface Target {
  url: URL;
  options: RequestOptions;
}

/**
 * The targets of the URLs asked for lately: a poll asks the same few URLs every few seconds, and parsing each again
 * (and node:http serializing the URL back to check it is one) was a measurable part of a poll's CPU. Bounded: cleared
 * when it holds more than TARGETS_KEPT.
 */
const targets = new Map<string, Target>();
const TARGETS_KEPT = 256;

/** The parsed URL and its request options; undefined when `rawUrl` is no URL. */
function targetOf(rawUrl: string): Target | undefined {
  const known = targets.get(rawUrl);
  if (known) return known;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  if (targets.size >= TARGETS_KEPT) targets.clear();
  const target = { url, options: urlToHttpOptions(url) };
  targets.set(rawUrl, target);
  return target;
}

function where(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function describeSystemError(err: NodeJS.ErrnoException, url: URL, timeoutMs: number): ConnectorError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectorError('refused', `Connection refused by ${url.host}: nothing is listening there. Is the server running?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectorError('dns', `Host ${url.hostname} not found.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectorError('closed', `${url.host} closed the connection before answering ${url.pathname}.`);
    case 'ETIMEDOUT':
      return new ConnectorError('timeout', `${where(url)} did not answer within ${timeoutMs} ms.`);
    default:
      return new ConnectorError('network', `${where(url)}: ${err.message}`);
  }
}

/** One HTTP exchange with a deadline and a body cap. */
export function httpFetch(method: 'GET' | 'POST', rawUrl: string, body: string | undefined, options: HttpOptions = {}): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const accept = options.acceptStatus ?? ((s: number) => s >= 200 && s < 300);
  const target = targetOf(rawUrl);
  if (!target) return Promise.reject(new ConnectorError('invalid', `"${rawUrl}" is not a URL.`));
  const url = target.url;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new ConnectorError('invalid', `${rawUrl}: only http and https URLs are supported.`));
  if (options.signal?.aborted) return Promise.reject(new ConnectorError('aborted', 'Cancelled.'));
  return new Promise((resolve, reject) => {
    let done = false;
    const headers: Record<string, string> = { Accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const isHttps = url.protocol === 'https:';
    const req = (isHttps ? httpsRequest : httpRequest)({ ...target.options, method, headers, agent: isHttps ? httpsAgent : httpAgent });
    const fail = (err: ConnectorError): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(new ConnectorError('aborted', 'Cancelled.'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => fail(new ConnectorError('timeout', `${where(url)} did not answer within ${timeoutMs} ms.`)), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => fail(describeSystemError(err, url, timeoutMs)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        fail(new ConnectorError('too-large', `${where(url)} sent ${declared} bytes, more than the ${maxBytes} MLShip reads.`, status));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) fail(new ConnectorError('too-large', `${where(url)} sent more than the ${maxBytes} bytes MLShip reads.`, status));
        else chunks.push(c);
      });
      res.on('error', () => fail(new ConnectorError('closed', `${url.host} closed the connection in the middle of its answer to ${url.pathname}.`, status)));
      res.on('aborted', () => fail(new ConnectorError('closed', `${url.host} closed the connection in the middle of its answer to ${url.pathname}.`, status)));
      res.on('end', () => {
        if (done) return;
        if (!res.complete) {
          fail(new ConnectorError('closed', `${url.host} closed the connection in the middle of its answer to ${url.pathname}.`, status));
          return;
        }
        const bytes = Buffer.concat(chunks, size);
        const text = bytes.toString('utf8');
        if (!accept(status)) {
          fail(new ConnectorError('http', `${where(url)} answered HTTP ${status}${errorDetail(text)}.`, status));
          return;
        }
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ status, headers: res.headers, body: text, bytes });
      });
    });
    req.end(body);
  });
}

/**
 * The `error` of a JSON error body, or the start of a text one, less a full stop of its own at the end (the message
 * it goes into ends with one).
 */
export function errorDetail(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  let detail = t.replace(/\s+/g, ' ').slice(0, 160);
  try {
    const j = JSON.parse(t) as unknown;
    if (typeof j === 'object' && j !== null && typeof (j as { error?: unknown }).error === 'string') detail = (j as { error: string }).error.trim();
  } catch {
    // Not JSON.
  }
  return `: ${detail.replace(/\.+$/, '')}`;
}

export function httpGet(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  return httpFetch('GET', url, undefined, options);
}

export function httpPost(url: string, body: unknown, options: HttpOptions = {}): Promise<HttpResponse> {
  return httpFetch('POST', url, JSON.stringify(body), options);
}

/** Parses a JSON body, or fails with an 'invalid' ConnectorError that says where the text stops making sense. */
export function parseJsonBody(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(res.body) as unknown;
  } catch (err) {
    // A JSON error at the very end of the text means the text stopped early.
    const message = err instanceof Error ? err.message : '';
    const at = /at position (\d+)/.exec(message);
    const truncated = /Unexpected end of JSON input/.test(message) || (at !== null && Number(at[1]) >= res.body.trimEnd().length - 1) || /Unterminated string/.test(message);
    throw new ConnectorError('invalid', `${what} is ${truncated ? 'truncated JSON' : 'not JSON'}: ${res.body.replace(/\s+/g, ' ').slice(0, 80) || '(empty)'}`, res.status);
  }
}
