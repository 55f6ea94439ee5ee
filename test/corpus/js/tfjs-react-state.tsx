/* eslint-disable */
// @ts-nocheck
// Object detection and image classification in React: models kept in state and in a ref.
import { useEffect, useRef, useState } from 'react';
import * as cocoSsd from '@tensorflow-models/coco-ssd';
import * as mobilenet from '@tensorflow-models/mobilenet';
import '@tensorflow/tfjs';

export function Detector({ video }: { video: HTMLVideoElement }) {
  const [model, setModel] = useState<cocoSsd.ObjectDetection | null>(null);
  const [objects, setObjects] = useState<string[]>([]);

  useEffect(() => {
    cocoSsd.load().then(setModel);
  }, []);

  // The button is enabled once the model is loaded.
  async function detectFrame() {
    const predictions = await model.detect(video); // expect: no-fallback
    setObjects(predictions.filter((p) => p.score > 0.66).map((p) => p.class));
  }

  return <button disabled={!model} onClick={detectFrame}>{objects.join(', ')}</button>;
}

export function Classifier({ image }: { image: HTMLImageElement }) {
  const net = useRef<mobilenet.MobileNet | null>(null);
  const [answer, setAnswer] = useState('');

  useEffect(() => {
    (async () => {
      net.current = await mobilenet.load();
    })();
  }, []);

  const classify = async () => {
    const [top] = await net.current.classify(image); // expect: no-fallback no-confidence
    setAnswer(top.className);
  };

  const classifyWithScore = async () => {
    try {
      const [top] = await net.current.classify(image);
      setAnswer(`${top.className} (${Math.round(top.probability * 100)}%)`);
    } catch {
      setAnswer('unavailable');
    }
  };

  return <div onClick={classify} onDoubleClick={classifyWithScore}>{answer}</div>;
}
