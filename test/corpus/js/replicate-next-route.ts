/* eslint-disable */
// @ts-nocheck
// Next.js route handlers generating images and text with Replicate.
import Replicate from 'replicate';
import { NextResponse } from 'next/server';

const replicate = new Replicate({ auth: process.env.REPLICATE_API_TOKEN });
const SDXL = 'stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b';

export async function POST(req: Request) {
  const { prompt } = await req.json();
  const output = await replicate.run(SDXL, { input: { prompt } }); // expect: no-fallback no-timeout untraced-prediction
  return NextResponse.json({ images: output });
}

export async function PUT(req: Request) {
  const { prompt } = await req.json();
  try {
    const output = await replicate.run(SDXL, { input: { prompt }, signal: AbortSignal.timeout(60_000) });
    return NextResponse.json({ images: output, version: SDXL });
  } catch (err) {
    return NextResponse.json({ error: 'generation failed' }, { status: 502 });
  }
}

// A prediction started and handed back whole: the object names the model version it runs.
export async function PATCH(req: Request) {
  const { prompt } = await req.json();
  const prediction = await replicate.predictions.create({ version: SDXL.split(':')[1], input: { prompt } }); // expect: no-fallback no-timeout
  return NextResponse.json(prediction, { status: 201 });
}

// Polling an existing prediction starts no inference.
export async function GET(_req: Request, { params }: { params: { id: string } }) {
  const prediction = await replicate.predictions.get(params.id);
  return NextResponse.json(prediction);
}

// The REST API answers with the same prediction object: handed back whole, it names its version.
export async function startPrediction(req: Request) {
  const { version, input } = await req.json();
  try {
    const res = await fetch('https://api.replicate.com/v1/predictions', { method: 'POST', headers: { Authorization: `Bearer ${process.env.REPLICATE_API_TOKEN}` }, body: JSON.stringify({ version, input }) }); // expect: no-timeout
    const prediction = await res.json();
    return NextResponse.json(prediction, { status: 201 });
  } catch (err) {
    return NextResponse.json({ error: String(err) }, { status: 502 });
  }
}
