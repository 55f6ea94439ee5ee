/* eslint-disable */
// @ts-nocheck
// Next.js API route proxying to a BentoML service.
import type { NextApiRequest, NextApiResponse } from 'next';

const BENTO_URL = process.env.BENTO_URL ?? 'http://bento:3000';

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  // mlship-ignore no-timeout
  const upstream = await fetch(`${BENTO_URL}/predict`, { method: 'POST', body: JSON.stringify(req.body) }).catch(() => null); // expect: untraced-prediction
  if (!upstream) return res.status(200).json({ label: 'default' });
  const data = await upstream.json();
  res.status(200).json(data);
}
