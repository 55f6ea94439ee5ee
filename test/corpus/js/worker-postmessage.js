// A web worker running a transformers.js classifier for the page.
import { pipeline } from '@xenova/transformers';

let classifier;

self.onmessage = async (event) => {
  classifier ??= await pipeline('sentiment-analysis');
  const output = await classifier(event.data.text); // expect: no-fallback untraced-prediction
  self.postMessage({ status: 'complete', output });
};

self.addEventListener('message', async (event) => {
  if (event.data.type !== 'versioned') return;
  try {
    const output = await classifier(event.data.text);
    self.postMessage({ status: 'complete', output, model: 'distilbert-sst2@1' });
  } catch (err) {
    self.postMessage({ status: 'error', message: String(err) });
  }
});
