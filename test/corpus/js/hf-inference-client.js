// Comment moderation with the Hugging Face Inference API client.
import { HfInference, textGeneration } from '@huggingface/inference';

const hf = new HfInference(process.env.HF_TOKEN);

// A command-line check: the labels and scores are printed, nothing else happens with them.
const sample = await hf.textClassification({ model: 'unitary/toxic-bert', inputs: 'you are great' }); // expect: no-fallback no-timeout
console.log(sample);

export async function moderate(comment) {
  const [top] = await hf.textClassification({ model: 'unitary/toxic-bert', inputs: comment }); // expect: no-fallback no-timeout no-confidence
  if (top.label === 'toxic') return { allowed: false };
  return { allowed: true };
}

export async function moderateWithScore(comment) {
  try {
    const result = await hf.textClassification({ model: 'unitary/toxic-bert', inputs: comment }, { signal: AbortSignal.timeout(3000) });
    const toxic = result.find((r) => r.label === 'toxic');
    return { allowed: !toxic || toxic.score < 0.8, model: 'unitary/toxic-bert' };
  } catch (err) {
    console.warn('moderation unavailable', err);
    return { allowed: true, model: null };
  }
}

export async function suggestReply(thread) {
  try {
    const out = await textGeneration({ accessToken: process.env.HF_TOKEN, model: 'gpt2', inputs: thread }, { signal: AbortSignal.timeout(8000) }); // expect: untraced-prediction
    return out.generated_text;
  } catch {
    return '';
  }
}
