/* eslint-disable */
// @ts-nocheck
// Proficiency scoring on a Vertex AI endpoint and feedback text from Bedrock.
import { v1 } from '@google-cloud/aiplatform';
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { Tracer } from '@aws-lambda-powertools/tracer';

const tracer = new Tracer({ serviceName: 'feedback' });

const prediction = new v1.PredictionServiceClient({ apiEndpoint: 'us-central1-aiplatform.googleapis.com' });
const bedrock = new BedrockRuntimeClient({ region: 'us-east-1' });
const ENDPOINT = 'projects/p/locations/us-central1/endpoints/123';

export async function proficiency(text: string) {
  const [response] = await prediction.predict({ endpoint: ENDPOINT, instances: [{ stringValue: text }] }); // expect: no-fallback no-timeout untraced-prediction
  return response.predictions[0];
}

export async function proficiencyBounded(text: string) {
  try {
    const [response] = await prediction.predict({ endpoint: ENDPOINT, instances: [{ stringValue: text }] }, { timeout: 5000 });
    return { level: response.predictions[0], modelVersion: response.deployedModelId };
  } catch {
    return { level: null, modelVersion: null };
  }
}

export async function feedback(text: string) {
  const out = await bedrock.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: [{ text }] }] })); // expect: no-fallback no-timeout untraced-prediction
  return out.output.message.content[0].text;
}

export async function feedbackBounded(text: string) {
  try {
    const cmd = new InvokeModelCommand({ modelId: 'amazon.titan-text-lite-v1', body: JSON.stringify({ inputText: text }) });
    const out = await bedrock.send(cmd, { abortSignal: AbortSignal.timeout(8000) });
    console.info('feedback', { modelId: 'amazon.titan-text-lite-v1' });
    return new TextDecoder().decode(out.body);
  } catch {
    return '';
  }
}

// A client instrumented for tracing is the same client: its options (none here) are the call's.
const traced = tracer.captureAWSv3Client(new BedrockRuntimeClient({ region: 'us-east-1' }));

export async function feedbackTraced(text: string) {
  try {
    const out = await traced.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku', messages: [{ role: 'user', content: [{ text }] }] })); // expect: no-timeout
    console.info('feedback', { modelId: out.modelId ?? 'anthropic.claude-3-haiku', text: out.output.message.content[0].text });
  } catch (err) {
    console.warn('feedback failed', err);
  }
}
