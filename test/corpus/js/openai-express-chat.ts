/* eslint-disable */
// @ts-nocheck
// Support assistant: an Express API in front of an OpenAI-compatible model, and a NestJS-style service.
import express from 'express';
import OpenAI from 'openai';

const app = express();
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const bounded = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 20_000, maxRetries: 1 });
const MODEL = 'gpt-4o-mini';

app.post('/api/reply', async (req, res) => {
  const completion = await client.chat.completions.create({ // expect: no-fallback no-timeout untraced-prediction
    model: MODEL,
    messages: [{ role: 'user', content: req.body.message }],
  });
  res.json({ reply: completion.choices[0].message.content });
});

app.post('/api/summary', async (req, res) => {
  try {
    const completion = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: 'user', content: `Summarize: ${req.body.text}` }] },
      { timeout: 15_000 },
    );
    res.json({ summary: completion.choices[0].message.content, model: completion.model });
  } catch (err) {
    res.status(503).json({ error: 'summary unavailable' });
  }
});

export async function embed(texts: string[]): Promise<number[][]> {
  const out = await bounded.embeddings.create({ model: 'text-embedding-3-small', input: texts }); // expect: no-fallback untraced-prediction
  return out.data.map((d) => d.embedding);
}

export async function illustrate(prompt: string) {
  const image = await client.images.generate({ prompt, size: '512x512' }); // expect: no-fallback no-timeout untraced-prediction
  return image.data[0].url;
}

export class ChatService {
  private readonly openai: OpenAI;

  constructor(private readonly messages: { save(m: object): Promise<void> }) {
    this.openai = new OpenAI({ timeout: 30_000 });
  }

  async answer(chatId: string, question: string): Promise<string> {
    const res = await this.openai.responses.create({ model: MODEL, input: question }); // expect: no-fallback
    await this.messages.save({ chatId, text: res.output_text, model: res.model });
    return res.output_text;
  }
}

// Not inference: listing models and reading a file upload.
export async function housekeeping() {
  const models = await client.models.list();
  const files = await client.files.list();
  return { models, files };
}

app.listen(3000);
