// Workspace walk: finds the files and folders that may hold models or data, skipping what never does
// (dependencies, VCS folders, virtualenvs, caches) and what the user excluded (files.exclude globs).
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';

/** Folders never worth descending into, by name. */
export const ALWAYS_SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '.ipynb_checkpoints', 'site-packages', '.dvc', '.cache', '.idea', '.gradle', 'conda-meta', '.vscode-test',
  // `mlship serve` writes its prediction and feedback logs here.
  '.mlship',
]);

/** Marker files that make a folder a Python environment (skipped whatever its name). */
const ENV_MARKERS = new Set(['pyvenv.cfg', 'conda-meta']);

export interface WalkOptions {
  /** Glob patterns relative to the root (files.exclude style, e.g. `**\/.DS_Store`). */
  exclude?: readonly string[];
  /** Decides which files are kept in the result (all are counted). Default: keep every file. */
  keepFile?: (name: string) => boolean;
  /** Folders whose contents are handed over whole instead of walked (e.g. `mlruns`): returned in `claimedDirs`. */
  claimDir?: (name: string) => boolean;
  signal?: AbortSignal;
  /** How many directories are read concurrently. */
  concurrency?: number;
}

export interface WalkedFile {
  /** Path relative to the root, with `/` separators. */
  relPath: string;
  name: string;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Relative paths of folders handed over by `claimDir`. */
  claimedDirs: string[];
  /** Relative paths of every folder visited (including the root as ''). */
  dirs: string[];
  filesSeen: number;
  errors: { relPath: string; message: string }[];
}

export function compileExcludes(patterns: readonly string[]): (relPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const matchers = patterns.map((p) => picomatch(p.replace(/\/+$/, ''), { dot: true }));
  return (relPath) => matchers.some((m) => m(relPath));
}

/** Walks `root` breadth-first with bounded concurrency. Never throws for unreadable folders: they go to `errors`. */
export async function walkWorkspace(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const isExcluded = compileExcludes(options.exclude ?? []);
  const keepFile = options.keepFile ?? (() => true);
  const claimDir = options.claimDir ?? (() => false);
  const result: WalkResult = { files: [], claimedDirs: [], dirs: [], filesSeen: 0, errors: [] };
  const queue: string[] = [''];
  const concurrency = options.concurrency ?? 16;

  const visit = async (rel: string): Promise<void> => {
    const abs = rel ? join(root, rel) : root;
    const subdirs: string[] = [];
    const files: WalkedFile[] = [];
    let isEnv = false;
    try {
      const dir = await opendir(abs, { bufferSize: 64 });
      for await (const entry of dir) {
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (ENV_MARKERS.has(entry.name)) isEnv = true;
        if (entry.isDirectory()) {
          if (ALWAYS_SKIPPED_DIRS.has(entry.name) || isExcluded(childRel)) continue;
          if (claimDir(entry.name)) result.claimedDirs.push(childRel);
          else subdirs.push(childRel);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          result.filesSeen++;
          if (keepFile(entry.name) && !isExcluded(childRel)) files.push({ relPath: childRel, name: entry.name });
        }
      }
    } catch (err) {
      result.errors.push({ relPath: rel || '.', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (isEnv && rel) return; // a virtualenv or conda env: nothing of the project's lives there
    result.dirs.push(rel);
    result.files.push(...files);
    queue.push(...subdirs);
  };

  const running = new Set<Promise<void>>();
  while (queue.length > 0 || running.size > 0) {
    if (options.signal?.aborted) throw abortError();
    while (queue.length > 0 && running.size < concurrency) {
      const p: Promise<void> = visit(queue.shift() as string).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size > 0) await Promise.race(running);
  }
  result.files.sort((a, b) => a.relPath.localeCompare(b.relPath));
  result.dirs.sort();
  result.claimedDirs.sort();
  return result;
}

export function abortError(): Error {
  const err = new Error('The operation was cancelled.');
  err.name = 'AbortError';
  return err;
}

export async function fileStat(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}
