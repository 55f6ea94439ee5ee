// Node batch worker: scores a queue of jobs with onnxruntime-node, in parallel, with a per-batch fallback.
import * as ort from 'onnxruntime-node';
import { createLogger } from './logging.js';

const log = createLogger('batch');
const MODEL_VERSION = process.env.MODEL_VERSION;
const session = await ort.InferenceSession.create('models/ranker.onnx', { intraOpNumThreads: 2 });

export async function scoreBatch(jobs) {
  try {
    const outputs = await Promise.all(jobs.map((job) => session.run({ features: job.tensor })));
    log.info('batch scored', { modelVersion: MODEL_VERSION, size: jobs.length });
    return outputs.map((o) => o.score.data[0]);
  } catch (err) {
    log.warn('batch failed, using popularity ranking', err);
    return jobs.map((job) => job.popularity);
  }
}

export async function scoreEach(jobs) {
  const results = [];
  for (const job of jobs) {
    results.push(await session.run({ features: job.tensor })); // expect: no-fallback untraced-prediction
  }
  return results;
}
