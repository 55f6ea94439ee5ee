// The honest ceiling for bench/serve.ts: a Node `net` server that does only what any OIP server for the model must do.
// It frames requests with bare-frame.cjs (head up to the blank line, then Content-Length bytes), JSON.parses each body,
// runs the model with onnxruntime-node (one session, one intra-op thread, as the local server), and answers with a
// minimal JSON of the outputs (`{"outputs":[{"name":…,"data":[…]},…]}`) in one write. No HTTP header checks, no
// request validation, no metrics, no log. Forked by the benchmark with the model file and its input name; sends its
// port back over IPC.
//
// With `--batch`, the requests waiting when a run starts (read in this event-loop turn, or while the previous run was
// in flight or waiting to start) go into one run of up to 32 rows, split back by rows: what dynamic batching can reach.
const { serveFramed } = require('./bare-frame.cjs');
const ort = require('onnxruntime-node');

const [file, inputName] = process.argv.slice(2);
const batching = process.argv.includes('--batch');
const MAX_BATCH = 32;
const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ';

/** Writes `{"outputs":[…]}` for rows [from, from + rows) of outputs with `total` rows. */
function answer(socket, result, names, total, from, rows) {
  let json = '{"outputs":[';
  for (let i = 0; i < names.length; i++) {
    const data = result[names[i]].data;
    const per = data.length / total;
    const part = total === 1 ? data : data.subarray(from * per, (from + rows) * per);
    json += `${i === 0 ? '' : ','}{"name":"${names[i]}","data":[${part.join(',')}]}`;
  }
  json += ']}';
  socket.write(`${HEAD}${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

async function main() {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const names = session.outputMetadata.filter((o) => o.isTensor).map((o) => o.name);
  const width = session.inputMetadata.find((i) => i.name === inputName).shape[1];

  // One request: its parsed input as a tensor, run on its own.
  const runOne = (socket, body) => {
    const request = JSON.parse(body.toString('utf8'));
    const input = request.inputs[0];
    const feeds = { [inputName]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) };
    session.run(feeds, names).then((result) => answer(socket, result, names, input.shape[0], 0, input.shape[0]));
  };

  // Batching: parsed requests wait here; one run at a time takes every waiting one that fits. onnxruntime-node runs
  // the model in a setImmediate callback that session.run queues at once, reading the feeds object it was given then;
  // the batch is taken in a callback queued just before it, so it holds every request read until the run starts.
  const queue = [];
  let busy = false;
  const placeholder = new ort.Tensor('float32', new Float32Array(width), [1, width]);
  const drain = async () => {
    busy = true;
    while (queue.length > 0) {
      const feeds = { [inputName]: placeholder };
      const batch = [];
      let total = 0;
      setImmediate(() => {
        while (queue.length > 0 && total + queue[0].rows <= MAX_BATCH) {
          const p = queue.shift();
          batch.push(p);
          total += p.rows;
        }
        if (batch.length === 0) {
          batch.push(queue.shift());
          total = batch[0].rows;
        }
        const data = new Float32Array(total * width);
        let at = 0;
        for (const p of batch) {
          data.set(p.data, at);
          at += p.data.length;
        }
        feeds[inputName] = new ort.Tensor('float32', data, [total, width]);
      });
      const result = await session.run(feeds, names);
      let from = 0;
      for (const p of batch) {
        answer(p.socket, result, names, total, from, p.rows);
        from += p.rows;
      }
    }
    busy = false;
  };
  const queueOne = (socket, body) => {
    const input = JSON.parse(body.toString('utf8')).inputs[0];
    queue.push({ socket, rows: input.shape[0], data: input.data });
    // The run is asked for now and starts at the end of this event-loop turn, after every request read in it.
    if (!busy) drain();
  };
  const handle = batching ? queueOne : runOne;

  serveFramed(handle);
}

main();
