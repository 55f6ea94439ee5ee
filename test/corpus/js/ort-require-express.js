// Express service around an ONNX churn model (CommonJS).
const express = require('express');
const ort = require('onnxruntime-node');

const MODEL_VERSION = process.env.MODEL_VERSION || 'dev';
const app = express();
app.use(express.json());

let session;
ort.InferenceSession.create('models/churn.onnx').then((s) => {
  session = s;
});

app.post('/predict', async (req, res) => {
  const feeds = { input: new ort.Tensor('float32', Float32Array.from(req.body.features), [1, req.body.features.length]) };
  try {
    const out = await session.run(feeds);
    const churnProbability = out.probabilities.data[1];
    console.log('prediction', { modelVersion: MODEL_VERSION, churnProbability });
    res.json({ churnProbability });
  } catch (err) {
    console.error(err);
    res.status(503).json({ churnProbability: null, fallback: true });
  }
});

app.post('/predict/raw', async (req, res) => {
  const feeds = { input: new ort.Tensor('float32', Float32Array.from(req.body.features), [1, req.body.features.length]) };
  const out = await session.run(feeds); // expect: no-fallback untraced-prediction
  res.json({ output: Array.from(out.probabilities.data) });
});

app.listen(3000);
