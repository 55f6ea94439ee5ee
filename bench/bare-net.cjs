// The lower ceiling for bench/serve.ts: a Node `net` server that only frames requests (bare-frame.cjs: head up to the
// blank line, then Content-Length bytes) and answers each with a fixed `{}`, in one write: no HTTP parsing, no JSON, no
// model. What is left is the cost of the socket reads and writes on loopback, the Node event loop — and the load
// generator. Forked by the benchmark; sends its port back over IPC.
const { serveFramed } = require('./bare-frame.cjs');

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

serveFramed((socket) => socket.write(ANSWER));
