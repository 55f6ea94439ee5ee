// Node backend calling a SageMaker-style container directly with got and undici.
import got from 'got';
import { request, fetch as undiciFetch } from 'undici';

const CONTAINER = 'http://localhost:8080';

export async function invokeWithGot(payload) {
  const body = await got.post(`${CONTAINER}/invocations`, { json: payload }).json(); // expect: no-fallback no-timeout untraced-prediction
  return body;
}

export async function invokeWithGotTimeout(payload, logger) {
  try {
    const body = await got.post(`${CONTAINER}/invocations`, { json: payload, timeout: { request: 1000 } }).json();
    logger.info({ modelVersion: body.modelVersion });
    return body;
  } catch {
    return null;
  }
}

export async function invokeWithUndici(payload) {
  const { body } = await request(`${CONTAINER}/invocations`, { method: 'POST', body: JSON.stringify(payload) }); // expect: no-fallback no-timeout untraced-prediction
  return body.json();
}

export async function invokeWithUndiciTimeouts(payload, logger) {
  try {
    const { body } = await request(`${CONTAINER}/invocations`, { method: 'POST', body: JSON.stringify(payload), headersTimeout: 500, bodyTimeout: 500 });
    const out = await body.json();
    logger.info({ modelVersion: out.model_version });
    return out;
  } catch {
    return null;
  }
}

export async function invokeWithUndiciFetch(payload) {
  const res = await undiciFetch(`${CONTAINER}/invocations`, { method: 'POST', body: JSON.stringify(payload), signal: AbortSignal.timeout(400) }); // expect: no-fallback untraced-prediction
  return res.json();
}

export async function ping() {
  return got(`${CONTAINER}/ping`).text();
}
