/* eslint-disable */
// @ts-nocheck
// A React hook that runs a transformers.js classifier in the browser, kept in a ref between renders.
import { pipeline, type TextClassificationPipeline } from '@huggingface/transformers';
import { useCallback, useRef, useState } from 'react';

const MIN_SCORE = 0.8;

export function useSentiment() {
  const classifier = useRef<TextClassificationPipeline | null>(null);
  const [mood, setMood] = useState<string>('neutral');

  const analyze = useCallback(async (text: string) => {
    classifier.current ??= await pipeline('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
    try {
      const [top] = await classifier.current(text); // shown on the page only: not reported (untraced-prediction)
      setMood(top.score >= MIN_SCORE ? top.label.toLowerCase() : 'neutral');
    } catch {
      setMood('neutral');
    }
  }, []);

  const analyzeFast = useCallback(async (text: string) => {
    const clf = classifier.current;
    if (!clf) return;
    const result = await clf(text); // expect: no-fallback no-confidence
    setMood(result[0].label.toLowerCase());
  }, []);

  return { mood, analyze, analyzeFast };
}

export function MoodBadge({ text }: { text: string }) {
  const { mood, analyze } = useSentiment();
  return (
    <button type="button" onClick={() => analyze(text)}>
      {mood}
    </button>
  );
}
