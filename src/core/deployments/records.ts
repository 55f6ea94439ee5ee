// The prediction and feedback log records of design.md: written by scaffolded code and by the local server (one JSON
// object per line), read by the dashboard, `mlship status` and the feedback join. Readers are lenient about what
// they do not need and say, per line, what is wrong with what they do.
import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';

export type PredictionPath = 'model' | 'fallback' | 'abstain';
export type PredictionReason = 'error' | 'timeout' | 'low_confidence' | 'flag_off';
export type FeedbackSource = 'user_override' | 'flag' | 'review';

export const PREDICTION_PATHS: readonly PredictionPath[] = ['model', 'fallback', 'abstain'];
export const FEEDBACK_SOURCES: readonly FeedbackSource[] = ['user_override', 'flag', 'review'];

/** What the model said: a label (and its scores) for a classifier, a value for a regressor. */
export interface PredictionOutput {
  label?: string | number | boolean;
  value?: number;
  /** Score per class label, when a classifier reports them. */
  scores?: Record<string, number>;
}

export interface PredictionRecord {
  /** ISO 8601. */
  ts: string;
  feature: string;
  model: string;
  /**
   * The version that gave the answer: the model's, or on the fallback path the previous version's when it answered; ''
   * when the record names none (written as null when no model gave the answer: a fallback's rule or default).
   */
  model_version: string;
  request_id: string;
  input_hash: string;
  inputs?: Record<string, unknown>;
  output: PredictionOutput | null;
  /** 0–1, or null when the model gives none. */
  confidence: number | null;
  path: PredictionPath;
  reason: PredictionReason | null;
  /**
   * What went wrong, for people, on a record with reason `error` (the local server writes it: a row of a request it
   * answered with an error, e.g. NaN scores). Optional; readers need not keep it.
   */
  error?: string;
  latency_ms: number | null;
  variant: string | null;
}

export interface FeedbackRecord {
  ts: string;
  request_id: string;
  feature: string;
  label: string | number | boolean;
  /** user_override, flag or review; other sources (e.g. "collections") are read as they are. */
  source: string;
  note: string | null;
}

/** A record with its time parsed once, as the readers hand them on. */
export interface Timed<T> {
  record: T;
  /** Milliseconds since the epoch. */
  t: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function timeOf(x: unknown): number | undefined {
  if (typeof x !== 'string') return undefined;
  const t = parseIsoTime(x);
  return Number.isNaN(t) ? undefined : t;
}

/** The decimal number in s[from, to), or -1 when a character there is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Date.parse, with a fast path for the form every writer here uses (`Date#toISOString`: 2026-01-05T10:00:00.123Z):
 * the fields are read as digits, checked against their ranges, and given to Date.UTC (years from 100: it reads 0–99
 * as 1900–1999), which rolls a day past the month's end over exactly as Date.parse does. Any other form goes to
 * Date.parse.
 */
export function parseIsoTime(s: string): number {
  if (s.length === 24 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 84 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && s.charCodeAt(19) === 46 && s.charCodeAt(23) === 90) {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 7);
    const d = digits(s, 8, 10);
    const h = digits(s, 11, 13);
    const mi = digits(s, 14, 16);
    const sec = digits(s, 17, 19);
    const ms = digits(s, 20, 23);
    if (y >= 100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && ms >= 0) return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  }
  return Date.parse(s);
}

const isLabel = (x: unknown): x is string | number | boolean => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
const nullableString = (x: unknown): x is string | null | undefined => x === null || x === undefined || typeof x === 'string';
const nullableNumber = (x: unknown): x is number | null | undefined => x === null || x === undefined || (typeof x === 'number' && Number.isFinite(x));

/** The scores that are finite numbers: the parsed object itself when all are (the usual case), else a copy of those. */
function finiteScores(scores: Record<string, unknown>): Record<string, number> {
  let all = true;
  for (const k in scores) if (!isFiniteNumber(scores[k])) all = false;
  if (all) return scores as Record<string, number>;
  const out: Record<string, number> = {};
  for (const k in scores) {
    if (!Object.hasOwn(scores, k)) continue;
    const v = scores[k];
    if (isFiniteNumber(v)) out[k] = v;
  }
  return out;
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function parseOutput(x: unknown): PredictionOutput | null | undefined {
  if (x === null || x === undefined) return null;
  if (isLabel(x)) return typeof x === 'number' ? { value: x, label: x } : { label: x };
  if (!isRecord(x)) return undefined;
  const out: PredictionOutput = {};
  if (isLabel(x.label)) out.label = x.label;
  if (typeof x.value === 'number' && Number.isFinite(x.value)) out.value = x.value;
  if (isRecord(x.scores)) out.scores = finiteScores(x.scores); else if (Array.isArray(x.scores)) {
    out.scores = Object.fromEntries(x.scores.flatMap((v, i) => (typeof v === 'number' && Number.isFinite(v) ? [[String(i), v]] : [])));
  }
  return out;
}

const str = (x: unknown): string => (typeof x === 'string' ? x : '');

/** Reads one prediction record; `ts`, `request_id` and `path` are required, the rest defaults to null. */
export function parsePredictionRecord(value: unknown): ParseResult<Timed<PredictionRecord>> {
  if (!isRecord(value)) return { ok: false, problem: 'not a JSON object' };
  const t = timeOf(value.ts);
  if (t === undefined) return { ok: false, problem: '"ts" is missing or not an ISO 8601 time' };
  if (typeof value.request_id !== 'string' || value.request_id === '') return { ok: false, problem: '"request_id" is missing' };
  const path = value.path ?? 'model';
  if (!(PREDICTION_PATHS as readonly unknown[]).includes(path)) return { ok: false, problem: `"path" must be model, fallback or abstain (got ${JSON.stringify(path)})` };
  const output = parseOutput(value.output);
  if (output === undefined) return { ok: false, problem: '"output" must be an object with label/value/scores' };
  if (!nullableNumber(value.confidence)) return { ok: false, problem: '"confidence" must be a number between 0 and 1 or null' };
  if (!nullableNumber(value.latency_ms)) return { ok: false, problem: '"latency_ms" must be a number or null' };
  const reason = value.reason ?? null;
  if (reason !== null && !['error', 'timeout', 'low_confidence', 'flag_off'].includes(reason as string)) return { ok: false, problem: `"reason" must be error, timeout, low_confidence, flag_off or null (got ${JSON.stringify(reason)})` };
  if (value.inputs !== undefined && value.inputs !== null && !isRecord(value.inputs)) return { ok: false, problem: '"inputs" must be an object' };
  const record: PredictionRecord = {
    ts: value.ts as string,
    feature: str(value.feature),
    model: str(value.model),
    model_version: typeof value.model_version === 'number' ? String(value.model_version) : str(value.model_version),
    request_id: value.request_id,
    input_hash: str(value.input_hash),
    ...(isRecord(value.inputs) ? { inputs: value.inputs } : {}),
    output,
    confidence: typeof value.confidence === 'number' ? value.confidence : null,
    path: path as PredictionPath,
    reason: reason as PredictionReason | null,
    latency_ms: typeof value.latency_ms === 'number' ? value.latency_ms : null,
    variant: typeof value.variant === 'string' ? value.variant : typeof value.variant === 'number' || typeof value.variant === 'boolean' ? String(value.variant) : null,
  };
  return { ok: true, value: { record, t } };
}

/** Reads one feedback record; `ts`, `request_id` and `label` are required. */
export function parseFeedbackRecord(value: unknown): ParseResult<Timed<FeedbackRecord>> {
  if (!isRecord(value)) return { ok: false, problem: 'not a JSON object' };
  const t = timeOf(value.ts);
  if (t === undefined) return { ok: false, problem: '"ts" is missing or not an ISO 8601 time' };
  if (typeof value.request_id !== 'string' || value.request_id === '') return { ok: false, problem: '"request_id" is missing' };
  if (!isLabel(value.label)) return { ok: false, problem: '"label" must be a string, number or boolean' };
  if (!nullableString(value.note)) return { ok: false, problem: '"note" must be a string or null' };
  return {
    ok: true,
    value: {
      t,
      record: {
        ts: value.ts as string,
        request_id: value.request_id,
        feature: typeof value.feature === 'string' ? value.feature : '',
        label: value.label,
        source: typeof value.source === 'string' ? value.source : 'review',
        note: value.note ?? null,
      },
    },
  };
}

/**
 * Checks the body of `POST /v2/models/{m}/feedback` and completes it into a record: `request_id` and `label` are
 * required; `ts` defaults to `now`, `source` to review, `feature` to the deployment's.
 */
export function feedbackFromRequest(body: unknown, defaults: { feature: string; now: Date }): ParseResult<FeedbackRecord> {
  if (!isRecord(body)) return { ok: false, problem: 'The feedback body must be a JSON object with "request_id" and "label".' };
  if (typeof body.request_id !== 'string' || body.request_id === '') return { ok: false, problem: '"request_id" must be a non-empty string (the id of the inference request).' };
  if (!isLabel(body.label)) return { ok: false, problem: '"label" must be a string, number or boolean (the true outcome).' };
  if (body.source !== undefined && !(FEEDBACK_SOURCES as readonly unknown[]).includes(body.source)) return { ok: false, problem: `"source" must be one of ${FEEDBACK_SOURCES.join(', ')}.` };
  if (!nullableString(body.note)) return { ok: false, problem: '"note" must be a string or null.' };
  if (body.ts !== undefined && timeOf(body.ts) === undefined) return { ok: false, problem: '"ts" must be an ISO 8601 time.' };
  return {
    ok: true,
    value: {
      ts: typeof body.ts === 'string' ? body.ts : defaults.now.toISOString(),
      request_id: body.request_id,
      feature: typeof body.feature === 'string' && body.feature !== '' ? body.feature : defaults.feature,
      label: body.label,
      source: typeof body.source === 'string' ? body.source : 'review',
      note: typeof body.note === 'string' ? body.note : null,
    },
  };
}

/** A stable key for a prediction's inputs: the first 16 hex digits of the SHA-256 of their canonical JSON. */
export function inputHash(inputs: unknown): string {
  return canonicalHash(canonicalJson(inputs));
}

/** inputHash() of inputs whose canonical JSON is already written (the local server writes it with the log line). */
export function canonicalHash(canonical: string): string {
  return (oneShotHash ? oneShotHash('sha256', canonical, 'hex') : createHash('sha256').update(canonical).digest('hex')).slice(0, 16);
}

/** canonicalHash() of the canonical JSON's UTF-8 bytes (the same hash as of the text). */
export function canonicalBytesHash(canonical: Uint8Array): string {
  return (oneShotBytesHash ? oneShotBytesHash('sha256', canonical, 'hex') : createHash('sha256').update(canonical).digest('hex')).slice(0, 16);
}

// crypto.hash (Node ≥ 20.12) hashes a string in one call, without a Hash object per record.
const oneShotHash = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const oneShotBytesHash = (cryptoModule as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;

/** JSON with object keys sorted; `undefined` (in arrays and as values) is written as null. Runs once per logged row. */
export function canonicalJson(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return JSON.stringify(x);
    case 'number':
      return Number.isFinite(x) ? String(x) : 'null';
    case 'boolean':
      return x ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(x)) {
    let out = '[';
    for (let i = 0; i < x.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(x[i]);
    return `${out}]`;
  }
  if (isRecord(x)) {
    const keys = Object.keys(x).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${canonicalJson(x[k])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(x) ?? 'null';
}
