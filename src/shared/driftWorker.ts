// Messages between the extension and the profiling worker (a child process running `mlship worker`): one request per
// process, progress while it runs, then one result. The extension kills the process to cancel. Both sides validate.
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
