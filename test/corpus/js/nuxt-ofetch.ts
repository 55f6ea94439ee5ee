/* eslint-disable */
// @ts-nocheck
// Nuxt server utilities calling a model server with ofetch: Nuxt's auto-imported `$fetch`, and `ofetch` imported.
import { ofetch } from 'ofetch';

const SPACE_URL = 'https://demo-space.hf.space/run/predict';

export async function stylize(image: string) {
  try {
    const out = await $fetch(SPACE_URL, { method: 'POST', body: { data: [image] }, timeout: 120_000 });
    return { image: out.data[0], model: 'style-space@3' };
  } catch (err) {
    console.error('style space failed', err);
    return { image, model: null };
  }
}

export async function caption(image: string) {
  const out = await $fetch(SPACE_URL, { method: 'POST', body: { data: [image] } }); // expect: no-fallback no-timeout untraced-prediction
  return out.data[0];
}

export async function tags(image: string) {
  const out = await ofetch('http://tagger.internal:8080/predict', { method: 'POST', body: { image } }); // expect: no-fallback no-timeout untraced-prediction
  return out.tags;
}
