/* eslint-disable */
// @ts-nocheck
// Hosted-model proxies and chat bots: answers handed on whole (they name their model), replies sent by bots, and
// framework HTTP errors thrown from a catch.
import { error, json } from '@sveltejs/kit';
import { Bot } from 'grammy';
import { HTTPException } from 'hono/http-exception';
import OpenAI from 'openai';

const openai = new OpenAI({ timeout: 20_000 });
const bot = new Bot(process.env.BOT_TOKEN);

// A Netlify-style proxy: Anthropic's answer goes back whole, with its `model`.
export async function claude(req: Request): Promise<Response> {
  const body = await req.json();
  const response = await fetch('https://api.anthropic.com/v1/messages', { // expect: no-fallback no-timeout
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  return new Response(JSON.stringify(data), { headers: { 'content-type': 'application/json' } });
}

// The same proxy answering with the text only: the model that wrote it is gone.
export async function claudeText(req: Request): Promise<Response> {
  const body = await req.json();
  try {
    const response = await fetch('https://api.anthropic.com/v1/messages', { // expect: untraced-prediction
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const data = await response.json();
    return Response.json({ text: data.content[0].text });
  } catch (err) {
    console.error('claude failed', err);
    return Response.json({ text: '' }, { status: 503 });
  }
}

// SvelteKit: the error thrown is the route's HTTP 502 answer.
export async function POST({ request }) {
  try {
    const res = await openai.chat.completions.create(await request.json());
    return json(res);
  } catch (e) {
    console.error('completion failed', e);
    throw error(502, 'the model is unavailable');
  }
}

// Hono: the same with HTTPException; rethrowing a plain Error answers nothing.
export async function hono(prompt: string) {
  try {
    return await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
  } catch (e) {
    throw new HTTPException(503, { message: 'model unavailable' });
  }
}

export async function plain(prompt: string) {
  try {
    return await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }); // expect: no-fallback
  } catch (e) {
    console.error('querying model: failed', e);
    throw new Error('model unavailable');
  }
}

// A Telegram bot's reply is the answer sent; a log line naming "model:" records no version.
bot.on('message:text', async (ctx) => {
  const completion = await openai.chat.completions.create({ // expect: no-fallback untraced-prediction
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: ctx.msg.text }],
  });
  console.log('answered by model:', 'gpt');
  await ctx.reply(completion.choices[0].message.content);
});
