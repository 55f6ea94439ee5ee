// The simple inference request read from its bytes (readSimpleInferenceRequest) against the general path
// (parseInferenceRequest(JSON.parse(body))): on every body, random, written in many styles and then mutated byte by
// byte, it either answers undefined (the server then takes the general path) or exactly what the general path
// reads — never a request the general path would refuse, never other numbers. And it does read the common bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSimpleInferenceRequest } from '../../../src/core/deployments/oipRequestBytes';
import { parseInferenceRequest, type InferenceRequest } from '../../../src/core/deployments/oipTensor';

let seed = 20261127;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

/** The general path, or undefined when it refuses the body. */
function general(body: Buffer): InferenceRequest | undefined {
  try {
    return parseInferenceRequest(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Compares typed data element by element with Object.is (−0 and NaN matter). */
function assertSame(fast: InferenceRequest, slow: InferenceRequest, body: string): void {
  assert.deepEqual(Object.keys(fast), Object.keys(slow), body);
  assert.equal(fast.id, slow.id, body);
  assert.equal(fast.inputs.length, slow.inputs.length, body);
  fast.inputs.forEach((t, i) => {
    const u = slow.inputs[i] as (typeof slow.inputs)[number];
    assert.deepEqual({ ...t, data: undefined }, { ...u, data: undefined }, body);
    assert.equal(t.data.constructor, u.data.constructor, body);
    assert.equal(t.data.length, u.data.length, body);
    for (let k = 0; k < t.data.length; k++) assert.ok(Object.is(t.data[k], u.data[k]), `${body}: element ${k} ${String(t.data[k])} vs ${String(u.data[k])}`);
  });
}

/** A number as a client might write it: plain, with a fraction, an exponent, many digits, −0. */
function numberText(): string {
  // Mostly numbers with a few digits (most bodies stay readable here), now and then anything.
  const kind = random() < 0.93 ? pick([0, 1, 6]) : Math.floor(random() * 9);
  const x = (random() - 0.5) * 10 ** Math.floor(random() * 10 - 3);
  switch (kind) {
    case 0:
      return String(Math.round(x));
    case 1:
      return x.toFixed(Math.floor(random() * 6));
    case 2:
      return x.toExponential(Math.floor(random() * 10));
    case 3:
      return String(x);
    case 4:
      return pick(['-0', '0', '0.0', '-0.0e0', '1E5', '1e-7', '2.5E+3', '123456789012345', '1234567890123456', '0.000001', '1e22', '1e23', '1e-22', '1e-23', '5e-324', '1e308', '3.4028235e38', '0.1', '0.30000000000000004']);
    case 5:
      return String(Math.fround(x));
    case 6:
      return (Math.round(x * 10) / 10).toString();
    case 7:
      return `${Math.floor(random() * 100)}.${'0'.repeat(Math.floor(random() * 20))}${Math.floor(random() * 10)}`;
    default:
      return x.toPrecision(1 + Math.floor(random() * 21));
  }
}

const space = (): string => (random() < 0.7 ? '' : pick([' ', '\n', '\t', '\r\n', '  ']));

function tensorText(name: string): string {
  const rows = 1 + Math.floor(random() * 3);
  const width = Math.floor(random() * 9);
  const shape = random() < 0.1 ? [rows * width] : [rows, width];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: random() < 0.05 ? size + 1 : size }, numberText);
  const fields = [
    `"name"${space()}:${space()}${JSON.stringify(name)}`,
    `"shape":[${shape.join(`,${space()}`)}]`,
    `"datatype":"${pick(['FP32', 'FP32', 'FP32', 'FP64', 'FP64', 'INT32', 'fp32'])}"`,
    `"data":${space()}[${space()}${data.join(`${space()},`)}]`,
  ];
  if (random() < 0.05) fields.push('"parameters":{}');
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [fields[i], fields[j]] = [fields[j] as string, fields[i] as string];
  }
  return `{${space()}${fields.join(`,${space()}`)}${space()}}`;
}

function bodyText(): string {
  const names = Array.from({ length: random() < 0.85 ? 1 : 2 }, () => pick(['features', 'features', 'float_input', 'x', 'x', 'é', 'a"b']));
  const fields = [`"inputs":[${names.map(tensorText).join(',')}]`];
  if (random() < 0.3) fields.push(`"id":${JSON.stringify(pick(['req-1', '', 'a\\u0041', 'ü', '0f8e']))}`);
  if (random() < 0.05) fields.push('"outputs":[{"name":"label"}]');
  if (random() < 0.5) fields.reverse();
  return `${space()}{${fields.join(',')}}${space()}`;
}

describe('readSimpleInferenceRequest', () => {
  it('reads what the general path reads, or leaves the body to it, on random bodies and their mutations', () => {
    let read = 0;
    for (let round = 0; round < 3000; round++) {
      let text = bodyText();
      if (round % 3 === 2) {
        // One byte changed, removed or added somewhere.
        const at = Math.floor(random() * text.length);
        const c = pick(['', ',', '"', ']', '}', '1', '.', 'e', '-', ' ', '0', '[']);
        text = text.slice(0, at) + c + text.slice(at + (random() < 0.5 ? 1 : 0));
      }
      const body = Buffer.from(text, 'utf8');
      const fast = readSimpleInferenceRequest(body);
      const slow = general(body);
      if (fast === undefined) continue;
      read++;
      assert.ok(slow !== undefined, `read a body the general path refuses: ${text}`);
      assertSame(fast, slow, text);
    }
    assert.ok(read > 500, `only ${read} of 3000 bodies read`);
  });

  it('reads the common body: one FP32 row, with and without an id', () => {
    const row = Array.from({ length: 64 }, (_, i) => ((i * 7919) % 100) / 10);
    for (const extra of [{}, { id: 'r-1' }]) {
      const text = JSON.stringify({ ...extra, inputs: [{ name: 'features', shape: [1, 64], datatype: 'FP32', data: row }] });
      const fast = readSimpleInferenceRequest(Buffer.from(text));
      assert.ok(fast, text);
      assertSame(fast, general(Buffer.from(text)) as InferenceRequest, text);
    }
  });

  it('leaves nested data, other datatypes, extra keys and escapes to the general path', () => {
    for (const text of [
      '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[[1,2]]}]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"INT64","data":[1,2]}]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,2]}],"parameters":{}}',
      '{"inputs":[{"name":"x\\u0041","shape":[2],"datatype":"FP32","data":[1,2]}]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,2]}],"inputs":[]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,"NaN"]}]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,2]}]} x',
    ]) {
      assert.equal(readSimpleInferenceRequest(Buffer.from(text)), undefined, text);
    }
  });
});
