/* eslint-disable */
// @ts-nocheck
// Agent step: a completion raced against a timer inside a retry loop, and promises kept in a name and awaited later.
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 120_000 });
const STEP_TIMEOUT_MS = 30_000;

export async function nextStep(messages: { role: string; content: string }[]) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const pending = openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
      const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('step timed out')), STEP_TIMEOUT_MS));
      const completion = await Promise.race([pending, timer]);
      return completion;
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  throw new Error('no step');
}

export async function title(text: string) {
  const pending = openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Title: ${text}` }] }); // expect: no-fallback untraced-prediction
  const completion = await pending;
  return completion.choices[0].message.content;
}

export async function tags(text: string) {
  const pending = openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Tags: ${text}` }] }); // expect: untraced-prediction
  try {
    const completion = await pending;
    return completion.choices[0].message.content.split(',');
  } catch (err) {
    return [];
  }
}
