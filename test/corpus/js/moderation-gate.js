// Content moderation before a post is accepted: the moderation model's flags are hard labels, its category scores the
// confidence behind them.
import OpenAI from 'openai';
import axios from 'axios';

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 10_000 });
const LIMIT = 0.6;

export async function canPost(text) {
  try {
    const res = await client.moderations.create({ model: 'omni-moderation-latest', input: text }); // expect: no-confidence untraced-prediction
    const r = res.results[0];
    return { allowed: !r.flagged, categories: r.categories };
  } catch (err) {
    console.error('moderation unavailable', err);
    return { allowed: false, categories: null };
  }
}

export async function canPostScored(text) {
  try {
    const res = await client.moderations.create({ model: 'omni-moderation-latest', input: text });
    const scores = res.results[0].category_scores;
    const worst = Math.max(...Object.values(scores));
    return { allowed: worst < LIMIT, worst, model: res.model };
  } catch (err) {
    console.error('moderation unavailable', err);
    return { allowed: false, worst: null, model: null };
  }
}

export async function moderate(req, res, next) {
  try {
    const response = await axios.post('https://api.openai.com/v1/moderations', { input: req.body.text }, { // expect: no-confidence no-timeout
      headers: { Authorization: `Bearer ${process.env.OPENAI_API_KEY}` },
    });
    if (response.data.results.some((result) => result.flagged)) return res.status(400).json({ error: 'rejected by moderation' });
  } catch (err) {
    console.error('moderation check failed', err);
    return res.status(503).json({ error: 'moderation unavailable' });
  }
  next();
}
