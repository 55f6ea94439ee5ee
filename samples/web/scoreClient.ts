// Browser-side client of the credit-risk endpoint (Open Inference Protocol v2).
const ENDPOINT = '/v2/models/credit-risk/infer';

export interface Decision {
  approve: boolean;
  probability: number;
}

export async function requestDecision(features: number[]): Promise<Decision> {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'float_input', shape: [1, features.length], datatype: 'FP32', data: features }] }),
  });
  const body = (await response.json()) as { outputs: { name: string; data: number[] }[] };
  const probability = body.outputs[1]?.data[1] ?? 0;
  console.info('decision', { modelVersion: response.headers.get('x-model-version'), probability });
  return { approve: probability < 0.5, probability };
}
