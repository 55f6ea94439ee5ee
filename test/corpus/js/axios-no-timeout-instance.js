// Credit scoring client built on an axios instance without a default timeout.
const axios = require('axios');

const scoring = axios.create({ baseURL: 'https://scoring.internal/api' });

async function scoreApplicant(applicant) {
  const res = await scoring.post('/predict', applicant); // expect: no-fallback no-timeout untraced-prediction
  return res.data.probability;
}

async function scoreApplicantWithTimeout(applicant, log) {
  try {
    const res = await scoring.post('/predict', applicant, { timeout: 2000 });
    log.info('score', { model_version: res.headers['x-model-version'] });
    return res.data.probability;
  } catch {
    return null;
  }
}

module.exports = { scoreApplicant, scoreApplicantWithTimeout };
