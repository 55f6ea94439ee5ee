/* eslint-disable */
// @ts-nocheck
// Error handling that does not provide a fallback: log-and-rethrow, wrapped errors, finally-only.
import { InferenceSession, Tensor } from 'onnxruntime-web';
import { logger } from './logger';

const MODEL_VERSION = 'intent-5';
const session = await InferenceSession.create('/models/intent.onnx');

export async function intentLogged(ids: number[]) {
  try {
    const out = await session.run({ ids: new Tensor('int32', Int32Array.from(ids), [1, ids.length]) }); // expect: no-fallback
    logger.info('intent', { modelVersion: MODEL_VERSION });
    return out.embedding.data;
  } catch (err) {
    logger.error('intent model failed', err);
    throw err;
  }
}

export async function intentWrapped(ids: number[]) {
  try {
    const out = await session.run({ ids: new Tensor('int32', Int32Array.from(ids), [1, ids.length]) }); // expect: no-fallback
    logger.info('intent', { modelVersion: MODEL_VERSION });
    return out.embedding.data;
  } catch (err) {
    throw new Error(`intent model failed: ${String(err)}`);
  }
}

export async function intentFinally(ids: number[]) {
  const started = performance.now();
  try {
    const out = await session.run({ ids: new Tensor('int32', Int32Array.from(ids), [1, ids.length]) }); // expect: no-fallback
    logger.info('intent', { modelVersion: MODEL_VERSION });
    return out.embedding.data;
  } finally {
    logger.debug('latency', performance.now() - started);
  }
}

export function intentNotAwaited(ids: number[]) {
  try {
    return session.run({ ids: new Tensor('int32', Int32Array.from(ids), [1, ids.length]) }); // expect: no-fallback untraced-prediction
  } catch {
    return null;
  }
}
