// Ticket triage with three hosted-model SDKs: Groq (OpenAI-compatible), Mistral and Cohere.
const Groq = require('groq-sdk');
const { Mistral } = require('@mistralai/mistralai');
const { CohereClient } = require('cohere-ai');

const groq = new Groq({ apiKey: process.env.GROQ_API_KEY });
const mistral = new Mistral({ apiKey: process.env.MISTRAL_API_KEY, timeoutMs: 10000 });
const cohere = new CohereClient({ token: process.env.COHERE_API_KEY });

async function draftAnswer(ticket) {
  const chat = await groq.chat.completions.create({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: ticket.body }] }); // expect: no-fallback no-timeout untraced-prediction
  return chat.choices[0].message.content;
}

async function summarize(ticket) {
  try {
    const res = await mistral.chat.complete({ model: 'mistral-small-latest', messages: [{ role: 'user', content: ticket.body }] });
    return { summary: res.choices[0].message.content, model: res.model };
  } catch (err) {
    console.error('summary failed', err);
    return { summary: ticket.body.slice(0, 200), model: null };
  }
}

async function route(ticket) {
  const res = await cohere.classify({ inputs: [ticket.body], examples: EXAMPLES }); // expect: no-fallback no-timeout no-confidence untraced-prediction
  const queue = res.classifications[0].prediction;
  return ticket.priority > 2 ? 'urgent' : res.classifications[0].label ?? queue;
}

async function routeBounded(ticket) {
  try {
    const res = await cohere.classify({ inputs: [ticket.body], examples: EXAMPLES }, { timeoutInSeconds: 5 }); // expect: untraced-prediction
    const top = res.classifications[0];
    if (top.confidence < 0.6) return 'human-review';
    return top.label;
  } catch {
    return 'human-review';
  }
}

const EXAMPLES = [];

module.exports = { draftAnswer, summarize, route, routeBounded };
