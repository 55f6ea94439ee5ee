/* eslint-disable */
// @ts-nocheck
// Triton client: an axios instance with a timeout, and two older calls that were never migrated to it.
import axios from 'axios';
import pino from 'pino';

const logger = pino();
const TRITON = process.env.TRITON_URL ?? 'http://triton:8000';
const triton = axios.create({ baseURL: TRITON, timeout: 1500 });

export async function classify(pixels: number[]) {
  const { data } = await triton.post('/v2/models/resnet50/infer', { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, pixels.length], data: pixels }] }); // expect: no-fallback
  logger.info({ modelVersion: data.model_version }, 'resnet');
  return data.outputs[0].data;
}

export async function legacyScore(features: number[]) {
  try {
    const { data } = await axios.post(`${TRITON}/v2/models/legacy/infer`, { inputs: features }); // expect: no-timeout
    logger.info({ modelVersion: data.model_version });
    return data.outputs;
  } catch (e) {
    return [];
  }
}

export async function rawAxios(features: number[]) {
  const response = await axios({ method: 'post', url: `${TRITON}/v2/models/legacy/infer`, data: { inputs: features } }); // expect: no-fallback no-timeout untraced-prediction
  return response.data;
}

export async function userSettings(id: string) {
  const { data } = await axios.get(`/api/users/${id}/settings`);
  return data;
}
