// Lambda handler that calls a SageMaker endpoint with a request timeout and falls back to a rule.
const { SageMakerRuntimeClient, InvokeEndpointCommand } = require('@aws-sdk/client-sagemaker-runtime');

const runtime = new SageMakerRuntimeClient({ requestHandler: { requestTimeout: 1500, httpsAgent: { maxSockets: 50 } } });

exports.handler = async (event) => {
  const features = JSON.parse(event.body);
  let score;
  try {
    const out = await runtime.send(new InvokeEndpointCommand({ EndpointName: process.env.ENDPOINT, ContentType: 'application/json', Body: JSON.stringify(features) }));
    score = JSON.parse(Buffer.from(out.Body).toString()).score;
    console.log(JSON.stringify({ event: 'score', modelVersion: out.InvokedProductionVariant, score }));
  } catch (err) {
    score = features.amount > 1000 ? 0.9 : 0.1;
  }
  return { statusCode: 200, body: JSON.stringify({ score }) };
};

exports.batch = async (event) => {
  const out = await runtime.send(new InvokeEndpointCommand({ EndpointName: process.env.ENDPOINT, Body: event.body }), { abortSignal: AbortSignal.timeout(2000) }); // expect: no-fallback untraced-prediction
  return { statusCode: 200, body: Buffer.from(out.Body).toString() };
};
