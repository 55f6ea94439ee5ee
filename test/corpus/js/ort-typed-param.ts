/* eslint-disable */
// @ts-nocheck
// Functions that receive the session as a parameter (dependency injection).
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export async function embed(session: InferenceSession, input: Tensor): Promise<Float32Array> {
  const out = await session.run({ input }); // expect: no-fallback untraced-prediction
  return out.embedding.data as Float32Array;
}

export async function rank(rankerSession, feeds, logger) {
  try {
    const out = await rankerSession.run(feeds);
    logger.info({ model_version: rankerSession.version });
    return out.scores.data;
  } catch {
    return null;
  }
}
