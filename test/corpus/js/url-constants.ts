/* eslint-disable */
// @ts-nocheck
// Inference URLs built from constants, new URL() and string concatenation.
const TRITON = process.env.TRITON_URL!;
const INFER = new URL('/v2/models/resnet/infer', TRITON);
const SCORE_URL = process.env.SCORER + '/score';
const endpoints = { vertex: 'https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/endpoints/123:predict' };

export async function resnet(body: unknown) {
  const res = await fetch(INFER, { method: 'POST', body: JSON.stringify(body) }); // expect: no-fallback no-timeout untraced-prediction
  return res.json();
}

export async function scorer(body: unknown) {
  const res = await fetch(SCORE_URL, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(250) }); // expect: no-fallback untraced-prediction
  return res.json();
}

export async function vertex(instances: unknown[], token: string) {
  const res = await fetch(endpoints.vertex, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ instances }) }); // expect: no-fallback no-timeout untraced-prediction
  return res.json();
}
