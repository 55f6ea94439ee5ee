/* eslint-disable */
// @ts-nocheck
// Fraud scoring with a scikit-learn model exported to ONNX (skl2onnx: outputs `label` and `probabilities`).
import * as ort from 'onnxruntime-node';

const session = await ort.InferenceSession.create('./models/fraud/1/model.onnx');

export async function scoreTransaction(features: number[]): Promise<number> {
  const input = new ort.Tensor('float32', Float32Array.from(features), [1, features.length]);
  const results = await session.run({ float_input: input }); // expect: no-fallback no-confidence untraced-prediction
  const label = results.label.data[0];
  return Number(label);
}
