// The ceiling for bench/serve.ts: a bare Node HTTP server that reads the request body and answers {} (no model, no
// JSON parsing). Forked by the benchmark; sends its port back over IPC.
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
