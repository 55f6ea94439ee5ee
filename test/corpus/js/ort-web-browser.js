// In-browser digit recognition with onnxruntime-web.
import { InferenceSession, Tensor } from 'onnxruntime-web';

const THRESHOLD = 0.6;
const sessionPromise = InferenceSession.create('/models/mnist.onnx', { executionProviders: ['wasm'] });

function softmax(xs) {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export async function recognize(imageData) {
  const session = await sessionPromise;
  const tensor = new Tensor('float32', imageData, [1, 1, 28, 28]);
  const { Plus214_Output_0: logits } = await session.run({ Input3: tensor }); // expect: no-fallback untraced-prediction
  const probs = softmax(Array.from(logits.data));
  const digit = probs.indexOf(Math.max(...probs));
  const score = probs[digit];
  if (score >= THRESHOLD) {
    return { digit, score };
  }
  return { digit: null, score };
}
