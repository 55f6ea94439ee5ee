/* eslint-disable */
// @ts-nocheck
// The same decision written many ways: the top class of a classifier, with and without its score.
import * as ort from 'onnxruntime-web';

const LABELS = ['cat', 'dog', 'bird'];
const session = await ort.InferenceSession.create('/models/pets.onnx');

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function topLabel(scores: Float32Array): string {
  const max = Math.max(...scores);
  const index = scores.indexOf(max);
  return LABELS[index];
}

export async function maxThenIndexOf(feeds) {
  const out = await session.run(feeds); // expect: no-fallback no-confidence untraced-prediction
  const probs = Array.from(out.logits.data as Float32Array);
  const best = Math.max(...probs);
  const idx = probs.indexOf(best);
  return LABELS[idx];
}

export async function loop(feeds) {
  const out = await session.run(feeds); // expect: no-fallback no-confidence
  const logits = out.logits.data as Float32Array;
  let bestIndex = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] > bestScore) {
      bestScore = logits[i];
      bestIndex = i;
    }
  }
  if (LABELS[bestIndex] === 'dog') return 'bark';
  return 'quiet';
}

export async function sorted(feeds) {
  const out = await session.run(feeds); // expect: no-fallback no-confidence untraced-prediction
  const ranked = softmax(Array.from(out.logits.data)).map((p, i) => ({ label: LABELS[i], p })).sort((a, b) => b.p - a.p);
  return ranked[0].label;
}

export async function helper(feeds) {
  const out = await session.run(feeds); // expect: no-fallback no-confidence untraced-prediction
  return topLabel(out.logits.data as Float32Array);
}

export async function withScore(feeds) {
  const out = await session.run(feeds); // expect: no-fallback untraced-prediction
  const probs = softmax(Array.from(out.logits.data));
  const idx = probs.indexOf(Math.max(...probs));
  return { label: LABELS[idx], confidence: probs[idx] };
}

export async function thresholded(feeds) {
  try {
    const out = await session.run(feeds);
    const probs = softmax(Array.from(out.logits.data));
    const idx = probs.indexOf(Math.max(...probs));
    if (probs[idx] < 0.8) return { label: null, modelVersion: 'pets-3' };
    return { label: LABELS[idx], modelVersion: 'pets-3' };
  } catch {
    return { label: null, modelVersion: null };
  }
}

export async function printed(feeds) {
  try {
    const out = await session.run(feeds);
    const probs = Array.from(out.logits.data as Float32Array);
    console.log('top class:', LABELS[probs.indexOf(Math.max(...probs))]);
  } catch (err) {
    console.error(err);
  }
}

// Greedy decoding: the argmax is the next token fed back to the model, not a class decision.
export async function generate(feed, maxTokens) {
  const tokens: bigint[] = [];
  let next = 0n;
  try {
    while (tokens.length < maxTokens && next !== 2n) {
      const out = await session.run(feed);
      const logits = Array.from(out.logits.data as Float32Array);
      next = BigInt(logits.indexOf(Math.max(...logits)));
      tokens.push(next);
      feed.input_ids = new ort.Tensor('int64', BigInt64Array.from([next]), [1, 1]);
    }
  } catch (err) {
    console.error(err);
  }
  console.info('generated', { tokens: tokens.length, modelVersion: 'lm-1' });
  return tokens;
}

// The top key kept by a reduce that compares the scores of two keys.
export async function topKey(feeds, render) {
  const out = await session.run(feeds); // expect: no-fallback no-confidence
  const scores = { cat: out.cat.data[0], dog: out.dog.data[0] };
  const best = Object.keys(scores).reduce((a, b) => (scores[a] > scores[b] ? a : b));
  render(best);
}

// The largest score itself (not which one): nothing is picked.
export async function topScore(feeds) {
  const out = await session.run(feeds); // expect: no-fallback
  const best = Array.from(out.probs.data).reduce((a, b) => (a > b ? a : b));
  console.info('top score', best);
}
