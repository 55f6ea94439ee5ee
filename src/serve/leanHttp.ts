// A lean HTTP/1.1 layer in front of the local server's node:http server, for the inference requests only. Node's
// http module costs more per request than a small model's run (its request and response objects and streams); this
// layer reads the common request — `POST <an exact inference path> HTTP/1.1` with a Content-Length body within the
// limit — straight off the socket and writes the answer in one write. Keep-alive and pipelining are kept: requests
// on a connection are read in order and answered in order, `Connection: close` closes after its answer; a client that
// ends its side gets the answers in flight, then the end. A connection whose answers pile up (a client that
// pipelines and does not read) is not read until they are written.
//
// Anything else is not this layer's to judge: another path, another method, HTTP/1.0, chunked bodies, `Expect`, a
// body over the limit, anything unusual in the request head (obs-fold, a header without a colon, control characters,
// duplicate or odd Content-Length, bare LF line ends, a head over 16 KiB). At such a request, once the connection's
// earlier answers are written, the connection — with every byte not yet parsed, and the client's end if it came in
// the meantime — is handed to the node:http server, which serves it from then on with the full parser: 400 on
// malformed requests, 413 on bodies over the limit, its timeouts.
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** Where one request's answer goes. */
export interface Responder {
  /**
   * Writes the answer: a status, its JSON (text, or UTF-8 bytes, read before this returns) and any extra headers.
   * Called once per request; later calls are ignored.
   */
  respond(status: number, json: string | Uint8Array, headers?: Readonly<Record<string, string>>): void;
}

export interface LeanHttpOptions {
  /** Exact request targets (no query) whose POSTs this layer serves. */
  paths: ReadonlySet<string>;
  /** Bodies over this many bytes go to the node:http server (which answers 413). */
  maxBodyBytes: number;
  /** Serves one request's body; must answer through `responder` once, also on failure. `started` is when its head was read. */
  handle(body: Buffer, started: bigint, responder: Responder): void;
  /**
   * A request still unfinished this long after its first byte is answered 408 with this JSON (after the answers in
   * flight), and the connection closed; noticed at the request's next read or idle spell, as node:http's requestTimeout.
   */
  requestTimeoutMs: number;
  requestTimeoutJson: string;
  /** An idle connection closes after this long (node:http's keepAliveTimeout). */
  keepAliveTimeoutMs: number;
}

/** The largest request head this layer reads (node:http's own limit is 16 KiB too). */
const MAX_HEAD_BYTES = 16 * 1024;
/**
 * The most requests of a connection read and not yet answered; beyond them (or while the socket holds more unsent
 * bytes than its high-water mark) the connection reads no more until answers are written (backpressure).
 */
export const MAX_PENDING_ANSWERS = 64;

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 413: 'Payload Too Large', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' };

/** A 200 answer's head up to its Content-Length value. */
const OK_HEAD = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ', 'latin1');
/** The end of an answer's head that closes the connection. */
const CLOSE_END = Buffer.from('Connection: close\r\n\r\n', 'latin1');

/** One header line: a token, a colon, a value of visible characters, spaces and tabs (RFC 9110/9112). */
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\x20-\x7e\t\x80-\xff]*?)[ \t]*$/;

/** The end of the Content-Length line and the `Date` header line, as bytes, made once per second. */
function dateLines(): Buffer {
  const now = Date.now();
  if (now - dateCache.at >= 1000 || now < dateCache.at) {
    dateCache.at = now - (now % 1000);
    dateCache.bytes = Buffer.from(`\r\nDate: ${new Date(now).toUTCString()}\r\n`, 'latin1');
  }
  return dateCache.bytes;
}
const dateCache = { at: 0, bytes: Buffer.alloc(0) };

/** Digits of a whole number ≥ 0. */
function digitCount(n: number): number {
  let digits = 1;
  for (let t = 10; t <= n; t *= 10) digits++;
  return digits;
}

/**
 * One answer's bytes in one buffer: the status line and headers, then the JSON. `end` closes the head (a kept-alive
 * answer's Keep-Alive line, or `Connection: close`).
 */
function answerBytes(status: number, json: string | Uint8Array, headers: Readonly<Record<string, string>> | undefined, end: Buffer): Buffer {
  const body = typeof json === 'string' ? Buffer.from(json) : json;
  const start = status === 200 ? OK_HEAD : Buffer.from(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\nContent-Type: application/json\r\nContent-Length: `, 'latin1');
  let extra: Buffer | undefined;
  if (headers) {
    let text = '';
    for (const name in headers) if (name !== 'Connection') text += `${name}: ${headers[name] as string}\r\n`;
    extra = Buffer.from(text);
  }
  const date = dateLines();
  const digits = digitCount(body.length);
  const out = Buffer.allocUnsafe(start.length + digits + date.length + (extra?.length ?? 0) + end.length + body.length);
  out.set(start, 0);
  let at = start.length + digits;
  for (let i = at - 1, v = body.length; i >= start.length; i--, v = Math.floor(v / 10)) out[i] = 0x30 + (v % 10);
  out.set(date, at);
  at += date.length;
  if (extra) {
    out.set(extra, at);
    at += extra.length;
  }
  out.set(end, at);
  out.set(body, at + end.length);
  return out;
}

/** Whether a line of a partly received head ends with a bare LF (not CRLF). */
function hasBareLf(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(0x0a); at >= 0; at = buffer.indexOf(0x0a, at + 1)) if (at === 0 || buffer[at - 1] !== 0x0d) return true;
  return false;
}

interface LeanRequest {
  /** Bytes of the head including its blank line. */
  readonly headLength: number;
  readonly bodyLength: number;
  readonly close: boolean;
}

/**
 * Parses a request head (the text before the blank line, in latin1) into what this layer needs, or undefined when
 * the request is not one it serves, or is in any way unusual: then node:http decides.
 */
export function parseLeanHead(head: string, paths: ReadonlySet<string>, maxBodyBytes: number): Omit<LeanRequest, 'headLength'> | undefined {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
  if (!requestLine.startsWith('POST ') || !requestLine.endsWith(' HTTP/1.1')) return undefined;
  if (!paths.has(requestLine.slice(5, -9))) return undefined;
  let length: number | undefined;
  let close = false;
  let host = false;
  let at = lineEnd < 0 ? head.length : lineEnd + 2;
  while (at < head.length) {
    let end = head.indexOf('\r\n', at);
    if (end < 0) end = head.length;
    const m = HEADER_LINE.exec(head.slice(at, end));
    if (!m) return undefined;
    const name = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    if (name === 'content-length') {
      if (length !== undefined || !/^\d{1,15}$/.test(value)) return undefined;
      length = Number(value);
    } else if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade' || name === 'inference-header-content-length') {
      return undefined;
    } else if (name === 'host') {
      host = true;
    } else if (name === 'connection') {
      const tokens = value.toLowerCase().split(',').map((t) => t.trim());
      if (tokens.includes('upgrade')) return undefined;
      if (tokens.includes('close')) close = true;
    }
    at = end + 2;
  }
  if (length === undefined || length > maxBodyBytes || !host) return undefined;
  return { bodyLength: length, close };
}

/** One request's answer on a lean connection: its bytes once answered, and whether the connection closes after it. */
class LeanAnswer implements Responder {
  bytes: Buffer | undefined;
  private answered = false;

  constructor(
    private readonly connection: LeanConnection,
    public close: boolean,
  ) {}

  respond(status: number, json: string | Uint8Array, headers?: Readonly<Record<string, string>>): void {
    if (this.answered) return;
    this.answered = true;
    this.connection.answer(this, status, json, headers);
  }
}

/** One connection: requests read in order, answers written in order, handed to node:http when this layer cannot serve one. */
class LeanConnection {
  private chunks: Buffer[] = [];
  private size = 0;
  /** The head of the request whose body is still arriving. */
  private current: LeanRequest | undefined;
  /** Answers in request order; an entry is filled when its request is answered. */
  private readonly answers: LeanAnswer[] = [];
  /** No more requests are read: a `Connection: close` request was read, or the connection goes to node:http. */
  private stopped = false;
  private handOver = false;
  private partialSince: number | undefined;
  /** The last head this connection served and what it was parsed to (LeanRequest is never modified). */
  private lastHead: { bytes: Buffer; request: LeanRequest } | undefined;
  /** When the head of `current` was read. */
  private started = 0n;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  /** The end of a kept-alive answer's head. */
  private readonly keepAliveEnd: Buffer;
  private readonly onTimeout = (): void => this.timeout();
  /**
   * Reading is paused: too many answers pending, or the client does not read its answers fast enough (the socket
   * holds more unsent bytes than its high-water mark). Resumed when answers are written and the socket drained.
   */
  private blocked = false;
  private readonly onDrain = (): void => this.unblock();
  /** The client ended its side (half-close): what is in flight is answered, then the connection ends. */
  private ended = false;
  private readonly onEnd = (): void => this.end();

  constructor(
    private readonly socket: Socket,
    private readonly options: LeanHttpOptions,
    private readonly httpConnection: (socket: Socket) => void,
    private readonly forget: () => void,
  ) {
    this.keepAliveEnd = Buffer.from(`Keep-Alive: timeout=${Math.round(options.keepAliveTimeoutMs / 1000)}\r\n\r\n`, 'latin1');
    socket.setNoDelay(true);
    socket.setTimeout(options.keepAliveTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.once('close', forget);
    // A reset or a write after the peer left: the connection is gone, nothing to answer.
    socket.on('error', () => socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.stopped) {
      // Kept for node:http when handing over; after `Connection: close`, ignored.
      if (this.handOver) {
        this.chunks.push(chunk);
        this.size += chunk.length;
      }
      return;
    }
    // A request still unfinished this long after its first byte: the client is too slow (or trickles bytes to hold
    // the connection, which keeps the idle timer from firing), as node:http's requestTimeout.
    if (this.partialSince !== undefined && Date.now() - this.partialSince >= this.options.requestTimeoutMs) {
      this.timedOut();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.more();
  }

  /** Parses what was received, and notes since when a request is partly read. */
  private more(): void {
    this.parse();
    if (this.size === 0 || this.stopped) this.partialSince = undefined;
    else this.partialSince ??= Date.now();
  }

  /** Whether reading must wait for answers to be written (backpressure). */
  private mustWait(): boolean {
    return this.answers.length >= MAX_PENDING_ANSWERS || this.socket.writableLength > this.socket.writableHighWaterMark;
  }

  /** Reads again after a wait (mustWait), once answers were written and the socket drained. */
  private unblock(): void {
    if (!this.blocked || this.mustWait() || this.socket.destroyed) return;
    this.blocked = false;
    // The wait was this side's: the request timeout of what is left starts now.
    this.partialSince = undefined;
    if (this.ended) {
      this.more();
      this.finishEnd();
      return;
    }
    this.socket.resume();
    this.more();
  }

  /**
   * The head in `buffer[0, end)` parsed, or undefined when this layer does not serve it. A client sends the same head
   * request after request (only the body changes), so a head byte-equal to the previous one on this connection takes
   * the previous one's result without being parsed again.
   */
  private parseHead(buffer: Buffer, end: number): LeanRequest | undefined {
    const last = this.lastHead;
    if (last !== undefined && last.bytes.length === end && last.bytes.compare(buffer, 0, end) === 0) return last.request;
    const parsed = parseLeanHead(buffer.toString('latin1', 0, end), this.options.paths, this.options.maxBodyBytes);
    if (!parsed) return undefined;
    const request: LeanRequest = { ...parsed, headLength: end + 4 };
    this.lastHead = { bytes: Buffer.from(buffer.subarray(0, end)), request };
    return request;
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0] as Buffer;
  }

  private parse(): void {
    while (this.size > 0 && !this.stopped) {
      if (this.blocked) return;
      if (this.mustWait()) {
        this.blocked = true;
        this.socket.pause();
        return;
      }
      if (!this.current) {
        const buffer = this.joined();
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          // A head too long, or with a line ended by a bare LF (which may never be followed by CRLF CRLF): node:http
          // judges it (400) rather than this layer waiting for the rest.
          if (this.size > MAX_HEAD_BYTES || hasBareLf(buffer)) this.toHttp();
          return;
        }
        const started = process.hrtime.bigint();
        const parsed = end <= MAX_HEAD_BYTES ? this.parseHead(buffer, end) : undefined;
        if (!parsed) return this.toHttp();
        this.current = parsed;
        this.started = started;
      }
      const request = this.current;
      const total = request.headLength + request.bodyLength;
      if (this.size < total) return;
      const buffer = this.joined();
      const body = buffer.subarray(request.headLength, total);
      // The bytes after this request stay for the next (the chunk list is reused, not made anew per request).
      this.chunks.length = 0;
      if (total < buffer.length) this.chunks.push(buffer.subarray(total));
      this.size = buffer.length - total;
      this.current = undefined;
      // What is left belongs to the next request, whose request timeout starts now.
      this.partialSince = undefined;
      const answer = new LeanAnswer(this, request.close);
      this.answers.push(answer);
      if (request.close) this.stopped = true;
      this.options.handle(body, this.started, answer);
    }
  }

  /** Fills in an answer (LeanAnswer.respond) and writes the answers that are then ready. */
  answer(answer: LeanAnswer, status: number, json: string | Uint8Array, headers: Readonly<Record<string, string>> | undefined): void {
    const close = answer.close || headers?.Connection === 'close';
    answer.bytes = answerBytes(status, json, headers, close ? CLOSE_END : this.keepAliveEnd);
    answer.close = close;
    this.flush();
  }

  /** Writes the answers that are ready, in request order. */
  private flush(): void {
    while (this.answers.length > 0 && (this.answers[0] as LeanAnswer).bytes !== undefined) {
      const a = this.answers.shift() as LeanAnswer;
      const bytes = a.bytes as Buffer;
      if (this.socket.destroyed) return;
      if (a.close) {
        this.stopped = true;
        this.handOver = false;
        this.answers.length = 0;
        this.socket.end(bytes);
        return;
      }
      this.socket.write(bytes);
    }
    if (this.handOver && this.answers.length === 0) this.release();
    else if (this.answers.length === 0 && this.ended && this.stopped) this.socket.end();
    else if (this.blocked) this.unblock();
  }

  /**
   * The client ended its side of the connection: the requests received are answered, then the connection ends. An
   * unfinished request can never be completed: the connection is destroyed at once when nothing is in flight, its
   * bytes dropped otherwise.
   */
  private end(): void {
    if (this.handOver) return; // node:http gets the connection, the end with it.
    this.ended = true;
    this.finishEnd();
  }

  /** After the end: once every complete request received is read, drops what is left and ends when answers are out. */
  private finishEnd(): void {
    // Reading waits for answers to be written (backpressure): the complete requests still received are read first.
    // A request read then that goes to node:http takes the rest of the bytes with it.
    if (this.blocked || this.handOver) return;
    const partial = this.size > 0;
    this.stopReading();
    if (this.answers.length > 0) return;
    if (partial) this.socket.destroy();
    else this.socket.end();
  }

  /** The connection goes to node:http after the answers in flight. */
  private toHttp(): void {
    this.stopped = true;
    this.handOver = true;
    if (this.answers.length === 0) this.release();
  }

  private release(): void {
    const socket = this.socket;
    socket.pause();
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('drain', this.onDrain);
    socket.off('end', this.onEnd);
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    this.forget();
    socket.off('close', this.forget);
    const bytes = this.size > 0 ? this.joined() : undefined;
    this.chunks = [];
    this.size = 0;
    if (!socket.readableEnded) {
      if (bytes) socket.unshift(bytes);
      this.httpConnection(socket);
      socket.resume();
      return;
    }
    // The client ended its side before the hand-over (while the answers in flight were written): the socket emitted
    // its 'end' to this layer and refuses an unshift after it. node:http gets the bytes and then the end as the socket
    // gives them, the end at a later turn as a FIN read after the data would come, so it answers what was sent and
    // closes, instead of dropping the connection with its request unanswered.
    this.httpConnection(socket);
    if (bytes) socket.emit('data', bytes);
    setImmediate(() => {
      if (!socket.destroyed) socket.emit('end');
    });
  }

  private timeout(): void {
    // Answers still being made: wait for them. A request partly read: wait for the rest up to the request timeout,
    // then 408. Idle: the keep-alive timeout is over.
    if (this.answers.length > 0) return;
    if (this.partialSince !== undefined && Date.now() - this.partialSince < this.options.requestTimeoutMs) {
      // The timer fires once per idle spell: arm it again.
      this.socket.setTimeout(this.options.keepAliveTimeoutMs);
      return;
    }
    if (this.partialSince !== undefined) this.timedOut();
    else this.socket.destroy();
  }

  /** No more requests are read on this connection: what was received and not yet read is dropped. */
  private stopReading(): void {
    this.stopped = true;
    this.chunks = [];
    this.size = 0;
    this.current = undefined;
    this.partialSince = undefined;
  }

  /** The request partly read is over the request timeout: 408 after the answers in flight, then the connection ends. */
  private timedOut(): void {
    this.stopReading();
    const answer = new LeanAnswer(this, true);
    this.answers.push(answer);
    answer.respond(408, this.options.requestTimeoutJson);
  }
}

/**
 * Puts the lean layer in front of `server` (a node:http server, before it listens): its connections start here and
 * move to node:http at the first request this layer does not serve. Returns a function that destroys the
 * connections still held here (the node:http server's closeAllConnections() closes the others).
 */
export function serveInferenceLean(server: HttpServer, options: LeanHttpOptions): { closeAll(): void } {
  const [httpConnection] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (!httpConnection) throw new Error('The node:http server has no connection listener to hand connections to.');
  const open = new Set<LeanConnection>();
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const connection: LeanConnection = new LeanConnection(socket, options, (s) => httpConnection.call(server, s), () => open.delete(connection));
    open.add(connection);
  });
  return {
    closeAll() {
      for (const c of open) c.destroy();
      open.clear();
    },
  };
}
