// What the CLI, the profiling worker and the dashboards call: profile a file (cached by content hash), load a saved
// profile as a baseline, compare two sides into a report that still shows when one side cannot be read, and compare
// a window of in-memory records against a baseline profile.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriftReport, Profile, SemanticType } from '../../shared/drift';
import { profileProblem } from '../../shared/drift';
import { VERSION } from '../../shared/version';
import { FormatError } from '../formats/types';
import { errorMessage } from '../util/concurrency';
import { sha256File } from '../util/hash';
import { compareProfiles, DEFAULT_DRIFT_CONFIG, type DriftConfig } from './compare';
import { typeOverrides } from './config';
import type { ParallelProfiling } from './parallel';
import { DEFAULT_PROFILE_OPTIONS, formatOfPath, profileFile, profileRecords, type ProfileProgress, type ProfileRequest } from './profile';

export interface SideResult {
  profile: Profile;
  /** True when the side was a saved profile JSON. */
  fromProfile: boolean;
  /** True when the profile came from the cache. */
  cached: boolean;
}

export interface DriftRunOptions {
  config?: DriftConfig;
  /** Folder for cached profiles (by content hash); no caching when absent. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (side: 'baseline' | 'current', p: ProfileProgress) => void;
  /** Worker threads for large CSV/TSV files. */
  parallel?: ParallelProfiling;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Reads a saved profile, checking it is one. */
export async function readProfileJson(path: string): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new FormatError(`Cannot read ${baseName(path)}: ${errorMessage(err)}`, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FormatError(`${baseName(path)} is not valid JSON (${errorMessage(err)}); a baseline .json must be a profile written by \`mlship profile --out\``, path);
  }
  const problem = profileProblem(value);
  if (problem) throw new FormatError(`${baseName(path)} is not a usable profile: ${problem}`, path);
  const profile = value as Profile;
  profile.source.path ??= path;
  return profile;
}

function cacheKey(sha256: string, request: ProfileRequest): string {
  const options = { ...DEFAULT_PROFILE_OPTIONS, ...request.options };
  const key = JSON.stringify({ v: VERSION, sha256, options, types: request.types ?? {}, delimiter: request.delimiter ?? null });
  return createHash('sha256').update(key).digest('hex');
}

/** Profiles a data file, or reads the cached profile of the same content and settings. */
export async function profileFileCached(path: string, request: ProfileRequest, cacheDir: string | undefined): Promise<{ profile: Profile; cached: boolean }> {
  if (!cacheDir) return { profile: await profileFile(path, request), cached: false };
  let sha256: string;
  try {
    sha256 = await sha256File(path, request.signal);
  } catch {
    return { profile: await profileFile(path, request), cached: false };
  }
  const file = join(cacheDir, `${cacheKey(sha256, request)}.json`);
  try {
    const hit: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (profileProblem(hit) === undefined) {
      const profile = hit as Profile;
      profile.source.path = path;
      profile.source.name = request.name ?? baseName(path);
      return { profile, cached: true };
    }
  } catch {
    /* not cached */
  }
  const profile = await profileFile(path, request);
  profile.source.sha256 = sha256;
  try {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(profile));
    await rename(tmp, file);
  } catch {
    /* a cache that cannot be written is not an error */
  }
  return { profile, cached: false };
}

/** A data file is profiled; a .json file must be a saved profile. */
export async function loadSide(path: string, request: ProfileRequest, cacheDir?: string): Promise<SideResult> {
  if (path.toLowerCase().endsWith('.json')) return { profile: await readProfileJson(path), fromProfile: true, cached: false };
  if (!formatOfPath(path)) throw new FormatError(`Cannot read ${baseName(path)}: use a .csv, .tsv, .jsonl, .parquet file or a profile .json`, path);
  const { profile, cached } = await profileFileCached(path, request, cacheDir);
  return { profile, fromProfile: false, cached };
}

/** A stand-in profile for a side that could not be read, so the report still shows what went wrong. */
function unreadable(path: string): Profile {
  return {
    schema: 1, kind: 'mlship-profile', source: { name: baseName(path), path, format: formatOfPath(path) ?? 'csv' }, createdBy: `mlship ${VERSION}`,
    rows: 0, malformedRows: 0, options: DEFAULT_PROFILE_OPTIONS, columns: [], problems: [],
  };
}

/** Compares two data files or saved profiles. Unreadable input becomes a problem in the report, not an exception
 * (cancellation still throws). */
export async function driftBetween(baselinePath: string, currentPath: string, options: DriftRunOptions = {}): Promise<DriftReport> {
  const config = options.config ?? DEFAULT_DRIFT_CONFIG;
  const request = (side: 'baseline' | 'current'): ProfileRequest => ({
    options: { rowLimit: config.rowLimit },
    types: typeOverrides(config),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.parallel ? { parallel: options.parallel } : {}),
    ...(options.onProgress ? { onProgress: (p: ProfileProgress) => options.onProgress?.(side, p) } : {}),
  });
  const sides: { result?: SideResult; error?: string }[] = [];
  for (const [side, path] of [['baseline', baselinePath], ['current', currentPath]] as const) {
    try {
      sides.push({ result: await loadSide(path, request(side), options.cacheDir) });
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      sides.push({ error: errorMessage(err) });
    }
  }
  const [b, c] = sides as [(typeof sides)[number], (typeof sides)[number]];
  const report = compareProfiles(b.result?.profile ?? unreadable(baselinePath), c.result?.profile ?? unreadable(currentPath), config, {
    baselineFromProfile: b.result?.fromProfile ?? false,
    currentFromProfile: c.result?.fromProfile ?? false,
  });
  if (b.error) report.problems.unshift({ side: 'baseline', message: b.error, file: baselinePath });
  if (c.error) report.problems.unshift({ side: 'current', message: c.error, file: currentPath });
  if (b.error || c.error) {
    report.unreadable = [...(b.error ? ['baseline' as const] : []), ...(c.error ? ['current' as const] : [])];
    report.summary.verdict = `Cannot compare: the ${b.error ? 'baseline' : 'current data'} could not be read (see the problems below).`;
    report.summary.cannotCompare = { reason: 'unreadable', message: report.summary.verdict };
  }
  return report;
}

/** Profiles a window of records held in memory with the baseline's column types (so a short window cannot be typed
 * differently) and the types mlship.yaml sets. */
export function profileWindow(baseline: Profile, records: readonly Readonly<Record<string, unknown>>[], config: DriftConfig = DEFAULT_DRIFT_CONFIG, name = 'window'): Profile {
  const types: Record<string, SemanticType> = {};
  for (const c of baseline.columns) if (c.type !== 'empty') types[c.name] = c.type;
  return profileRecords(records, { name, options: { rowLimit: config.rowLimit }, types: { ...types, ...typeOverrides(config) } });
}

/**
 * Drift of a window of records held in memory (e.g. the `inputs` of prediction-log records) against a baseline
 * profile: what the Deployments dashboard computes per window.
 */
export function compareRecords(baseline: Profile, records: readonly Readonly<Record<string, unknown>>[], config: DriftConfig = DEFAULT_DRIFT_CONFIG, name = 'window'): DriftReport {
  return compareProfiles(baseline, profileWindow(baseline, records, config, name), config, { baselineFromProfile: true });
}
