// A polite-writing checker in the browser: transformers.js straight from a CDN, no bundler.
import { pipeline, env } from 'https://cdn.jsdelivr.net/npm/@xenova/transformers@2.17.2';
import { pipeline as forkPipeline } from '@sroussey/transformers';

env.allowLocalModels = false;
const classifier = await pipeline('text-classification', 'Intel/polite-guard');
const embedder = await forkPipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2');

export async function politeness(text) {
  const output = await classifier(text); // expect: no-fallback no-confidence untraced-prediction
  return output[0].label;
}

document.querySelector('#check').addEventListener('click', async () => {
  const text = document.querySelector('#input').value;
  try {
    const [top] = await classifier(text);
    document.querySelector('#result').textContent = `${top.label} (${(top.score * 100).toFixed(1)}%)`;
  } catch (err) {
    document.querySelector('#result').textContent = 'Model unavailable';
  }
});

export async function vector(text) {
  const out = await embedder(text, { pooling: 'mean', normalize: true }); // expect: no-fallback untraced-prediction
  return Array.from(out.data);
}
