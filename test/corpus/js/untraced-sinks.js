// Where a prediction goes decides whether it must carry the model version: out of the function (returned, sent,
// stored, posted) it must; printed, drawn or kept in page state it need not.
import * as ort from 'onnxruntime-node';
import express from 'express';
import { db } from './db.js';

const session = await ort.InferenceSession.create('models/churn.onnx');
const MODEL_VERSION = process.env.MODEL_VERSION ?? 'dev';
const app = express();

app.post('/churn', async (req, res) => {
  const out = await session.run({ input: new ort.Tensor('float32', req.body.features, [1, 8]) }); // expect: no-fallback untraced-prediction
  res.json({ churn: out.probabilities.data[1] });
});

app.post('/churn/v2', async (req, res) => {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', req.body.features, [1, 8]) });
    res.json({ churn: out.probabilities.data[1], modelVersion: MODEL_VERSION });
  } catch (err) {
    res.status(503).json({ error: 'model unavailable' });
  }
});

export async function scoreAndStore(customerId, features) {
  const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) }); // expect: no-fallback untraced-prediction
  await db.collection('churn_scores').insertOne({ customerId, score: out.probabilities.data[1], at: new Date() });
}

export async function cacheLocally(features) {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) }); // expect: untraced-prediction
    localStorage.setItem('lastScore', String(out.probabilities.data[1]));
  } catch {
    localStorage.removeItem('lastScore');
  }
}

export async function show(features, element) {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) });
    element.textContent = `Churn risk: ${(out.probabilities.data[1] * 100).toFixed(0)}%`;
  } catch {
    element.textContent = 'unavailable';
  }
}

// A script's helper returns to its own main(), which prints: nothing leaves.
async function predictOne(features) {
  const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) });
  return out.probabilities.data[1];
}

async function main() {
  try {
    console.log('churn probability', await predictOne([1, 2, 3, 4, 5, 6, 7, 8]));
  } catch (err) {
    console.error(err);
  }
}

main();

// The version travels in the object that is returned, built in a variable first.
export async function scoreWithVersion(features) {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) });
    const answer = { churn: out.probabilities.data[1], modelVersion: MODEL_VERSION };
    return answer;
  } catch {
    return null;
  }
}

export async function scoreWithoutVersion(features) {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', features, [1, 8]) }); // expect: untraced-prediction
    const answer = { churn: out.probabilities.data[1] };
    return answer;
  } catch {
    return null;
  }
}
