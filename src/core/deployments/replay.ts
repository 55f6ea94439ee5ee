// Replay Snapshot Traffic: a data snapshot's rows sent to a deployment at a chosen rate, bounded in count and
// duration, optionally with columns shifted (to rehearse drift), and feedback from the snapshot's label column for
// a share of the requests after a delay (so accuracy from feedback has something to show). Used by the extension and
// `mlship replay`; the caller shows progress.
import { resolve } from 'node:path';
import { mulberry32 } from '../util/random';
import { errorMessage } from '../util/concurrency';
import { DEFAULT_MIN_RECORDS } from './driftSeries';
import type { OipClient, OipModelMetadata } from './oip';
import { requestFromRows } from './oip';

export type ColumnShift = { column: string; op: '*' | '+'; by: number } | { column: string; op: '='; value: string | number };

/** `income*1.3`, `age+10`, `age-5`, `region=north`. */
export function parseShift(text: string): ColumnShift {
  const m = /^\s*([^*+=-]+?)\s*([*+=-])\s*(.+?)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a column shift; write column*factor, column+amount, column-amount or column=value (e.g. income*1.3).`);
  const [, column, op, raw] = m as unknown as [string, string, string, string];
  if (op === '=') {
    const n = Number(raw);
    return { column, op: '=', value: raw !== '' && Number.isFinite(n) ? n : raw };
  }
  const by = Number(raw);
  if (!Number.isFinite(by)) throw new Error(`"${text}": ${raw} is not a number.`);
  return op === '-' ? { column, op: '+', by: -by } : { column, op: op as '*' | '+', by };
}

export function describeShift(s: ColumnShift): string {
  return s.op === '=' ? `${s.column}=${s.value}` : s.op === '*' ? `${s.column}×${s.by}` : `${s.column}${s.by >= 0 ? '+' : ''}${s.by}`;
}

/** A row with the shifts applied (numbers only for × and +; other values are left as they are). */
export function shiftRow(row: Readonly<Record<string, unknown>>, shifts: readonly ColumnShift[]): Record<string, unknown> {
  const out = { ...row };
  for (const s of shifts) {
    const v = out[s.column];
    if (s.op === '=') out[s.column] = s.value;
    else if (typeof v === 'number') out[s.column] = s.op === '*' ? v * s.by : v + s.by;
  }
  return out;
}

export interface ReplayOptions {
  client: OipClient;
  metadata: OipModelMetadata;
  rows: readonly Record<string, unknown>[];
  featureNames?: readonly string[];
  /** Requests per second (> 0). */
  rate: number;
  /** At most this many requests (≥ 1). */
  maxRequests: number;
  /** And for at most this long, ms. */
  maxDurationMs: number;
  shifts?: readonly ColumnShift[];
  /** The snapshot column with the true outcome; feedback is posted only when set. */
  labelColumn?: string;
  /** Share (0–1) of successful requests that get feedback. Default 0 (none). */
  feedbackShare?: number;
  /** Delay between a prediction and its feedback, ms. Default 2000. */
  feedbackDelayMs?: number;
  /** Most requests in flight at once. Default 16. */
  concurrency?: number;
  seed?: number;
  idPrefix?: string;
  signal?: AbortSignal;
  onProgress?: (p: ReplayProgress) => void;
}

export interface ReplayProgress {
  sent: number;
  ok: number;
  failed: number;
  feedback: number;
  elapsedMs: number;
  /** The latest failure, for people. */
  lastError?: string;
}

export interface ReplaySummary extends ReplayProgress {
  stoppedBy: 'count' | 'duration' | 'cancelled';
  /** Request ids of the successful requests, in order. */
  ids: string[];
}

/** Requests a replay sends unless told otherwise: enough logged inputs for live drift to be measured. */
export const DEFAULT_REPLAY_REQUESTS = DEFAULT_MIN_RECORDS + 100;

/** Seconds a replay lasts unless told otherwise: the time `rate` requests per second take to send `count`. */
export const defaultReplaySeconds = (count: number, rate: number): number => Math.ceil(count / rate);

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Why the snapshot's rows cannot be replayed to the model (checked on the first row, as replaySnapshot() does before
 * it sends anything), or undefined when they fit: lets the command say so before asking how to replay them.
 */
export function replayMisfit(metadata: Pick<OipModelMetadata, 'inputs'>, rows: readonly Record<string, unknown>[], featureNames?: readonly string[]): string | undefined {
  const first = rows[0];
  if (!first) return 'The snapshot has no rows to replay.';
  try {
    requestFromRows(metadata, [first], featureNames ? { featureNames } : {});
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}

/**
 * Why a snapshot cannot be replayed to the model, said short enough for a picker's line: that none of the model's
 * feature columns is in the first row when that is the reason, else replayMisfit()'s reason. Undefined when the
 * rows fit (rows with some of the feature columns fit: the others are sent as missing values).
 */
export function replayMisfitSummary(metadata: Pick<OipModelMetadata, 'inputs'>, rows: readonly Record<string, unknown>[], featureNames?: readonly string[]): string | undefined {
  const misfit = replayMisfit(metadata, rows, featureNames);
  const first = rows[0];
  if (misfit === undefined || !first || !featureNames?.length || featureNames.some((f) => f in first)) return misfit;
  return `None of the model's ${featureNames.length} input columns is in the snapshot (${someNames(featureNames)}).`;
}

/** Up to four names, then how many more. */
function someNames(names: readonly string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

/**
 * The model's input columns a snapshot that fits lacks (checked on its first row, as the fit is): they are sent as
 * missing values (NaN), which many models cannot score, so every answer may be meaningless. Said short enough for a
 * picker's line; undefined when every input column is there, or none is (then the snapshot does not fit), or the
 * model's input names are not known.
 */
export function replayMissingInputs(rows: readonly Record<string, unknown>[], featureNames?: readonly string[]): string | undefined {
  const first = rows[0];
  if (!first || !featureNames?.length) return undefined;
  const missing = featureNames.filter((f) => !(f in first));
  if (missing.length === 0 || missing.length === featureNames.length) return undefined;
  return `${missing.length} of the model's ${featureNames.length} inputs are not in the snapshot (${someNames(missing)}): every request sends them as missing values (NaN)`;
}

/** What Replay Snapshot Traffic knows of a snapshot before it reads a row (a catalog SnapshotEntry fits). */
export interface ReplaySnapshotFacts {
  /** Workspace-relative path (what `dvc pull` takes). */
  relPath: string;
  /** The data format, or 'directory' for a folder (a DVC-tracked directory). */
  format: string;
  /** False when only a DVC pointer is in the workspace (data not pulled). */
  present: boolean;
  dvc?: { isDir: boolean; nfiles?: number };
  /** Why the catalog could not read it. */
  error?: { message: string };
}

/** A path as `dvc pull` takes it in a shell: quoted when it holds spaces or quotes. */
function shellPath(path: string): string {
  return /^[\w./@+-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

/**
 * Why a snapshot has no rows here to replay, and what to do, said short enough for a picker's line (plain text: a
 * picker shows no Markdown): data DVC tracks but that is not pulled ("not pulled — run dvc pull data/x.csv"), a
 * folder (its files are snapshots of their own, once pulled), or a file the catalog could not read. Undefined when its
 * rows can be read.
 */
export function replayUnavailable(s: ReplaySnapshotFacts): string | undefined {
  const pull = `dvc pull ${shellPath(s.relPath)}`;
  if (s.format === 'directory' || s.dvc?.isDir) {
    const n = s.dvc?.nfiles;
    const folder = n === undefined ? 'a folder' : `a folder of ${n.toLocaleString('en-US')} file${n === 1 ? '' : 's'}`;
    return s.present ? `${folder} — replay one of its files` : `${folder}, not pulled — run ${pull}, then replay one of its files`;
  }
  if (!s.present) return `not pulled — run ${pull}`;
  if (s.error) return `cannot be read — ${s.error.message}`;
  return undefined;
}

/** A snapshot offered by Replay Snapshot Traffic, as orderReplayChoices() sees it. */
export interface ReplayCandidate<T> {
  item: T;
  snapshotId: string;
  /** The dataset the snapshot belongs to (its name or id). */
  dataset: string;
  /** Why its rows cannot be replayed to the model; undefined when they fit, or when fit was not checked. */
  misfit?: string;
  /** Why it has no rows here to replay (replayUnavailable()); its fit is not checked then. */
  unavailable?: string;
  /** Its file (absolute), to tell the deployment's drift baseline. */
  path?: string;
}

export interface ReplayChoice<T> {
  item: T;
  /** training: the served version was trained on it (its lineage); sibling: another snapshot of that dataset. */
  relation: 'training' | 'sibling' | 'other';
  /** The deployment's drift baseline, by the drift rule (deploymentDriftSource): what its live drift is measured against. */
  baseline: boolean;
  misfit?: string;
  unavailable?: string;
}

/**
 * The snapshots Replay Snapshot Traffic offers, in the order a user wants them: those whose rows fit the model, the
 * deployment's drift baseline first (`baseline`: its absolute path, when it has one), the served version's training snapshot next, then the other snapshots of its dataset, then the rest (each group in
 * the catalog's order, newest first within a dataset); apart, those that do not fit; and last, those with no rows
 * here to replay (not pulled, folders, unreadable), each group in the same order.
 * `training` holds the snapshot ids of the served version's lineage (empty when the version is not known).
 */
export function orderReplayChoices<T>(candidates: readonly ReplayCandidate<T>[], training: ReadonlySet<string>, baseline?: string): { fitting: ReplayChoice<T>[]; misfits: ReplayChoice<T>[]; unavailable: ReplayChoice<T>[] } {
  const ownDatasets = new Set(candidates.filter((c) => training.has(c.snapshotId)).map((c) => c.dataset));
  const RANK = { training: 0, sibling: 1, other: 2 } as const;
  const choices = candidates
    .map((c, index) => {
      const relation: ReplayChoice<T>['relation'] = training.has(c.snapshotId) ? 'training' : ownDatasets.has(c.dataset) ? 'sibling' : 'other';
      const why = c.unavailable !== undefined ? { unavailable: c.unavailable } : c.misfit !== undefined ? { misfit: c.misfit } : {};
      const isBaseline = baseline !== undefined && c.path !== undefined && resolve(c.path) === resolve(baseline);
      return { choice: { item: c.item, relation, baseline: isBaseline, ...why }, index };
    })
    .sort((a, b) => Number(b.choice.baseline) - Number(a.choice.baseline) || RANK[a.choice.relation] - RANK[b.choice.relation] || a.index - b.index)
    .map((x) => x.choice);
  return {
    fitting: choices.filter((c) => c.misfit === undefined && c.unavailable === undefined),
    misfits: choices.filter((c) => c.misfit !== undefined),
    unavailable: choices.filter((c) => c.unavailable !== undefined),
  };
}

/** Sends the rows (cycling through them) and resolves with what happened; throws only for invalid options. */
export async function replaySnapshot(o: ReplayOptions): Promise<ReplaySummary> {
  if (!(o.rate > 0)) throw new RangeError(`The rate must be more than 0 requests per second (got ${o.rate}).`);
  if (!(Number.isInteger(o.maxRequests) && o.maxRequests >= 1)) throw new RangeError(`The request count must be a whole number ≥ 1 (got ${o.maxRequests}).`);
  if (!(o.maxDurationMs > 0)) throw new RangeError(`The duration must be more than 0 (got ${o.maxDurationMs} ms).`);
  if (o.rows.length === 0) throw new Error('The snapshot has no rows to replay.');
  const share = o.feedbackShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`The feedback share must be between 0 and 1 (got ${share}).`);
  if (share > 0 && o.labelColumn === undefined) throw new Error('Feedback needs the label column of the snapshot.');
  if (share > 0 && o.labelColumn !== undefined && !o.rows.some((r) => o.labelColumn !== undefined && r[o.labelColumn] !== undefined && r[o.labelColumn] !== null)) {
    throw new Error(`The snapshot has no values in the label column "${o.labelColumn}", so no feedback can be sent: replay it without feedback, or name the column that holds the right answers.`);
  }
  const shifts = o.shifts ?? [];
  for (const s of shifts) if (!o.rows.some((r) => s.column in r)) throw new Error(`The snapshot has no column "${s.column}" to shift.`);
  const build = (row: Record<string, unknown>, id: string) => requestFromRows(o.metadata, [row], { ...(o.featureNames ? { featureNames: o.featureNames } : {}), id });
  // Fails now, with the reason, when the rows do not fit the model.
  build(shiftRow(o.rows[0] as Record<string, unknown>, shifts), 'check');

  const random = mulberry32(o.seed ?? 1);
  const prefix = o.idPrefix ?? `replay-${Date.now().toString(36)}`;
  const concurrency = o.concurrency ?? 16;
  const delay = o.feedbackDelayMs ?? 2000;
  const started = performance.now();
  const progress: ReplayProgress = { sent: 0, ok: 0, failed: 0, feedback: 0, elapsedMs: 0 };
  const ids: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const feedbackTimers = new Set<Promise<void>>();
  let stoppedBy: ReplaySummary['stoppedBy'] = 'count';
  const report = (): void => {
    progress.elapsedMs = performance.now() - started;
    o.onProgress?.({ ...progress });
  };

  const sendFeedback = async (id: string, label: unknown): Promise<void> => {
    await sleep(delay, o.signal);
    if (o.signal?.aborted) return;
    try {
      await o.client.feedback({ request_id: id, label: label as string | number | boolean, source: 'review', note: 'replayed from the snapshot' });
      progress.feedback++;
    } catch (err) {
      progress.lastError = `feedback: ${errorMessage(err)}`;
    }
    report();
  };

  for (let i = 0; i < o.maxRequests; i++) {
    if (o.signal?.aborted) {
      stoppedBy = 'cancelled';
      break;
    }
    const due = (i * 1000) / o.rate;
    const now = performance.now() - started;
    if (due >= o.maxDurationMs) {
      stoppedBy = 'duration';
      break;
    }
    await sleep(due - now, o.signal);
    if (o.signal?.aborted) {
      stoppedBy = 'cancelled';
      break;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const row = o.rows[i % o.rows.length] as Record<string, unknown>;
    const id = `${prefix}-${i}`;
    const wantsFeedback = share > 0 && random() < share;
    progress.sent++;
    const p = (async () => {
      try {
        await o.client.infer(build(shiftRow(row, shifts), id), o.signal ? { signal: o.signal } : {});
        progress.ok++;
        ids.push(id);
        const label = o.labelColumn !== undefined ? row[o.labelColumn] : undefined;
        if (wantsFeedback && label !== undefined && label !== null) {
          const f = sendFeedback(id, label);
          feedbackTimers.add(f);
          void f.finally(() => feedbackTimers.delete(f));
        }
      } catch (err) {
        progress.failed++;
        progress.lastError = errorMessage(err);
      }
      report();
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  await Promise.all(feedbackTimers);
  if (o.signal?.aborted) stoppedBy = 'cancelled';
  progress.elapsedMs = performance.now() - started;
  return { ...progress, stoppedBy, ids };
}
