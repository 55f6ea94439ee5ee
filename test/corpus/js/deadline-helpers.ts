/* eslint-disable */
// @ts-nocheck
// Chat replies bounded by the caller's own deadline: a kept promise raced against a timer, a withTimeout helper,
// p-timeout; and a timeout written into the request body, which the API receives as an unknown parameter.
import OpenAI from 'openai';
import pTimeout from 'p-timeout';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const MODEL = 'gpt-4o-mini';
const REPLY_MS = 1_000;

function withTimeout<T>(p: Promise<T> | (() => Promise<T>), ms: number): Promise<T> {
  return Promise.race([typeof p === 'function' ? p() : p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('reply timed out')), ms))]);
}

export async function replyKept(messages) {
  try {
    const pending = openai.chat.completions.create({ model: MODEL, messages });
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('reply timed out')), REPLY_MS));
    const completion = await Promise.race([pending, timer]);
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}

export async function replyHelper(messages) {
  try {
    const completion = await withTimeout(openai.chat.completions.create({ model: MODEL, messages }), REPLY_MS);
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}

export async function replyLater(messages) {
  try {
    const completion = await withTimeout(() => openai.chat.completions.create({ model: MODEL, messages }), REPLY_MS);
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}

export async function replyKeptHelper(messages) {
  try {
    const pending = openai.chat.completions.create({ model: MODEL, messages });
    const completion = await pTimeout(pending, { milliseconds: REPLY_MS });
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}

export async function replyBodyTimeout(messages) {
  try {
    const completion = await openai.chat.completions.create({ model: MODEL, messages, timeout: REPLY_MS }); // expect: no-timeout
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}

export async function replyOptions(messages) {
  try {
    const completion = await openai.chat.completions.create({ model: MODEL, messages }, { timeout: REPLY_MS });
    return { text: completion.choices[0].message.content, model: completion.model };
  } catch {
    return { text: 'Sorry, try again.', model: null };
  }
}
