/* eslint-disable */
// @ts-nocheck
// Client-side image classification with tfjs-models/mobilenet inside a React component.
import * as mobilenet from '@tensorflow-models/mobilenet';
import '@tensorflow/tfjs';
import { useEffect, useRef, useState } from 'react';

export function ImageClassifier() {
  const modelRef = useRef<mobilenet.MobileNet | null>(null);
  const [prediction, setPrediction] = useState<string>('');

  useEffect(() => {
    mobilenet.load({ version: 2, alpha: 1.0 }).then((m) => {
      modelRef.current = m;
    });
  }, []);

  const onImage = async (img: HTMLImageElement) => {
    const model = await mobilenet.load();
    const predictions = await model.classify(img); // expect: no-fallback no-confidence
    setPrediction(predictions[0].className);
  };

  return <ImageDrop onImage={onImage} label={prediction} />;
}
