// The framing shared by the bare servers of bench/serve.ts (bare-net.cjs, bare-ort.cjs): a Node `net` server that
// reads each request's head up to the blank line, then Content-Length bytes of body, and hands the body to `onRequest`
// with its socket (no HTTP parsing beyond that). Listens on a free loopback port and sends the port back over IPC to
// the benchmark that forked it; exits when the benchmark goes.
const net = require('node:net');

function serveFramed(onRequest) {
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
        const body = pending.subarray(end + 4, total);
        pending = pending.subarray(total);
        onRequest(socket, body);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => process.exit(0));
}

module.exports = { serveFramed };
