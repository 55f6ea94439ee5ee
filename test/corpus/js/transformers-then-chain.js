// Browser extension content script: classify the selected text with a promise chain.
import { pipeline } from '@huggingface/transformers';

const toxicityPromise = pipeline('text-classification', 'Xenova/toxic-bert');

export function checkSelection(text, render) {
  return toxicityPromise
    .then((toxicity) => toxicity(text)) // expect: no-confidence untraced-prediction
    .then(([top]) => render(top.label))
    .catch(() => render('unknown'));
}

export async function checkComment(text) {
  const toxicity = await toxicityPromise;
  const out = await toxicity(text).catch((err) => { // expect: no-fallback untraced-prediction
    console.warn('toxicity model failed', err);
    throw err;
  });
  return out;
}
