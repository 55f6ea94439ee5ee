/* eslint-disable */
// @ts-nocheck
// House-price regression with tfjs-node: regression outputs never need a confidence threshold.
import * as tfn from '@tensorflow/tfjs-node';

const housePriceModel = await tfn.loadLayersModel('file://./models/house-price/model.json');

export function estimatePrice(features: number[]): number {
  const x = tfn.tensor2d([features]);
  const y = housePriceModel.predict(x) as tfn.Tensor; // expect: no-fallback untraced-prediction
  return y.dataSync()[0];
}

export async function estimateBatch(rows: number[][]): Promise<number[]> {
  try {
    const y = housePriceModel.predict(tfn.tensor2d(rows)) as tfn.Tensor;
    console.log('batch estimate', { model_version: 'hp-2024-05', rows: rows.length });
    return Array.from(await y.data());
  } catch {
    return rows.map(() => NaN);
  }
}
