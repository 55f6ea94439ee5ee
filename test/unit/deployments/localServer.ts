// The local server on the credit-risk fixture model with its logs in `dir`, as several tests start it; and a check
// that a port is free again.
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { startModelServer, type RunningServer } from '../../../src/serve/server';

export const CREDIT_MODEL = join(resolve(__dirname, '..', '..', '..'), 'test', 'fixtures', 'models', 'credit-risk-v2.onnx');
export const CREDIT_FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];

export function startCreditServer(dir: string): Promise<RunningServer> {
  return startModelServer({
    modelPath: CREDIT_MODEL,
    modelName: 'credit-risk',
    modelVersion: '2',
    predictionLog: join(dir, 'predictions.jsonl'),
    feedbackLog: join(dir, 'feedback.jsonl'),
    featureNames: CREDIT_FEATURES,
    classLabels: ['0', '1'],
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** Waits until `check` holds (the local server writes its logs in batches, a few ms after answering). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Gave up waiting: ${what}`);
}
