/* eslint-disable */
// @ts-nocheck
// Tutoring assistant: OpenAI Assistants runs streamed to the page, and one polled to completion with a fallback.
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const ASSISTANT_ID = process.env.ASSISTANT_ID;

export async function POST(request: Request) {
  const { threadId } = await request.json();
  const run = await openai.beta.threads.runs.create(threadId, { assistant_id: ASSISTANT_ID, stream: true }); // expect: no-fallback no-timeout untraced-prediction
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    async start(controller) {
      for await (const event of run) {
        if (event.event === 'thread.message.delta') controller.enqueue(encoder.encode(event.data.delta.content[0].text.value));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

export async function answerWithTools(threadId: string, runId: string, toolOutputs: { tool_call_id: string; output: string }[]) {
  try {
    const run = await openai.beta.threads.runs.submitToolOutputsAndPoll(threadId, runId, { tool_outputs: toolOutputs }, { timeout: 60_000 });
    const messages = await openai.beta.threads.messages.list(threadId, { run_id: run.id });
    return { text: messages.data[0]?.content, model: run.model, assistant: run.assistant_id };
  } catch (err) {
    return { text: null, error: 'the tutor is unavailable, try again' };
  }
}
