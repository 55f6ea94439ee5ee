// Fraud scoring through request-promise (request's promise API) to a model server.
const rp = require('request-promise');

const MODEL_URL = process.env.FRAUD_MODEL_URL || 'http://127.0.0.1:8501';

async function score(features) {
  const options = {
    method: 'POST',
    uri: `${MODEL_URL}/predict`,
    body: { instances: [features] },
    json: true,
  };
  const res = await rp(options); // expect: no-fallback no-timeout untraced-prediction
  return res.score;
}

async function scoreBounded(features) {
  try {
    const res = await rp({ method: 'POST', uri: `${MODEL_URL}/predict`, body: { instances: [features] }, json: true, timeout: 2000 });
    return { score: res.score, modelVersion: res.model_version };
  } catch (err) {
    console.warn('fraud model unavailable', err.message);
    return { score: null, modelVersion: null };
  }
}

function scoreLater(features) {
  return rp.post(`${MODEL_URL}/predict`, { body: { instances: [features] }, json: true }) // expect: no-timeout untraced-prediction
    .then((res) => ({ score: res.score }))
    .catch((err) => {
      console.warn('fraud model unavailable', err.message);
      return { score: null };
    });
}

module.exports = { score, scoreBounded, scoreLater };
