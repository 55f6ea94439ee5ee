// Express gateway that forwards scoring requests to a model server.
const express = require('express');

const MODEL_URL = process.env.MODEL_URL || 'http://model-server:8080';
const router = express.Router();

router.post('/loan-decision', async (req, res) => {
  const response = await fetch(`${MODEL_URL}/predict`, { // expect: no-fallback no-timeout untraced-prediction
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: [req.body] }),
  });
  const { predictions } = await response.json();
  res.json({ approved: predictions[0] === 1 });
});

router.get('/health', async (_req, res) => {
  const r = await fetch(`${MODEL_URL}/healthz`);
  res.status(r.ok ? 200 : 503).end();
});

module.exports = router;
