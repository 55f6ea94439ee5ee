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
export function referenceEvaluator(definition: FlagdDefinition): (flag: string, context: EvaluationContext) => { value: unknown; variant?: string; reason?: string } {
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
