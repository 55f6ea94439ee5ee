// A Node worker: the ONNX call lives in a helper whose only caller catches errors and falls back.
const { InferenceSession, Tensor } = require('onnxruntime-node');
const { parentPort } = require('node:worker_threads');

let session;

async function load(path) {
  session = await InferenceSession.create(path);
}

async function runModel(values) {
  const feeds = { input: new Tensor('float32', Float32Array.from(values), [1, values.length]) };
  const out = await session.run(feeds); // expect: untraced-prediction
  return out.variable.data[0];
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'load') return load(msg.path);
  let value;
  try {
    value = await runModel(msg.values);
  } catch (err) {
    value = msg.defaultValue;
  }
  parentPort.postMessage({ id: msg.id, value });
});
