// A Vercel function proxying Replicate with node-fetch loaded from CommonJS on first use (node-fetch v3 is ESM only).
const fetch = (...args) => import('node-fetch').then(({ default: fetch }) => fetch(...args));

module.exports = async (req, res) => {
  if (req.method !== 'POST') return res.status(405).send('Method not allowed');
  try {
    const upstream = await fetch('https://api.replicate.com/v1/predictions', { // expect: no-timeout
      method: 'POST',
      headers: { Authorization: `Token ${process.env.REPLICATE_API_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(req.body),
    });
    const prediction = await upstream.json();
    if (!upstream.ok) {
      return res.status(upstream.status).json({ error: prediction.detail || 'Replicate refused the request' });
    }
    res.status(201).json(prediction);
  } catch (err) {
    console.error('replicate proxy failed', err);
    res.status(500).json({ error: 'upstream unavailable' });
  }
};

module.exports.caption = async function caption(req, res) {
  const upstream = await fetch('https://api.replicate.com/v1/predictions', { // expect: no-fallback no-timeout untraced-prediction
    method: 'POST',
    headers: { Authorization: `Token ${process.env.REPLICATE_API_TOKEN}`, Prefer: 'wait' },
    body: JSON.stringify({ version: process.env.BLIP_VERSION, input: { image: req.body.image } }),
  });
  const prediction = await upstream.json();
  if (!upstream.ok) return res.status(upstream.status).json({ error: prediction.error });
  res.json({ caption: prediction.output });
};
