// Servers that misbehave on purpose, on loopback, for the connector tests: each answers every request the same
// broken way. `refusedUrl()` is a port nothing listens on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';

export type Fault = 'slow' | 'http500' | 'garbage' | 'truncated-json' | 'huge' | 'huge-declared' | 'close-mid-response' | 'html';

export interface FaultServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function startFaultServer(fault: Fault): Promise<FaultServer> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    req.resume();
    switch (fault) {
      case 'slow':
        // Never answers within any sane timeout; the socket is closed when the server closes.
        return;
      case 'http500':
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"error":"model exploded"}');
        return;
      case 'garbage':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('\u0000\u0001 garbage ~~ {{{ not metrics, not json\n@@@@ 12 ab\n');
        return;
      case 'html':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><html><body>Login required</body></html>');
        return;
      case 'truncated-json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"live": true, "outputs": [{"name": "label", "data": [1, 2');
        return;
      case 'huge':
      case 'huge-declared': {
        // 64 MiB of JSON whitespace, streamed (chunked), or with its size declared in Content-Length up front.
        res.writeHead(200, { 'Content-Type': 'application/json', ...(fault === 'huge-declared' ? { 'Content-Length': String(64 * 1024 * 1024) } : {}) });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent >= 64) res.end();
          else res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      case 'close-mid-response':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"live": true, "name": "half');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL with nothing listening (a port that was free a moment ago). */
export async function refusedUrl(): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
