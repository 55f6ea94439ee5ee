/* eslint-disable */
// @ts-nocheck
// Zero-shot tagging with @huggingface/transformers: keep only confident labels; log the model revision.
import { pipeline } from '@huggingface/transformers';
import { log } from './log';

const MODEL_REVISION = 'v1.2.0';
const CONFIDENCE_THRESHOLD = 0.85;
const tagger = await pipeline('zero-shot-classification', 'Xenova/mobilebert-uncased-mnli', { revision: MODEL_REVISION });

export async function tagTicket(text: string, tags: string[]): Promise<string[]> {
  try {
    const out = await tagger(text, tags, { multi_label: true });
    log('tagger', { version: MODEL_REVISION, n: out.labels.length });
    return out.labels.filter((_label, i) => out.scores[i] >= CONFIDENCE_THRESHOLD);
  } catch (err) {
    log('tagger failed', err);
    return [];
  }
}

export async function detectLanguage(text: string) {
  const langId = await pipeline('text-classification', 'Xenova/xlm-roberta-base-language-detection');
  try {
    const [best] = await langId(text);
    log('language', { version: MODEL_REVISION });
    return best.score > 0.9 ? best.label : 'und';
  } catch {
    return 'und';
  }
}
