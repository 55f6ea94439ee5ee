// Hosted inference endpoints that are not /predict-shaped, called with fetch and axios.
const axios = require('axios');

const HF_API = 'https://api-inference.huggingface.co/models/distilbert-base-uncased-finetuned-sst-2-english';
const OLLAMA = process.env.OLLAMA_HOST || 'http://localhost:11434';

async function sentiment(text) {
  const res = await fetch(HF_API, { method: 'POST', headers: { Authorization: `Bearer ${process.env.HF_TOKEN}` }, body: JSON.stringify({ inputs: text }) }); // expect: no-fallback no-timeout untraced-prediction
  return res.json();
}

async function routerChat(messages) {
  const res = await fetch('https://router.huggingface.co/v1/chat/completions', { // expect: no-fallback no-timeout untraced-prediction
    method: 'POST',
    body: JSON.stringify({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages }),
  });
  const body = await res.json();
  return body.choices[0].message.content;
}

async function localLlm(prompt) {
  try {
    const { data } = await axios.post(`${OLLAMA}/api/generate`, { model: 'llama3', prompt, stream: false }, { timeout: 2000 });
    return { text: data.response, model: data.model };
  } catch (err) {
    return { text: '', model: null };
  }
}

async function groqChat(messages) {
  const { data } = await axios.post('https://api.groq.com/openai/v1/chat/completions', { model: 'llama3-8b-8192', messages }); // expect: no-fallback no-timeout untraced-prediction
  return data.choices[0].message.content;
}

async function startImage(prompt) {
  const res = await fetch(`${process.env.REPLICATE_HOST}/v1/predictions`, { // expect: no-fallback no-timeout
    method: 'POST',
    body: JSON.stringify({ version: process.env.SDXL_VERSION, input: { prompt } }),
  });
  const prediction = await res.json();
  console.log('started', prediction.id);
}

// Polling a prediction that was already started: not inference.
async function poll(id) {
  const res = await fetch(`https://api.replicate.com/v1/predictions/${id}`, { headers: { Authorization: `Token ${process.env.REPLICATE_API_TOKEN}` } });
  return res.json();
}

async function vertexRest(instances, token) {
  const url = `https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/42:predict`;
  const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ instances }), signal: AbortSignal.timeout(2000) }); // expect: no-fallback
  const { predictions, deployedModelId } = await res.json();
  return { predictions, deployedModelId };
}

// URLs whose names say where they point: environment variables, options objects, configuration.
async function score(features) {
  const res = await fetch(process.env.PREDICTION_ENDPOINT, { method: 'POST', body: JSON.stringify(features) }); // expect: no-fallback no-timeout
  const out = await res.json();
  console.log(out.score);
}

async function scoreWithOptions(features, config) {
  const options = { url: config.scoringApi, method: 'post', data: features };
  try {
    const { data } = await axios(options); // expect: no-timeout untraced-prediction
    return data;
  } catch {
    return null;
  }
}

// Downloading model weights is not a prediction.
async function downloadModel(config) {
  const modelUrl = config.modelUrl;
  const bytes = await (await fetch(modelUrl)).arrayBuffer();
  return new Uint8Array(bytes);
}

// Ordinary APIs.
async function profile(userId) {
  try {
    const res = await axios.get(`https://api.example.com/users/${userId}`, { timeout: 500 });
    return res.data;
  } catch {
    return null;
  }
}

module.exports = { sentiment, routerChat, localLlm, groqChat, startImage, poll, vertexRest, score, scoreWithOptions, downloadModel, profile };
