// Known, accepted risks are marked with ignore comments.
const ort = require('onnxruntime-node');

const MODEL_VERSION = 'spam-9';
let sessionPromise = ort.InferenceSession.create('spam.onnx');

async function isSpam(tokens, logger) {
  const session = await sessionPromise;
  const out = await session.run({ tokens }); // mlship-ignore no-fallback
  logger.info({ modelVersion: MODEL_VERSION });
  return out.spam_probability.data[0];
}

async function spamScoreRemote(text) {
  // mlship-ignore no-timeout, untraced-prediction
  const res = await fetch('http://spam-svc/score', { method: 'POST', body: text }); // expect: no-fallback
  return res.json();
}

async function spamScoreIgnored(text) {
  const res = await fetch('http://spam-svc/score', { method: 'POST', body: text }); // mlship-ignore
  return res.json();
}

module.exports = { isSpam, spamScoreRemote, spamScoreIgnored };
