/* eslint-disable */
// @ts-nocheck
// Webcam classification loops that write each frame's top class into an element held by a React ref, once the
// element is mounted (`if (ref.current)`). The test of the element decides nothing about the prediction.
import * as mobilenet from '@tensorflow-models/mobilenet';
import * as tf from '@tensorflow/tfjs';
import { useEffect, useRef } from 'react';

/** A caption session ends after this many frames (about ten seconds). */
const CAPTION_FRAMES = 600;

// The class and its probability are shown together: the viewer sees how sure the model is.
export function LiveCaption({ video }) {
  const caption = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let stop = false;
    (async () => {
      const net = await mobilenet.load();
      const webcam = await tf.data.webcam(video);
      for (let frame = 0; frame < CAPTION_FRAMES && !stop; frame++) {
        const img = await webcam.capture();
        const result = await net.classify(img); // expect: no-fallback
        if (caption.current) {
          caption.current.innerText = `${result[0].className} (${(result[0].probability * 100).toFixed(1)}%)`;
        }
        img.dispose();
        await tf.nextFrame();
      }
    })();
    return () => {
      stop = true;
    };
  }, [video]);
  return <div ref={caption} />;
}

// The class alone is the app's answer on the page: shown as certain whatever its probability.
export async function labelFrames(webcam, label) {
  const net = await mobilenet.load();
  for (;;) {
    const img = await webcam.capture();
    const top = await net.classify(img, 1); // expect: no-fallback no-confidence
    if (label.current) label.current.textContent = top[0].className;
    img.dispose();
    await tf.nextFrame();
  }
}

export function LiveLabel({ video }) {
  const label = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    (async () => labelFrames(await tf.data.webcam(video), label))();
  }, [video]);
  return <span ref={label} />;
}
