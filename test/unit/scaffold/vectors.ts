// The committed flagd vectors (scripts/fixtures/make_flagd_vectors.mjs, computed by @openfeature/flagd-core) and a
// live flagd-core to compare with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import type { EvaluationContext, FlagdDefinition, JsonValue } from '../../../src/core/scaffold/flagd';

export interface FlagdCase {
  flag: string;
  context: EvaluationContext;
  value: JsonValue;
  variant?: string;
  reason: string;
  errorCode?: string;
}

export interface FlagdVectors {
  reference: { package: string; version: string };
  hashes: { input: string; flagdCore: number; utf8: number }[];
  definition: FlagdDefinition;
  cases: FlagdCase[];
  edges: { targetingKey: string; hash: number; variant: string }[];
}

export const VECTORS_PATH = join(__dirname, '..', '..', 'fixtures', 'flagd', 'fractional-vectors.json');

export function loadVectors(): FlagdVectors {
  return JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as FlagdVectors;
}

/** The caller's default in the vectors: false for boolean flags, "fallback" for string flags. */
export function callerDefault(definition: FlagdDefinition, flag: string): boolean | string {
  const first = Object.values(definition.flags[flag]?.variants ?? {})[0];
  return typeof first === 'boolean' ? false : 'fallback';
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** @openfeature/flagd-core loaded with a definition: the reference evaluator. */
export function referenceEvaluator(definition: FlagdDefinition): (flag: string, context: EvaluationContext) => { value: unknown; variant?: string; reason?: string; errorCode?: string } {
  const storage = new MemoryStorage(silent);
  storage.setConfigurations(JSON.stringify(definition), false);
  const core = new FlagdCore(storage, silent);
  return (flag, context) => {
    const fallback = callerDefault(definition, flag);
    return typeof fallback === 'boolean'
      ? core.resolveBooleanEvaluation(flag, fallback, context, silent)
      : core.resolveStringEvaluation(flag, fallback, context, silent);
  };
}

/**
 * Random targeting rules over the operators MLShip supports, deterministic for a seed, and the distinct contexts of the
 * committed targeting cases to evaluate them with.
 */
export function randomRules(seed: number, count: number, vectors: FlagdVectors): { definition: FlagdDefinition; contexts: EvaluationContext[] } {
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const keys = ['age', 'tier', 'count', 'list', 'email', 'beta', 'missing', 'user.plan.paid', 'tiers', '$flagd.flagKey'];
  const literals: JsonValue[] = [0, 1, 18, -3.5, '', '0', '17', 'abc', 'premium', null, true, false, 'de', ['premium', 'x']];
  const isAndOr = (a: JsonValue) => typeof a === 'object' && a !== null && !Array.isArray(a) && ('and' in a || 'or' in a);
  const expr = (depth: number): JsonValue => {
    if (depth === 0 || rand() < 0.25) return rand() < 0.5 ? { var: rand() < 0.15 ? [pick(keys), pick(literals)] : pick(keys) } : pick(literals);
    const op = pick(['==', '!=', '===', '!==', '<', '<=', '>', '>=', 'and', 'or', '!', '!!', 'in', 'cat', 'if', 'starts_with', 'sem_ver']);
    const args = (n: number) => Array.from({ length: n }, () => expr(depth - 1));
    switch (op) {
      case 'and':
      case 'or':
        return { [op]: args(1 + Math.floor(rand() * 3)) };
      case 'cat':
        // Not and/or directly inside cat: json-logic-engine 5.0.7 compiles `'' + a ? b : c` there without
        // parentheses, which no evaluator should copy.
        return { cat: args(1 + Math.floor(rand() * 3)).map((a) => (isAndOr(a) ? { '!!': [a] } : a)) };
      case '!':
      case '!!':
        return { [op]: args(1) };
      case 'in':
        return { in: [expr(depth - 1), rand() < 0.5 ? { var: pick(['tiers', 'email', 'list']) } : pick<JsonValue>(['premium-gold', ['premium', 'gold', 0]])] };
      case 'if':
        return { if: args(rand() < 0.2 ? 2 : 3) };
      case 'starts_with':
        return { starts_with: [expr(depth - 1), pick(['a', 'pre', ''])] };
      case 'sem_ver':
        return { sem_ver: [{ var: 'version' }, pick(['>=', '<', '^', '~', '=']), pick(['1.2.0', '2', 'v1.10.0'])] };
      default:
        return { [op]: args(rand() < 0.2 ? 3 : 2) };
    }
  };
  const flags: FlagdDefinition['flags'] = {};
  for (let i = 0; i < count; i++) {
    const e = expr(3);
    flags[`r${i}`] = { state: 'ENABLED', variants: { a: 'a', b: 'b', d: 'd', true: 'T', false: 'F', '0': 'zero', premium: 'P' }, defaultVariant: 'd', targeting: rand() < 0.8 ? { if: [e, 'a', 'b'] } : e };
  }
  const contexts = [...new Map(vectors.cases.filter((c) => c.flag.startsWith('t-')).map((c) => [JSON.stringify(c.context), c.context])).values()].slice(0, 4);
  return { definition: { flags }, contexts };
}
