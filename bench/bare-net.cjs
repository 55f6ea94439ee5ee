// The lower ceiling for bench/serve.ts: a Node `net` server that only frames requests (head up to the blank line,
// then Content-Length bytes) and answers each with a fixed `{}`, in one write: no HTTP parsing, no JSON, no model.
// What is left is the cost of the socket reads and writes on loopback, the Node event loop — and the load generator.
// Forked by the benchmark; sends its port back over IPC.
const net = require('node:net');

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

const server = net.createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length:\s*(\d+)/i.exec(pending.toString('latin1', 0, end));
      const total = end + 4 + (length ? Number(length[1]) : 0);
      if (pending.length < total) return;
      pending = pending.subarray(total);
      socket.write(ANSWER);
    }
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
