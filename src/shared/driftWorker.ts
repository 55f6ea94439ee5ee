// Messages between the extension and the profiling worker (a child process running `mlship worker`): one request per
// process, progress while it runs, then one result. The extension kills the process to cancel. Both sides validate.
// A worker whose first request is a live-drift one stays up instead, comparing windows of the deployments' logged
// inputs with their baselines (one baseline per deployment id) until the extension disconnects.
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

export type LiveDriftRequest =
  | { type: 'live-open'; seq: number; id: string; baseline: string; manifestPath?: string; cacheDir?: string }
  | { type: 'live-score'; seq: number; id: string; windows: Record<string, unknown>[][] }
  | { type: 'live-detail'; seq: number; id: string; inputs: Record<string, unknown>[]; top: number }
  | { type: 'live-close'; seq: number; id: string };

export type LiveDriftResponse =
  | { type: 'live-opened'; seq: number; baseline: { name: string; rows: number }; cached: boolean }
  | { type: 'live-scores'; seq: number; scores: (WindowScore | null)[] }
  | { type: 'live-detail'; seq: number; detail: WindowDetail | null }
  | { type: 'live-closed'; seq: number }
  | { type: 'live-error'; seq: number; message: string };

const isRecords = (x: unknown): x is Record<string, unknown>[] => Array.isArray(x) && x.every(isRecord);

export function isLiveDriftRequest(x: unknown): x is LiveDriftRequest {
  if (!isRecord(x) || typeof x.seq !== 'number' || typeof x.id !== 'string') return false;
  switch (x.type) {
    case 'live-open':
      return typeof x.baseline === 'string' && optStr(x.manifestPath) && optStr(x.cacheDir);
    case 'live-score':
      return Array.isArray(x.windows) && x.windows.every(isRecords);
    case 'live-detail':
      return isRecords(x.inputs) && typeof x.top === 'number';
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
