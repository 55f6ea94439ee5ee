// flagd flag evaluation in pure TypeScript, for previews and tests: the hashes and `fractional` bucketing of flagd,
// the subset of JSON Logic that flagd targeting uses in practice, and the resolution of a flag for an evaluation
// context. Everything matches @openfeature/flagd-core 4.x (the JavaScript flagd evaluator, compiled mode), which the
// unit tests use as the reference; templates/python/flagdEvaluator.ts is the same evaluator in Python.
import { semVerMatches } from './semver';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

// ---------------------------------------------------------------------------------------------------------------------
// MurmurHash3 x86 32-bit, seed 0

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  return Math.imul(k1, C2);
}

function mixH1(h1: number, k1: number): number {
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function finalMix(h1: number): number {
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/**
 * The hash @openfeature/flagd-core (JavaScript) buckets with — the `imurmurhash` package. It runs MurmurHash3 x86 32-bit
 * (seed 0) over the UTF-16 code units of the string, one code unit per byte position: a code unit above 0xFF is XORed
 * into its neighbouring position, the length mixed in is the number of code units, and the tail block is skipped when
 * its top bit is set. For code units up to 0xFF (ASCII and Latin-1) this is exactly MurmurHash3 of the bytes, so it
 * equals murmur3Utf8 for ASCII keys and differs from it for any other key. Returns an unsigned 32-bit integer.
 */
export function murmur3Utf16(key: string): number {
  const length = key.length;
  const tail = length & 3;
  const blocksEnd = length - tail;
  let h1 = 0;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    const c3 = key.charCodeAt(i + 3);
    const k1 = key.charCodeAt(i) ^ (key.charCodeAt(i + 1) << 8) ^ (key.charCodeAt(i + 2) << 16) ^ ((c3 & 0xff) << 24) ^ ((c3 & 0xff00) >> 8);
    h1 = mixH1(h1, mixK1(k1));
  }
  let k1 = 0;
  if (tail >= 3) k1 ^= key.charCodeAt(i + 2) << 16;
  if (tail >= 2) k1 ^= key.charCodeAt(i + 1) << 8;
  if (tail >= 1) k1 ^= key.charCodeAt(i);
  if (k1 > 0) h1 ^= mixK1(k1);
  return finalMix(h1 ^ length);
}

/** Standard MurmurHash3 x86 32-bit of bytes. Unsigned 32-bit result. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const tail = bytes.length & 3;
  const blocksEnd = bytes.length - tail;
  let h1 = seed | 0;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    const k1 = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    h1 = mixH1(h1, mixK1(k1));
  }
  let k1 = 0;
  if (tail >= 3) k1 ^= (bytes[i + 2] as number) << 16;
  if (tail >= 2) k1 ^= (bytes[i + 1] as number) << 8;
  if (tail >= 1) k1 ^= bytes[i] as number;
  if (tail > 0) h1 ^= mixK1(k1);
  return finalMix(h1 ^ bytes.length);
}

/** The hash flagd (Go) buckets with: MurmurHash3 x86 32-bit, seed 0, of the UTF-8 bytes of the string. */
export function murmur3Utf8(key: string): number {
  return murmur3Bytes(new TextEncoder().encode(key));
}

// ---------------------------------------------------------------------------------------------------------------------
// fractional bucketing

/** flagd refuses a `fractional` whose weights add up to more than this (and resolves it to the default variant). */
export const MAX_TOTAL_WEIGHT = 2147483647;

export type BucketVariant = string | number | boolean | null;

export interface WeightedVariant {
  variant: BucketVariant;
  /** A non-negative integer. */
  weight: number;
}

/** The bucket of a hash among `totalWeight` buckets: (hash × totalWeight) >> 32, with the hash as an unsigned 32-bit integer. */
export function bucketOf(hash: number, totalWeight: number): number {
  return Number((BigInt(hash >>> 0) * BigInt(totalWeight)) >> 32n);
}

/**
 * The variant a hash falls into: the first whose running weight sum exceeds the bucket. Undefined when nothing does
 * (all weights 0).
 */
export function pickVariant(hash: number, buckets: readonly WeightedVariant[]): BucketVariant | undefined {
  const total = buckets.reduce((sum, b) => sum + b.weight, 0);
  const bucket = bucketOf(hash, total);
  let sum = 0;
  for (const b of buckets) {
    sum += b.weight;
    if (sum > bucket) return b.variant;
  }
  return undefined;
}

/** `fractional` for one bucketing string (flagKey + targetingKey by default), hashed as flagd-core does. */
export function fractionalVariant(bucketBy: string, buckets: readonly WeightedVariant[]): BucketVariant | undefined {
  return pickVariant(murmur3Utf16(bucketBy), buckets);
}

// ---------------------------------------------------------------------------------------------------------------------
// JavaScript value semantics that JSON Logic inherits

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JavaScript truthiness. */
function jsTruthy(v: JsonValue | undefined): boolean {
  return !(v === undefined || v === null || v === false || v === 0 || v === '' || Number.isNaN(v));
}

/** JSON Logic truthiness (json-logic-engine): JavaScript's, except that empty arrays and empty objects are false. */
function truthy(v: JsonValue | undefined): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return jsTruthy(v);
}

/** JavaScript's String(v) for JSON values. */
export function jsToString(v: JsonValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map((x) => (x === null ? '' : jsToString(x))).join(',');
  if (typeof v === 'object') return '[object Object]';
  return String(v);
}

/** JavaScript's Number(v) for primitives. */
function jsToNumber(v: JsonValue): number {
  return v === null ? 0 : Number(v);
}

// ---------------------------------------------------------------------------------------------------------------------
// targeting: the JSON Logic subset
//
// flagd-core compiles a rule with json-logic-engine into one JavaScript function. Details of that compilation change
// results and are reproduced here:
// - a sub-rule without `var` and without flagd's own operators is folded into a constant when the rule is loaded, and
//   an `if` with fewer than three arguments is not compiled: both run in the engine's interpreter, where `cat` skips
//   nulls, a `var` that holds null is null (not its default) and comparisons check both operands (an error while
//   folding is a PARSE_ERROR);
// - the compiled function shares one scratch variable (`prev`): `var`, `and`, `or` and the comparisons write it, and a
//   comparison checks its right operand against it — which is the right operand's own value when that operand wrote
//   it last. `Scope.prev` is that variable.

/** A targeting rule that cannot be evaluated. PARSE_ERROR: the rule itself is wrong; GENERAL: it failed on this context. */
export class TargetingError extends Error {
  constructor(
    message: string,
    readonly code: 'PARSE_ERROR' | 'GENERAL',
  ) {
    super(message);
    this.name = 'TargetingError';
  }
}

interface Scope {
  data: JsonObject;
  /** The compiled rule's shared scratch variable. */
  prev: JsonValue;
  /** True where the engine's interpreter evaluates (folded constants, short `if`s) instead of compiled code. */
  interpreted: boolean;
}

type Operator = (arg: JsonValue, scope: Scope) => JsonValue;

function fail(message: string): never {
  throw new TargetingError(message, 'GENERAL');
}

/** Arguments of an operator that evaluates them first, always as a list. */
function evalArgs(arg: JsonValue, scope: Scope): JsonValue[] {
  if (typeof arg !== 'object' || arg === null) return [arg];
  const v = evaluate(arg, scope);
  return Array.isArray(v) ? v : [v];
}

function splitPath(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    const next = path[i + 1];
    if (ch === '\\' && (next === '.' || next === '/' || next === '\\')) {
      current += next;
      i++;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function member(v: JsonValue, part: string): JsonValue | undefined {
  if (isObject(v)) return Object.hasOwn(v, part) ? v[part] : undefined;
  if (Array.isArray(v) || typeof v === 'string') {
    if (part === 'length') return v.length;
    return /^(0|[1-9]\d*)$/.test(part) ? v[Number(part)] : undefined;
  }
  return undefined;
}

const opVar: Operator = (arg, scope) => {
  const input = typeof arg === 'object' && arg !== null ? evaluate(arg, scope) : arg;
  let key: JsonValue | undefined = input;
  let fallback: JsonValue = null;
  if (Array.isArray(input)) {
    key = input[0];
    fallback = input[1] ?? null;
  }
  if (key === undefined || key === null || key === '') return scope.data;
  let current: JsonValue | undefined = scope.data;
  for (const part of splitPath(jsToString(key))) {
    current = current === null || current === undefined ? undefined : member(current, part);
  }
  if (scope.interpreted) return current === undefined ? fallback : current;
  const value = current ?? fallback;
  // Compiled only for a literal key; a computed key goes through the interpreter, which leaves `prev` alone.
  const literalKey = Array.isArray(arg) ? typeof arg[0] !== 'object' || arg[0] === null : typeof arg !== 'object' || arg === null;
  if (literalKey) scope.prev = value;
  return value;
};

const opIf: Operator = (arg, scope) => {
  if (!Array.isArray(arg)) fail('"if" takes an array: [condition, then, else].');
  if (arg.length === 0) return null;
  // Fewer than three arguments are not compiled: the interpreter runs them.
  const inner = arg.length < 3 ? { ...scope, prev: null, interpreted: true } : scope;
  if (arg.length === 1) return evaluate(arg[0] as JsonValue, inner);
  const items = arg.length % 2 === 1 ? arg : [...arg, null];
  for (let i = 0; i + 1 < items.length; i += 2) {
    if (truthy(evaluate(items[i] as JsonValue, inner))) return evaluate(items[i + 1] as JsonValue, inner);
  }
  return evaluate(items[items.length - 1] as JsonValue, inner);
};

function logical(name: string, stopWhen: boolean): Operator {
  return (arg, scope) => {
    if (!Array.isArray(arg)) fail(`"${name}" takes an array.`);
    if (arg.length === 0) return null;
    let item: JsonValue = null;
    for (const a of arg) {
      item = evaluate(a, scope);
      if (!scope.interpreted) scope.prev = item;
      if (truthy(item) === stopWhen) return item;
    }
    return item;
  };
}

function notANumber(a: JsonValue, b: JsonValue): never {
  fail(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}: not a number.`);
}

/** json-logic-engine's compareCheck: the right operand of a comparison, checked and coerced against `prev`. */
function compareCheck(item: JsonValue, prev: JsonValue, strict: boolean): JsonValue {
  const stringOrNull = (v: JsonValue) => typeof v === 'string' || v === null;
  if (strict || (stringOrNull(item) && stringOrNull(prev))) return item;
  const asNumber = (v: JsonValue) => (typeof v === 'object' && jsTruthy(v) ? notANumber(prev, item) : jsToNumber(v));
  if (Number.isNaN(asNumber(item)) && prev !== null) notANumber(prev, item);
  if (Number.isNaN(asNumber(prev))) notANumber(prev, item);
  if (prev === null && !jsTruthy(item)) return null;
  if (item === null && !jsTruthy(prev)) return 0;
  return item;
}

/** JavaScript's `a == b` for JSON values. */
function looseEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null) return a === b;
  const aObject = typeof a === 'object';
  const bObject = typeof b === 'object';
  if (aObject && bObject) return a === b;
  if (aObject || bObject) return looseEquals(aObject ? jsToString(a) : a, bObject ? jsToString(b) : b);
  if (typeof a === typeof b) return a === b;
  return jsToNumber(a) === jsToNumber(b);
}

/** JavaScript's `a < b` (or `a <= b`) for JSON values: arrays and objects compare as their strings. */
function lessThan(a: JsonValue, b: JsonValue, orEqual: boolean): boolean {
  const x = typeof a === 'object' && a !== null ? jsToString(a) : a;
  const y = typeof b === 'object' && b !== null ? jsToString(b) : b;
  if (typeof x === 'string' && typeof y === 'string') return orEqual ? x <= y : x < y;
  const nx = jsToNumber(x);
  const ny = jsToNumber(y);
  return orEqual ? nx <= ny : nx < ny;
}

/** The interpreter's comparison of two operands. */
function interpretedCompare(a: JsonValue, b: JsonValue, test: (a: JsonValue, b: JsonValue) => boolean, strict: boolean): boolean {
  const stringOrNull = (v: JsonValue) => typeof v === 'string' || v === null;
  if (strict || (stringOrNull(a) && stringOrNull(b))) return test(a, b);
  const asNumber = (v: JsonValue) => (typeof v === 'object' && jsTruthy(v) ? notANumber(a, b) : jsToNumber(v));
  if (Number.isNaN(asNumber(a))) notANumber(a, b);
  if (Number.isNaN(asNumber(b)) && a !== null) notANumber(a, b);
  return test(jsToNumber(a), jsToNumber(b));
}

function comparator(name: string, test: (a: JsonValue, b: JsonValue) => boolean, strict = false): Operator {
  return (arg, scope) => {
    if (!Array.isArray(arg) || arg.length < 2) fail(`"${name}" takes an array of at least two values.`);
    let left = evaluate(arg[0] as JsonValue, scope);
    if (scope.interpreted) {
      for (let i = 1; i < arg.length; i++) {
        const right = evaluate(arg[i] as JsonValue, scope);
        if (!interpretedCompare(left, right, test, strict)) return false;
        left = right;
      }
      return true;
    }
    scope.prev = left;
    for (let i = 1; i < arg.length; i++) {
      const right = compareCheck(evaluate(arg[i] as JsonValue, scope), scope.prev, strict);
      if (arg.length > 2) scope.prev = right;
      if (!test(left, right)) return false;
      left = right;
    }
    return true;
  };
}

const opIn: Operator = (arg, scope) => {
  let item: JsonValue = null;
  let container: JsonValue = null;
  if (Array.isArray(arg)) {
    // Compiled as `(container || []).includes(item)`: the container is evaluated first.
    container = arg.length > 1 ? evaluate(arg[1] as JsonValue, scope) : null;
    item = arg.length > 0 ? evaluate(arg[0] as JsonValue, scope) : null;
  } else item = evalArgs(arg, scope)[0] ?? null;
  if (!jsTruthy(container)) return false;
  if (typeof container === 'string') return container.includes(jsToString(item));
  if (Array.isArray(container)) return container.some((x) => x === item);
  fail(`"in" needs an array or a string as its second argument, not ${JSON.stringify(container)}.`);
};

/** json-logic-engine's `cat` on one evaluated value. */
function catValue(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(jsToString).join('');
  if (v === null) fail('"cat" of null.');
  return jsToString(v);
}

/** An argument list of one non-list item is that item (the engine's "unary" operators: cat, !, !!). */
function unaryArg(arg: JsonValue, scope: Scope): JsonValue {
  return evaluate(Array.isArray(arg) && arg.length === 1 && !Array.isArray(arg[0]) ? (arg[0] as JsonValue) : arg, scope);
}

const opCat: Operator = (arg, scope) => {
  // Compiled: '' + a + b + … (null becomes "null").
  if (Array.isArray(arg) && !scope.interpreted) return arg.map((a) => jsToString(evaluate(a, scope))).join('');
  return catValue(unaryArg(arg, scope));
};

function negation(negate: boolean): Operator {
  return (arg, scope) => {
    const v = unaryArg(arg, scope);
    return truthy(Array.isArray(v) ? v[0] : v) !== negate;
  };
}

function stringTest(test: (s: string, part: string) => boolean): Operator {
  return (arg, scope) => {
    const args = evalArgs(arg, scope);
    const [s, part] = args;
    if (args.length !== 2 || typeof s !== 'string' || typeof part !== 'string') return null;
    return test(s, part);
  };
}

const opSemVer: Operator = (arg, scope) => {
  const args = evalArgs(arg, scope);
  if (args.length !== 3) return null;
  return semVerMatches(jsToString(args[0]), jsToString(args[1]), jsToString(args[2]));
};

/** The bucket list of a `fractional`, or null when flagd would reject it (it then resolves to the default variant). */
function toBuckets(entries: JsonValue[]): WeightedVariant[] | null {
  const out: WeightedVariant[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length === 0 || entry.length > 2) return null;
    const [variant, weight = 1] = entry;
    if (typeof variant === 'object' && variant !== null) return null;
    if (typeof weight !== 'number' || !Number.isInteger(weight)) return null;
    out.push({ variant: variant ?? null, weight: Math.max(0, weight) });
  }
  return out;
}

const opFractional: Operator = (arg, scope) => {
  const args = evalArgs(arg, scope);
  const flagd = scope.data['$flagd'];
  if (args.length === 0 || !isObject(flagd)) return null;
  let bucketBy: string;
  let entries: JsonValue[];
  if (typeof args[0] === 'string') {
    bucketBy = args[0];
    entries = args.slice(1);
  } else {
    const targetingKey = scope.data['targetingKey'];
    if (!jsTruthy(targetingKey)) return null;
    bucketBy = `${jsToString(flagd['flagKey'])}${jsToString(targetingKey)}`;
    entries = args;
  }
  const buckets = toBuckets(entries);
  if (!buckets || buckets.reduce((s, b) => s + b.weight, 0) > MAX_TOTAL_WEIGHT) return null;
  return fractionalVariant(bucketBy, buckets) ?? null;
};

const OPERATORS: Record<string, Operator> = {
  var: opVar,
  if: opIf,
  '?:': opIf,
  and: logical('and', false),
  or: logical('or', true),
  '!': negation(true),
  '!!': negation(false),
  '==': comparator('==', looseEquals),
  '!=': comparator('!=', (a, b) => !looseEquals(a, b)),
  '===': comparator('===', (a, b) => a === b, true),
  '!==': comparator('!==', (a, b) => a !== b, true),
  '<': comparator('<', (a, b) => lessThan(a, b, false)),
  '<=': comparator('<=', (a, b) => lessThan(a, b, true)),
  '>': comparator('>', (a, b) => lessThan(b, a, false)),
  '>=': comparator('>=', (a, b) => lessThan(b, a, true)),
  in: opIn,
  cat: opCat,
  starts_with: stringTest((s, p) => s.startsWith(p)),
  ends_with: stringTest((s, p) => s.endsWith(p)),
  sem_ver: opSemVer,
  fractional: opFractional,
};

/** The operators MLShip's evaluators (this one and the Python one) implement. */
export const SUPPORTED_OPERATORS: readonly string[] = Object.keys(OPERATORS);

/** Operators whose result depends on the context; a sub-rule without any is folded into a constant at load time. */
const CONTEXT_OPERATORS = new Set(['var', 'fractional', 'sem_ver', 'starts_with', 'ends_with']);

function isConstant(node: JsonValue): boolean {
  if (Array.isArray(node)) return node.every(isConstant);
  if (!isObject(node)) return true;
  const op = Object.keys(node)[0];
  return op === undefined || (!CONTEXT_OPERATORS.has(op) && isConstant(node[op] as JsonValue));
}

function evaluate(logic: JsonValue, scope: Scope): JsonValue {
  if (Array.isArray(logic)) return logic.map((l) => evaluate(l, scope));
  if (!isObject(logic)) return logic;
  const keys = Object.keys(logic);
  if (keys.length === 0) return logic;
  const op = keys[0] as string;
  const impl = keys.length === 1 && Object.hasOwn(OPERATORS, op) ? OPERATORS[op] : undefined;
  if (!impl) throw new TargetingError(unsupportedMessage(logic) ?? `unknown operator "${op}".`, 'PARSE_ERROR');
  if (!scope.interpreted && isConstant(logic)) return evaluate(logic, { data: scope.data, prev: null, interpreted: true });
  if (scope.interpreted) optimizerCheck(logic, scope);
  return impl(logic[op] as JsonValue, scope);
}

const COMPARISONS = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=']);

/**
 * What the engine's optimizer evaluates ahead of time when the interpreter is about to run a sub-rule: every constant
 * part it reaches eagerly, so an error there surfaces even on a branch that is not taken. An `if` with three arguments
 * and a comparison of two or three reach all of theirs; `and`, `or` and other `if`s reach nothing ahead of time; other
 * operators reach their arguments.
 */
function optimizerCheck(node: JsonValue, scope: Scope): void {
  if (Array.isArray(node)) {
    for (const n of node) optimizerCheck(n, scope);
    return;
  }
  if (!isObject(node)) return;
  const entries = Object.entries(node);
  if (entries.length !== 1) return;
  const [op, arg] = entries[0] as [string, JsonValue];
  let eager: JsonValue[];
  if (op === 'if' || op === '?:') eager = Array.isArray(arg) && arg.length === 3 ? arg : [];
  else if (COMPARISONS.has(op)) eager = Array.isArray(arg) && (arg.length === 2 || arg.length === 3) ? arg : [];
  else if (op === 'and' || op === 'or') eager = [];
  else eager = Array.isArray(arg) ? arg : [arg];
  for (const child of eager) optimizerCheck(child, scope);
  if (isConstant(node)) OPERATORS[op]?.(arg, scope);
}

/** Evaluates a targeting rule over `data` (the context plus `$flagd`) as flagd-core does. Throws TargetingError. */
export function evaluateLogic(logic: JsonValue, data: JsonObject): JsonValue {
  return evaluate(logic, { data, prev: null, interpreted: false });
}

/** The error flagd-core meets when it folds the constant sub-rules of a rule at load time, if any. */
function foldingError(logic: JsonValue): string | undefined {
  if (Array.isArray(logic)) {
    for (const l of logic) {
      const e = foldingError(l);
      if (e) return e;
    }
    return undefined;
  }
  if (!isObject(logic) || Object.keys(logic).length === 0) return undefined;
  if (isConstant(logic)) {
    try {
      evaluateLogic(logic, {});
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
  const [op, arg] = Object.entries(logic)[0] as [string, JsonValue];
  // A short `if` is not compiled: what it contains is folded only when it runs (an error then is GENERAL).
  if ((op === 'if' || op === '?:') && Array.isArray(arg) && arg.length < 3) return undefined;
  return foldingError(arg);
}

function unsupportedMessage(node: JsonObject): string | undefined {
  const keys = Object.keys(node);
  if (keys.length > 1) return `{${keys.map((k) => JSON.stringify(k)).join(', ')}} is not an operation: a JSON Logic operation is an object with exactly one key.`;
  const op = keys[0] as string;
  if (Object.hasOwn(OPERATORS, op)) return undefined;
  if (op === '$ref') return `$ref ${JSON.stringify(node[op])} names no evaluator in "$evaluators".`;
  return `operator "${op}" is not supported by MLShip's flagd evaluators (supported: ${SUPPORTED_OPERATORS.join(', ')}).`;
}

/** Every operation in a targeting rule that MLShip's evaluators cannot evaluate, with a message saying why. */
export function unsupportedOperations(logic: JsonValue): { operator: string; message: string }[] {
  const out: { operator: string; message: string }[] = [];
  const walk = (node: JsonValue): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      const keys = Object.keys(node);
      const message = keys.length > 0 ? unsupportedMessage(node) : undefined;
      if (message) out.push({ operator: keys.join(','), message });
      else for (const k of keys) walk(node[k] as JsonValue);
    }
  };
  walk(logic);
  return out;
}

/** Replaces `{"$ref": "name"}` with the evaluator of that name from `$evaluators` (recursively). */
export function expandEvaluators(node: JsonValue, evaluators: JsonObject, seen: readonly string[] = []): JsonValue {
  if (Array.isArray(node)) return node.map((n) => expandEvaluators(n, evaluators, seen));
  if (!isObject(node)) return node;
  const keys = Object.keys(node);
  const ref = node['$ref'];
  if (keys.length === 1 && typeof ref === 'string' && Object.hasOwn(evaluators, ref)) {
    if (seen.includes(ref)) throw new TargetingError(`evaluator "${ref}" refers to itself (${[...seen, ref].join(' → ')}).`, 'PARSE_ERROR');
    return expandEvaluators(evaluators[ref] as JsonValue, evaluators, [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const k of keys) out[k] = expandEvaluators(node[k] as JsonValue, evaluators, seen);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// flag resolution

export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: JsonObject;
  defaultVariant?: string | null;
  targeting?: JsonValue;
  metadata?: JsonObject;
}

/** A flagd flag definition file (https://flagd.dev/reference/flag-definitions/). */
export interface FlagdDefinition {
  $schema?: string;
  flags: Record<string, FlagdFlag>;
  $evaluators?: JsonObject;
  metadata?: JsonObject;
}

/** Attributes of the subject of an evaluation; `targetingKey` is what `fractional` buckets by. */
export type EvaluationContext = Record<string, JsonValue>;

export type ResolutionReason = 'STATIC' | 'DEFAULT' | 'TARGETING_MATCH' | 'DISABLED' | 'ERROR';
export type ResolutionErrorCode = 'FLAG_NOT_FOUND' | 'PARSE_ERROR' | 'TYPE_MISMATCH' | 'GENERAL';
export type FlagValueType = 'boolean' | 'string' | 'number' | 'object';

/** The outcome of one evaluation, shaped like OpenFeature's resolution details. */
export interface Resolution<T> {
  value: T;
  variant?: string;
  reason: ResolutionReason;
  errorCode?: ResolutionErrorCode;
  errorMessage?: string;
}

interface PreparedFlag {
  flag: FlagdFlag;
  targeting?: JsonValue;
  parseError?: string;
}

function hasTargeting(t: JsonValue | undefined): boolean {
  if (typeof t === 'string' || Array.isArray(t)) return t.length > 0;
  return isObject(t) && Object.keys(t).length > 0;
}

/**
 * Resolves flags of one flag definition as flagd-core does: missing flag → FLAG_NOT_FOUND, DISABLED → the caller's
 * default, no targeting → STATIC default variant, targeting null → DEFAULT, else TARGETING_MATCH; a targeting rule with
 * an operator MLShip does not implement → PARSE_ERROR; a failing rule → GENERAL; wrong value type → TYPE_MISMATCH.
 * Errors always come back with the caller's default value.
 */
export class FlagdEvaluator {
  private readonly flags = new Map<string, PreparedFlag>();

  constructor(
    definition: FlagdDefinition,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    const evaluators = definition.$evaluators ?? {};
    for (const [key, flag] of Object.entries(definition.flags)) {
      const prepared: PreparedFlag = { flag };
      if (hasTargeting(flag.targeting)) {
        try {
          prepared.targeting = expandEvaluators(flag.targeting as JsonValue, evaluators);
          const problem = unsupportedOperations(prepared.targeting)[0]?.message ?? foldingError(prepared.targeting);
          if (problem) prepared.parseError = `Invalid targeting of flag '${key}': ${problem}`;
        } catch (err) {
          prepared.parseError = `Invalid targeting of flag '${key}': ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      this.flags.set(key, prepared);
    }
  }

  resolveBoolean(flagKey: string, defaultValue: boolean, context: EvaluationContext = {}): Resolution<boolean> {
    return this.resolve('boolean', flagKey, defaultValue, context);
  }

  resolveString(flagKey: string, defaultValue: string, context: EvaluationContext = {}): Resolution<string> {
    return this.resolve('string', flagKey, defaultValue, context);
  }

  resolve<T extends JsonValue>(type: FlagValueType, flagKey: string, defaultValue: T, context: EvaluationContext = {}): Resolution<T> {
    const prepared = this.flags.get(flagKey);
    if (!prepared) return { value: defaultValue, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: `flag '${flagKey}' not found` };
    const { flag } = prepared;
    if (flag.state === 'DISABLED') return { value: defaultValue, reason: 'DISABLED' };
    if (prepared.parseError) return { value: defaultValue, reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: prepared.parseError };
    const defaultVariant = flag.defaultVariant || undefined;
    let variant: string | undefined;
    let reason: ResolutionReason;
    if (prepared.targeting === undefined) {
      variant = defaultVariant;
      reason = 'STATIC';
    } else {
      let result: JsonValue;
      try {
        const data: JsonObject = { ...context, $flagd: { flagKey, timestamp: this.nowSeconds() } };
        result = evaluateLogic(prepared.targeting, data);
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        return { value: defaultValue, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `Error evaluating targeting rule for flag '${flagKey}': ${detail}` };
      }
      if (result === null) {
        variant = defaultVariant;
        reason = 'DEFAULT';
      } else {
        variant = jsToString(result);
        reason = 'TARGETING_MATCH';
      }
    }
    if (variant === undefined) return { value: defaultValue, reason: 'DEFAULT' };
    const value = isObject(flag.variants) && Object.hasOwn(flag.variants, variant) ? flag.variants[variant] : undefined;
    if (value === undefined) {
      return { value: defaultValue, reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `Variant '${variant}' not found in flag with key '${flagKey}'` };
    }
    if (typeof value !== type) {
      return { value: defaultValue, reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage: `Evaluated type of the flag ${flagKey} does not match. Expected ${type}, got ${typeof value}` };
    }
    return { value: value as T, variant, reason };
  }
}
