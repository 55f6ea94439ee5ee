// DVC pointers: `.dvc` files and `dvc.lock` (schema 2.0, and the older stage-map layout). Hashes and sizes tell which
// data version a model was trained on even when the data itself is not pulled.

import { basename } from 'node:path';
import { readYamlFile, formatKeyPath, yamlError } from './yamlFile';
import type { YamlFile, YamlPath } from './yamlFile';

export interface DvcOut {
  /** Path relative to the .dvc/dvc.lock file's directory (or the stage's wdir). */
  path: string;
  /** Content hash; ends with ".dir" for a directory. For cloud outputs without md5 this is the etag/checksum. */
  md5: string;
  /** Hash algorithm recorded by DVC 3 (`hash: md5`). */
  hash?: string;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  isDir: boolean;
  cache?: boolean;
  remote?: string;
}

/** A dependency: like an output, but the hash may be absent (imports from another repository record `repo` instead). */
export interface DvcDep {
  path: string;
  md5?: string;
  hash?: string;
  size?: number;
  nfiles?: number;
  isDir: boolean;
  /** For `dvc import`: the source repository URL. */
  repoUrl?: string;
}

export interface DvcFile {
  path: string;
  outs: DvcOut[];
  deps: DvcDep[];
  wdir?: string;
  frozen?: boolean;
  md5?: string;
}

export interface DvcStage {
  name: string;
  cmd?: string;
  deps: DvcDep[];
  outs: DvcOut[];
  /** params file → { param name → value }. */
  params: Record<string, Record<string, unknown>>;
}

export interface DvcLock {
  path: string;
  schema: string;
  stages: DvcStage[];
}

export interface DvcReadOptions {
  /** How the file is named in error messages (default: its base name), e.g. "data/x.dvc". */
  displayPath?: string;
}

const MD5 = /^[0-9a-f]{32}(\.dir)?$/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalCount(file: YamlFile, item: Record<string, unknown>, key: string, at: YamlPath): number | undefined {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw yamlError(file, [...at, key], `${formatKeyPath([...at, key])} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function readHash(file: YamlFile, item: Record<string, unknown>, at: YamlPath, required: boolean): string | undefined {
  const raw = item['md5'] ?? item['etag'] ?? item['checksum'];
  const key = item['md5'] !== undefined ? 'md5' : item['etag'] !== undefined ? 'etag' : 'checksum';
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw yamlError(file, at, `${formatKeyPath([...at, 'md5'])} is missing`);
    return undefined;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw yamlError(file, [...at, key], `${formatKeyPath([...at, key])} must be a string`);
  }
  const value = String(raw);
  if (key === 'md5' && !MD5.test(value)) {
    throw yamlError(file, [...at, key], `${formatKeyPath([...at, key])} "${value}" is not an MD5 hash (32 hex digits, optionally ending in .dir)`);
  }
  return value;
}

function readPath(file: YamlFile, item: Record<string, unknown>, at: YamlPath): string {
  const p = item['path'];
  if (typeof p !== 'string' || p === '') throw yamlError(file, at, `${formatKeyPath([...at, 'path'])} is missing`);
  return p;
}

function readOut(file: YamlFile, raw: unknown, at: YamlPath): DvcOut {
  if (!isRecord(raw)) throw yamlError(file, at, `${formatKeyPath(at)} must be a mapping with path and md5`);
  const path = readPath(file, raw, at);
  const md5 = readHash(file, raw, at, true) as string;
  const out: DvcOut = { path, md5, isDir: md5.endsWith('.dir') };
  const size = optionalCount(file, raw, 'size', at);
  if (size !== undefined) out.size = size;
  const nfiles = optionalCount(file, raw, 'nfiles', at);
  if (nfiles !== undefined) out.nfiles = nfiles;
  if (typeof raw['hash'] === 'string') out.hash = raw['hash'];
  if (typeof raw['isexec'] === 'boolean') out.isexec = raw['isexec'];
  if (typeof raw['cache'] === 'boolean') out.cache = raw['cache'];
  if (typeof raw['remote'] === 'string') out.remote = raw['remote'];
  return out;
}

function readDep(file: YamlFile, raw: unknown, at: YamlPath): DvcDep {
  if (!isRecord(raw)) throw yamlError(file, at, `${formatKeyPath(at)} must be a mapping with a path`);
  const path = readPath(file, raw, at);
  const md5 = readHash(file, raw, at, false);
  const dep: DvcDep = { path, isDir: md5?.endsWith('.dir') ?? false };
  if (md5 !== undefined) dep.md5 = md5;
  const size = optionalCount(file, raw, 'size', at);
  if (size !== undefined) dep.size = size;
  const nfiles = optionalCount(file, raw, 'nfiles', at);
  if (nfiles !== undefined) dep.nfiles = nfiles;
  if (typeof raw['hash'] === 'string') dep.hash = raw['hash'];
  const repo = raw['repo'];
  if (isRecord(repo) && typeof repo['url'] === 'string') dep.repoUrl = repo['url'];
  return dep;
}

function readList<T>(file: YamlFile, value: unknown, at: YamlPath, item: (raw: unknown, at: YamlPath) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw yamlError(file, at, `${formatKeyPath(at)} must be a list`);
  return value.map((v, i) => item(v, [...at, i]));
}

/** Reads a `.dvc` pointer file: its outs (path, md5, size, nfiles…) and deps. */
export async function readDvcFile(path: string, options: DvcReadOptions = {}): Promise<DvcFile> {
  const file = await readYamlFile(path, options.displayPath ?? basename(path));
  const doc = file.value;
  if (!isRecord(doc)) throw yamlError(file, [], 'expected a mapping with an outs list');
  if (doc['outs'] === undefined) throw yamlError(file, [], 'outs is missing — not a DVC pointer file');
  const outs = readList(file, doc['outs'], ['outs'], (raw, at) => readOut(file, raw, at));
  if (outs.length === 0) throw yamlError(file, ['outs'], 'outs is empty');
  const result: DvcFile = { path, outs, deps: readList(file, doc['deps'], ['deps'], (raw, at) => readDep(file, raw, at)) };
  if (typeof doc['wdir'] === 'string') result.wdir = doc['wdir'];
  if (typeof doc['frozen'] === 'boolean') result.frozen = doc['frozen'];
  if (typeof doc['md5'] === 'string') result.md5 = doc['md5'];
  return result;
}

function readStage(file: YamlFile, name: string, raw: unknown, at: YamlPath): DvcStage {
  if (!isRecord(raw)) throw yamlError(file, at, `stage '${name}' must be a mapping`);
  const stage: DvcStage = {
    name,
    deps: readList(file, raw['deps'], [...at, 'deps'], (r, p) => readDep(file, r, p)),
    outs: readList(file, raw['outs'], [...at, 'outs'], (r, p) => readOut(file, r, p)),
    params: {},
  };
  const cmd = raw['cmd'];
  if (typeof cmd === 'string') stage.cmd = cmd;
  else if (Array.isArray(cmd)) stage.cmd = cmd.map(String).join(' && ');
  const params = raw['params'];
  if (isRecord(params)) {
    for (const [f, values] of Object.entries(params)) if (isRecord(values)) stage.params[f] = values;
  }
  return stage;
}

/** Reads `dvc.lock`: every stage with its deps and outs (md5, size, nfiles). */
export async function readDvcLock(path: string, options: DvcReadOptions = {}): Promise<DvcLock> {
  const file = await readYamlFile(path, options.displayPath ?? basename(path));
  const doc = file.value;
  if (doc === null || doc === undefined) return { path, schema: '', stages: [] };
  if (!isRecord(doc)) throw yamlError(file, [], 'expected a mapping with schema and stages');
  const stages: DvcStage[] = [];
  if (doc['schema'] !== undefined) {
    const rawSchema = doc['schema'];
    const schema = typeof rawSchema === 'string' || typeof rawSchema === 'number' ? String(rawSchema) : JSON.stringify(rawSchema);
    if (!schema.startsWith('2.')) throw yamlError(file, ['schema'], `unsupported dvc.lock schema '${schema}' (expected 2.0)`);
    const raw = doc['stages'];
    if (raw !== undefined && raw !== null && !isRecord(raw)) throw yamlError(file, ['stages'], 'stages must be a mapping of stage names');
    for (const [name, s] of Object.entries(raw ?? {})) stages.push(readStage(file, name, s, ['stages', name]));
    return { path, schema, stages };
  }
  // DVC 1.x lock files: the stages are the top-level keys.
  for (const [name, s] of Object.entries(doc)) stages.push(readStage(file, name, s, [name]));
  return { path, schema: '1', stages };
}
