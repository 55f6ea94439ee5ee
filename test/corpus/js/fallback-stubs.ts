/* eslint-disable */
// @ts-nocheck
// Fallbacks written by MLShip's quick fix: one still a placeholder, one made the team's own.
import * as ort from 'onnxruntime-node';

const MODEL_VERSION = 'fraud-ort-4';
const session = await ort.InferenceSession.create('./models/fraud.onnx');

export async function fraudScore(features: number[]): Promise<number> {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(features), [1, features.length]) });
    console.info('fraud', { modelVersion: MODEL_VERSION });
    return Number(out.probability.data[0]);
  } catch (err) {
    console.error('Prediction failed; using fallback', err);
    return fraudScoreFallback(features);
  }
}

/** What fraudScore() answers when the model fails, times out or is not confident enough. */
function fraudScoreFallback(features: number[]): number {
  // TODO(mlship: fallback-stub): placeholder values; replace with the team's rule, then delete this line. // expect: fallback-stub
  return 0;
}

export async function fraudScoreRuled(features: number[]): Promise<number> {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(features), [1, features.length]) });
    console.info('fraud', { modelVersion: MODEL_VERSION });
    return Number(out.probability.data[0]);
  } catch (err) {
    console.error('Prediction failed; using fallback', err);
    return fraudScoreRuledFallback(features);
  }
}

/** Large amounts are suspicious when the model cannot say. */
function fraudScoreRuledFallback(features: number[]): number {
  return features[0] > 5000 ? 0.9 : 0.1;
}
