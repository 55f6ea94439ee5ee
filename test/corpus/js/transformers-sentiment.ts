/* eslint-disable */
// @ts-nocheck
// Review moderation with a transformers.js sentiment pipeline.
import { pipeline } from '@xenova/transformers';

const classifier = await pipeline('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');

export async function isNegative(review: string): Promise<boolean> {
  const [result] = await classifier(review); // expect: no-fallback no-confidence untraced-prediction
  return result.label === 'NEGATIVE';
}

export async function sentimentWithScore(review: string) {
  const output = await classifier(review, { topk: 1 }); // expect: no-fallback untraced-prediction
  return { score: output[0].score };
}
