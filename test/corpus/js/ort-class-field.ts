/* eslint-disable */
// @ts-nocheck
// A classifier service that keeps its ONNX session in a class field.
import * as ort from 'onnxruntime-node';
import { metrics } from '../telemetry';

const LABELS = ['cat', 'dog', 'bird'];

export class ImageClassifier {
  private session: ort.InferenceSession | null = null;
  private readonly modelVersion = 'resnet18-v3';

  async load(path: string): Promise<void> {
    this.session = await ort.InferenceSession.create(path);
  }

  async classify(pixels: Float32Array): Promise<string> {
    const feeds = { input: new ort.Tensor('float32', pixels, [1, 3, 224, 224]) };
    try {
      const output = await this.session!.run(feeds); // expect: no-fallback no-confidence
      const logits = output.logits.data as Float32Array;
      const best = logits.reduce((bi, v, i, arr) => (v > arr[bi] ? i : bi), 0);
      metrics.increment('classify', { model_version: this.modelVersion });
      return LABELS[best];
    } catch (err) {
      console.error('classification failed', err);
      throw err;
    }
  }
}
