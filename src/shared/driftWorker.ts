// Messages between the extension and the profiling worker (a child process running `mlship worker`): one request per
// process, progress while it runs, then one result. The extension kills the process to cancel. Both sides validate.
// A worker whose first request is a live-drift one stays up instead, comparing windows of the deployments' logged
// inputs with their baselines (one baseline per deployment id) until the extension disconnects. The live-drift
// channel uses `advanced` serialization: windows travel as typed-array columns (InputColumns), not as JSON objects.
import { isWindowDetail, isWindowScore, type WindowDetail, type WindowScore } from './deployments';
import { isDriftReport, isProfile, type DriftReport, type Profile } from './drift';

export type WorkerRequest =
  | { type: 'profile'; path: string; name?: string; manifestPath?: string; cacheDir?: string }
  | { type: 'compare'; baseline: string; current: string; baselineName?: string; currentName?: string; manifestPath?: string; cacheDir?: string };

export type WorkerSide = 'baseline' | 'current' | 'profile';

export type WorkerResponse =
  | { type: 'progress'; side: WorkerSide; bytes: number; totalBytes: number; rows: number }
  | { type: 'profile'; profile: Profile; cached: boolean }
  | { type: 'report'; report: DriftReport }
  | { type: 'error'; message: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const optStr = (x: unknown): boolean => x === undefined || typeof x === 'string';

export function isWorkerRequest(x: unknown): x is WorkerRequest {
  if (!isRecord(x) || !optStr(x.manifestPath) || !optStr(x.cacheDir)) return false;
  if (x.type === 'profile') return typeof x.path === 'string' && optStr(x.name);
  if (x.type === 'compare') return typeof x.baseline === 'string' && typeof x.current === 'string' && optStr(x.baselineName) && optStr(x.currentName);
  return false;
}

export function isWorkerResponse(x: unknown): x is WorkerResponse {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'progress':
      return ['baseline', 'current', 'profile'].includes(x.side as string) && typeof x.bytes === 'number' && typeof x.totalBytes === 'number' && typeof x.rows === 'number';
    case 'profile':
      return isProfile(x.profile) && typeof x.cached === 'boolean';
    case 'report':
      return isDriftReport(x.report);
    case 'error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}

/**
 * A window of logged inputs in columns, as the live drift worker is sent it (the IPC channel's `advanced`
 * serialization copies the typed arrays as bytes): row r's inputs have the keys `schemas[schema[r]]`, key j's value
 * being `atomValues[atoms[j][r] - 1]` when `atoms[j]` is there and holds more than 0 at r, else `numbers[j][r]`.
 * `schema[r]` is -1 for a row with no inputs (read as `{}`) and -2 for inputs that fit no column, sent whole in
 * `objects` (in row order).
 */
export interface InputColumns {
  rows: number;
  schemas: string[][];
  schema: Int32Array;
  numbers: Float64Array[];
  atoms: (Int32Array | null)[];
  atomValues: (string | boolean | null)[];
  objects: Record<string, unknown>[];
}

export const NO_INPUT_SCHEMA = -1;
export const OBJECT_INPUT_SCHEMA = -2;

const isAtom = (x: unknown): boolean => x === null || typeof x === 'string' || typeof x === 'boolean';

/** Whether `x` is a consistent InputColumns: every code points at something that is there. */
export function isInputColumns(x: unknown): x is InputColumns {
  if (!isRecord(x) || !Number.isInteger(x.rows) || (x.rows as number) < 0) return false;
  const rows = x.rows as number;
  const { schemas, schema, numbers, atoms, atomValues, objects } = x;
  if (!Array.isArray(schemas) || !schemas.every((k) => Array.isArray(k) && k.every((s) => typeof s === 'string'))) return false;
  if (!(schema instanceof Int32Array) || schema.length !== rows || !Array.isArray(objects) || !objects.every(isRecord)) return false;
  if (!Array.isArray(atomValues) || !atomValues.every(isAtom)) return false;
  const width = Math.max(0, ...(schemas).map((k) => k.length));
  if (!Array.isArray(numbers) || numbers.length < width || !numbers.every((c) => c instanceof Float64Array && c.length === rows)) return false;
  if (!Array.isArray(atoms) || atoms.length !== numbers.length || !atoms.every((c) => c === null || (c instanceof Int32Array && c.length === rows && c.every((a) => a >= 0 && a <= atomValues.length)))) return false;
  let whole = 0;
  for (const s of schema) {
    if (s === OBJECT_INPUT_SCHEMA) whole++;
    else if (s < NO_INPUT_SCHEMA || s >= schemas.length) return false;
  }
  return whole === objects.length;
}

export type LiveDriftRequest =
  | { type: 'live-open'; seq: number; id: string; baseline: string; manifestPath?: string; cacheDir?: string }
  | { type: 'live-score'; seq: number; id: string; windows: InputColumns[] }
  | { type: 'live-detail'; seq: number; id: string; inputs: InputColumns; top: number }
  | { type: 'live-close'; seq: number; id: string };

export type LiveDriftResponse =
  | { type: 'live-opened'; seq: number; baseline: { name: string; rows: number }; cached: boolean }
  | { type: 'live-scores'; seq: number; scores: (WindowScore | null)[] }
  | { type: 'live-detail'; seq: number; detail: WindowDetail | null }
  | { type: 'live-closed'; seq: number }
  | { type: 'live-error'; seq: number; message: string };

export function isLiveDriftRequest(x: unknown): x is LiveDriftRequest {
  if (!isRecord(x) || typeof x.seq !== 'number' || typeof x.id !== 'string') return false;
  switch (x.type) {
    case 'live-open':
      return typeof x.baseline === 'string' && optStr(x.manifestPath) && optStr(x.cacheDir);
    case 'live-score':
      return Array.isArray(x.windows) && x.windows.every(isInputColumns);
    case 'live-detail':
      return isInputColumns(x.inputs) && typeof x.top === 'number';
    case 'live-close':
      return true;
    default:
      return false;
  }
}

export function isLiveDriftResponse(x: unknown): x is LiveDriftResponse {
  if (!isRecord(x) || typeof x.seq !== 'number') return false;
  switch (x.type) {
    case 'live-opened':
      return isRecord(x.baseline) && typeof x.baseline.name === 'string' && typeof x.baseline.rows === 'number' && typeof x.cached === 'boolean';
    case 'live-scores':
      return Array.isArray(x.scores) && x.scores.every((s) => s === null || isWindowScore(s));
    case 'live-detail':
      return x.detail === null || isWindowDetail(x.detail);
    case 'live-closed':
      return true;
    case 'live-error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}
