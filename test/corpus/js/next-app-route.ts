/* eslint-disable */
// @ts-nocheck
// Next.js app-router handler with a lazily created ONNX session shared across requests.
import * as ort from 'onnxruntime-node';
import { NextResponse } from 'next/server';
import { logger } from '@/lib/logger';

const MODEL_VERSION = 'toxicity-2.1.0';
let sessionPromise: Promise<ort.InferenceSession> | undefined;

function getSession() {
  sessionPromise ??= ort.InferenceSession.create(process.cwd() + '/models/toxicity.onnx');
  return sessionPromise;
}

export async function POST(request: Request) {
  const { ids } = await request.json();
  const session = await getSession();
  const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) };
  const { logits } = await session.run(feeds); // expect: no-fallback no-confidence
  const scores = Array.from(logits.data as Float32Array);
  const label = argMax(scores) === 1 ? 'toxic' : 'ok';
  logger.info({ modelVersion: MODEL_VERSION, label });
  return NextResponse.json({ label });
}

function argMax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
