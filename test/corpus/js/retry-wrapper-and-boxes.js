// A hosted model called through a retry helper, and an object detector whose boxes are placed on a canvas: a call
// inside an async function handed to a helper is caught where the helper is awaited; a comparison of a box's
// position is not a score threshold.
const OpenAI = require('openai');
const cocoSsd = require('@tensorflow-models/coco-ssd');

const openai = new OpenAI({ timeout: 20_000 });

async function withRetries(fn, attempts = 3) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

async function summarize(text) {
  try {
    const completion = await withRetries(async () => {
      return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
    });
    return { summary: completion.choices[0].message.content, model: completion.model };
  } catch (err) {
    return { summary: text.slice(0, 200), model: null };
  }
}

async function summarizeUnguarded(text) {
  const completion = await withRetries(async () => {
    return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }); // expect: no-fallback
  });
  return { summary: completion.choices[0].message.content, model: completion.model };
}

let detector;

async function init() {
  detector = await cocoSsd.load();
}

async function watchDesk(video, ctx, warn) {
  const predictions = await detector.detect(video); // expect: no-fallback no-confidence
  for (const p of predictions) {
    ctx.strokeRect(...p.bbox);
    ctx.fillText(p.class, p.bbox[0], p.bbox[1] > 10 ? p.bbox[1] - 5 : 10);
    if (p.class === 'cell phone') warn('Phone on the desk');
  }
}

async function watchDeskSure(video, warn) {
  try {
    const predictions = await detector.detect(video);
    for (const p of predictions) if (p.class === 'cell phone' && p.score > 0.8) warn('Phone on the desk');
  } catch {
    warn('camera unavailable');
  }
}

module.exports = { init, summarize, summarizeUnguarded, watchDesk, watchDeskSure };
