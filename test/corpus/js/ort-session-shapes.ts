/* eslint-disable */
// @ts-nocheck
// ONNX Runtime sessions that arrive from elsewhere: parameters, configuration objects, injected services, and a
// runtime picked at run time.
import type { InferenceSession } from 'onnxruntime-common';

const isNode = typeof window === 'undefined';
const ort = await import(isNode ? 'onnxruntime-node' : 'onnxruntime-web');

export async function rank(session: InferenceSession, ids: number[]) {
  const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) };
  const out = await session.run(feeds); // expect: no-fallback untraced-prediction
  return Array.from(out.scores.data as Float32Array);
}

export async function embed(ortSession, tokens) {
  const feeds = { tokens: new ort.Tensor('int64', tokens, [1, tokens.length]) };
  try {
    const out = await ortSession.run(feeds);
    return { vector: out.embedding.data, modelVersion: ortSession.version };
  } catch (err) {
    return { vector: null, modelVersion: null };
  }
}

interface PipelineConfig {
  session: InferenceSession;
  labels: string[];
  version: string;
}

export async function codes(config: PipelineConfig, text: string) {
  const feeds = { text: new ort.Tensor('string', [text], [1]) };
  const out = await config.session.run(feeds); // expect: no-fallback
  const scores = Array.from(out.probabilities.data as Float32Array);
  const ranked = scores.map((score, i) => ({ code: config.labels[i], score })).sort((a, b) => b.score - a.score);
  return { top: ranked.slice(0, 5), model: config.version };
}

export class Reranker {
  constructor(private readonly session: InferenceSession) {}

  async rerank(ids: number[]) {
    const input = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
    const out = await this.session.run({ input_ids: input }); // expect: no-fallback untraced-prediction
    const picked: number[] = [];
    const logits = out.logits.data as Float32Array;
    for (let i = 0; i < logits.length; i++) if (logits[i] > 0.15) picked.push(i);
    return picked;
  }
}

// A runner with a run() method, no tensors: a job queue, not a model.
export async function nightly(queue: { run(job: string): Promise<void> }) {
  await queue.run('reindex');
}
