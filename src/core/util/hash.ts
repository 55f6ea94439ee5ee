// Content hashes for model and data files, computed by streaming (never whole-file reads) and cached by
// (path, size, mtime) so unchanged files are never hashed twice.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const s = await stat(path);
  const hit = cache.get(path);
  if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs) return hit.sha256;
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  cache.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  return sha256;
}

/** A folder's hash: sha256 over the sorted list of `relative-path NUL file-sha256` lines of every file under it. */
export async function sha256Dir(dir: string, signal?: AbortSignal): Promise<string> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(childRel);
      else if (e.isFile()) files.push(childRel);
    }
  };
  await walk('');
  files.sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0${await sha256File(join(dir, f), signal)}\n`);
  return hash.digest('hex');
}

/** The hash of a file, or of a folder (see sha256Dir). */
export async function sha256Path(path: string, signal?: AbortSignal): Promise<string> {
  return (await stat(path)).isDirectory() ? sha256Dir(path, signal) : sha256File(path, signal);
}

export function shortHash(hex: string): string {
  return hex.slice(0, 12);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
