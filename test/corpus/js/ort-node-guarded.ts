/* eslint-disable */
// @ts-nocheck
// The same fraud model, served the safe way: fallback on error, abstain below a threshold, model version logged.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { logger } from './logger';

const MODEL_VERSION = '2024-06-01';
const MIN_PROBABILITY = 0.8;
let session: InferenceSession | undefined;

export async function init(path: string): Promise<void> {
  session = await InferenceSession.create(path, { executionProviders: ['cpu'] });
}

export async function scoreTransaction(features: number[]): Promise<{ fraud: boolean | null; source: string }> {
  if (!session) return { fraud: null, source: 'unavailable' };
  const input = new Tensor('float32', Float32Array.from(features), [1, features.length]);
  let results;
  try {
    results = await session.run({ float_input: input });
  } catch (err) {
    logger.warn('fraud model failed, using rules', err);
    return { fraud: null, source: 'rules' };
  }
  const label = Number(results.label.data[0]);
  const probabilities = results.probabilities.data as Float32Array;
  logger.info('fraud score', { modelVersion: MODEL_VERSION, label });
  if (probabilities[label] < MIN_PROBABILITY) return { fraud: null, source: 'abstain' };
  return { fraud: label === 1, source: 'model' };
}
