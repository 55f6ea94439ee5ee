// AWS SDK v2 (still common in older Lambdas): httpOptions.timeout bounds the call.
const AWS = require('aws-sdk');

const slowRuntime = new AWS.SageMakerRuntime({ region: 'us-east-1' });
const runtime = new AWS.SageMakerRuntime({ region: 'us-east-1', httpOptions: { timeout: 2000, connectTimeout: 500 } });

async function classify(body) {
  const res = await slowRuntime.invokeEndpoint({ EndpointName: 'intent', Body: body, ContentType: 'application/json' }).promise(); // expect: no-fallback no-timeout untraced-prediction
  return JSON.parse(res.Body.toString());
}

async function classifySafe(body) {
  try {
    const res = await runtime.invokeEndpoint({ EndpointName: 'intent', Body: body, ContentType: 'application/json' }).promise();
    console.log('intent', { modelVersion: res.InvokedProductionVariant });
    return JSON.parse(res.Body.toString());
  } catch (e) {
    return { intent: 'fallback' };
  }
}

module.exports = { classify, classifySafe };
