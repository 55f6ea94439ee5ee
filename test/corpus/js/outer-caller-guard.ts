/* eslint-disable */
// @ts-nocheck
// Helpers that call the model without a try/catch: fine when every caller handles the error.
import * as ort from 'onnxruntime-node';

const session = await ort.InferenceSession.create('models/eta.onnx');
const MODEL_VERSION = 'eta-7';

async function runEta(feeds: Record<string, ort.Tensor>) {
  const out = await session.run(feeds);
  console.log('eta', { modelVersion: MODEL_VERSION });
  return out.eta.data[0] as number;
}

export async function etaMinutes(feeds: Record<string, ort.Tensor>): Promise<number> {
  try {
    return await runEta(feeds);
  } catch {
    return 30;
  }
}

export async function etaOrDefault(feeds: Record<string, ort.Tensor>): Promise<number> {
  return runEta(feeds).catch(() => 30);
}

const runSurge = async (feeds: Record<string, ort.Tensor>) => {
  const out = await session.run(feeds); // expect: no-fallback
  console.log('surge', { modelVersion: MODEL_VERSION });
  return out.surge.data[0] as number;
};

export async function surgeMultiplier(feeds: Record<string, ort.Tensor>) {
  try {
    return await runSurge(feeds);
  } catch {
    return 1;
  }
}

export async function surgeUnsafe(feeds: Record<string, ort.Tensor>) {
  return runSurge(feeds);
}
