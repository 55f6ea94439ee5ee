/* eslint-disable */
// @ts-nocheck
// A skl2onnx model (zipmap disabled): hard label plus probabilities, compared to a configured minimum.
import * as ort from 'onnxruntime-node';
import { config } from './config';
import { audit } from './audit';

const session = await ort.InferenceSession.create(config.modelPath);

export async function approve(row: Float32Array): Promise<'approve' | 'reject' | 'review'> {
  try {
    const results = await session.run({ input: new ort.Tensor('float32', row, [1, row.length]) });
    const label = results['output_label'].data[0];
    const probability = Math.max(...(results.output_probability.data as Float32Array));
    audit.record('approval', { modelVersion: config.modelVersion, label, probability });
    if (probability < config.minConfidence) return 'review';
    return label === 1n ? 'approve' : 'reject';
  } catch {
    return 'review';
  }
}

export async function approveUnchecked(row: Float32Array) {
  try {
    const { output_label } = await session.run({ input: new ort.Tensor('float32', row, [1, row.length]) }); // expect: no-confidence
    audit.record('approval', { modelVersion: config.modelVersion });
    return output_label.data[0] === 1n ? 'approve' : 'reject';
  } catch {
    return 'review';
  }
}
