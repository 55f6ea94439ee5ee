/* eslint-disable */
// @ts-nocheck
// Browser image classifier with a Keras model converted to tfjs layers format.
import * as tf from '@tensorflow/tfjs';

const CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];
let model: tf.LayersModel;

export async function loadModel(): Promise<void> {
  model = await tf.loadLayersModel('/models/flowers/model.json');
}

export function classify(img: HTMLImageElement): string {
  const input = tf.browser.fromPixels(img).resizeBilinear([224, 224]).toFloat().div(255).expandDims(0);
  const prediction = model.predict(input) as tf.Tensor; // expect: no-fallback no-confidence untraced-prediction
  const classIndex = prediction.argMax(-1).dataSync()[0];
  return CLASSES[classIndex];
}

export function classifySafely(img: HTMLImageElement): string {
  const input = tf.browser.fromPixels(img).resizeBilinear([224, 224]).toFloat().div(255).expandDims(0);
  try {
    const probs = (model.predict(input) as tf.Tensor).dataSync();
    const idx = tf.argMax(probs).dataSync()[0];
    console.info('flower', { modelVersion: 'flowers-7', idx });
    if (probs[idx] < 0.5) return 'unknown';
    return CLASSES[idx];
  } catch (e) {
    return 'unknown';
  }
}
