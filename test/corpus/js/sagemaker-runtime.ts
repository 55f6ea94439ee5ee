/* eslint-disable */
// @ts-nocheck
// Calls a SageMaker real-time endpoint with the AWS SDK v3.
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const client = new SageMakerRuntimeClient({ region: 'eu-west-1' });
const fastClient = new SageMakerRuntimeClient({
  region: 'eu-west-1',
  requestHandler: new NodeHttpHandler({ connectionTimeout: 200, requestTimeout: 1000 }),
});

export async function predictChurn(features: number[]): Promise<number> {
  const command = new InvokeEndpointCommand({
    EndpointName: 'churn-xgb-prod',
    ContentType: 'text/csv',
    Body: Buffer.from(features.join(',')),
  });
  const response = await client.send(command); // expect: no-fallback no-timeout untraced-prediction
  return Number(new TextDecoder().decode(response.Body));
}

export async function predictChurnFast(features: number[]): Promise<number | null> {
  try {
    const response = await fastClient.send(
      new InvokeEndpointCommand({ EndpointName: 'churn-xgb-prod', ContentType: 'text/csv', Body: Buffer.from(features.join(',')) }),
    );
    console.info('churn', { modelVersion: response.InvokedProductionVariant });
    return Number(new TextDecoder().decode(response.Body));
  } catch {
    return null;
  }
}
