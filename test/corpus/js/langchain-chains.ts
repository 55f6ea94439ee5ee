// LangChain.js: a chat model invoked directly, through prompt.pipe(model).pipe(parser) and RunnableSequence.from.
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableSequence } from '@langchain/core/runnables';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';

const model = new ChatOpenAI({ model: 'gpt-4o-mini', temperature: 0 });
const bounded = new ChatOpenAI({ model: 'gpt-4o-mini', timeout: 20000, maxRetries: 1 });
const local = new ChatOllama({ model: 'llama3', baseUrl: process.env.OLLAMA_URL });
const prompt = ChatPromptTemplate.fromTemplate('Summarize in one sentence: {text}');

export async function summarize(text: string): Promise<string> {
  const chain = prompt.pipe(model).pipe(new StringOutputParser());
  return chain.invoke({ text }); // expect: no-fallback no-timeout untraced-prediction
}

export async function title(text: string): Promise<string> {
  const message = await model.invoke(`Give this a short title: ${text}`); // expect: no-fallback no-timeout untraced-prediction
  return String(message.content);
}

export async function summarizeSafely(text: string): Promise<{ summary: string; modelVersion: string | null }> {
  const boundedSummary = prompt.pipe(bounded).pipe(new StringOutputParser());
  try {
    const summary = await boundedSummary.invoke({ text });
    return { summary, modelVersion: bounded.model };
  } catch (err) {
    console.error('summary failed', err);
    return { summary: text.slice(0, 200), modelVersion: null };
  }
}

export async function keywords(text: string): Promise<string> {
  const chain = RunnableSequence.from([prompt, local, new StringOutputParser()]);
  return chain.invoke({ text }); // expect: no-fallback no-timeout untraced-prediction
}
