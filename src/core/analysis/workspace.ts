// Light inter-file resolution: when a file imports a name from another module of the workspace (`from app.model import
// get_model`, `import { session } from './ml'`), the analyzers ask what that name holds. The module is found on disk
// (relative to the importing file, or up its folders for absolute Python packages), its text scanned (with `scan`: a
// module that cannot export a model, client or inference URL stops there), then summarized once by its language's
// analyzer; scans and summaries are cached by path and modification time. Only one level deep: a summary does not
// follow the imports of the module it summarizes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { estimatorClass } from './python/libs';
import type { Language, ModuleSummary, WorkspaceResolver } from './types';

/** Summarizes one module's source (provided by the engine, so that this file needs no analyzer). */
export type Summarizer = (source: string, lang: Language) => ModuleSummary;
/** Whether a module's summary may hold anything, from its text alone (the engine's `mayExportSymbols`). */
export type ExportScan = (source: string, lang: Language) => boolean;

export interface WorkspaceResolverOptions {
  /** Folders imports may resolve into (the workspace folders); outside them nothing is read. */
  roots: string[];
  summarize: Summarizer;
  /** At most this many modules are kept summarized (least recently used go first). */
  maxModules?: number;
  /** Files larger than this are not summarized. */
  maxBytes?: number;
  /**
   * The files do not change while this resolver is used, except those passed to `forget` (one `mlship check` run):
   * each path is looked up on disk once and each module specifier resolved once per folder. Without it (the language
   * server, where files change under it) every lookup asks the disk again.
   */
  snapshot?: boolean;
  /**
   * Scans a module's text before it is summarized: a module the scan rules out exports nothing `lookup` returns (it is
   * not parsed), and the pre-scan does not follow the names imported from it (`mayExport`). Cached by path and
   * modification time, as summaries are. A caller that keeps results across edits (the language server) analyzes the
   * files that import a module again when it changes on disk, since what a scan ruled out is not asked again.
   */
  scan?: ExportScan;
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function languageOf(path: string): Language | undefined {
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.tsx')) return 'tsx';
  if (/\.[mc]?ts$/.test(path)) return 'typescript';
  if (/\.[mc]?jsx?$/.test(path)) return 'javascript';
  return undefined;
}

interface PathStat {
  file?: { mtimeMs: number; size: number };
  dir: boolean;
}

function statOf(path: string): PathStat {
  try {
    // Most candidate paths of a specifier do not exist: no exception for those (five times cheaper).
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) return { dir: false };
    return { ...(s.isFile() ? { file: { mtimeMs: s.mtimeMs, size: s.size } } : {}), dir: s.isDirectory() };
  } catch {
    return { dir: false };
  }
}

/**
 * The name a module specifier ends in (`./ml/session` → `session`, `app.ml.loader` → `loader`, `.model` → `model`):
 * a file that appears later can be that module only if it is named so (or is the index / `__init__` of a folder so
 * named; see `moduleNamesOf`).
 */
export function specifierName(specifier: string): string {
  const python = !/[/@~]/.test(specifier) && !specifier.startsWith('./') && !specifier.startsWith('../');
  const parts = (python ? specifier.split('.') : specifier.split('/')).filter((p) => p !== '' && p !== '.' && p !== '..');
  return (parts[parts.length - 1] ?? '').replace(/\.(?:[mc]?[jt]sx?|py)$/, '');
}

/** The module names a file answers to: its name without the extension, and its folder's for an index or `__init__`. */
export function moduleNamesOf(path: string): string[] {
  const name = basename(path).replace(/\.[^.]*$/, '');
  return name === 'index' || name === '__init__' ? [name, basename(dirname(path))] : [name];
}

/** What was made of each module's text, kept while its modification time stays; the least recently used go past `max`. */
class ModuleCache<T> {
  private readonly entries = new Map<string, { mtimeMs: number; value: T }>();

  constructor(private readonly max: number) {}

  get(file: string, mtimeMs: number): T | undefined {
    const hit = this.entries.get(file);
    if (!hit || hit.mtimeMs !== mtimeMs) return undefined;
    this.entries.delete(file);
    this.entries.set(file, hit);
    return hit.value;
  }

  set(file: string, mtimeMs: number, value: T): void {
    this.entries.delete(file);
    this.entries.set(file, { mtimeMs, value });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(file: string): void {
    this.entries.delete(file);
  }
}

export class FileWorkspaceResolver implements WorkspaceResolver {
  private readonly summaries: ModuleCache<ModuleSummary>;
  private readonly roots: string[];
  /** With `snapshot`: what each path is on disk, and the file each folder + specifier resolved to. */
  private readonly stats = new Map<string, PathStat>();
  private readonly resolved = new Map<string, string | undefined>();
  /** With `snapshot`: what each folder holds, by name (a folder is listed once instead of a stat per candidate path). */
  private readonly listings = new Map<string, Map<string, 'file' | 'dir' | 'other'>>();
  /** With `scan`: each module's scan (see `mayExport`); scans are small, so four times as many are kept. */
  private readonly scans: ModuleCache<boolean>;
  /** Each Python file's saved model files and the kind of estimator in each (see `savedModelKind`). */
  private readonly saves: ModuleCache<Map<string, 'classifier' | 'regressor'>>;

  constructor(private readonly options: WorkspaceResolverOptions) {
    this.roots = options.roots.map((r) => resolve(r));
    const maxModules = options.maxModules ?? 500;
    this.summaries = new ModuleCache(maxModules);
    this.scans = new ModuleCache(maxModules * 4);
    this.saves = new ModuleCache(maxModules);
  }

  lookup(fromPath: string, specifier: string, name: string): ReturnType<WorkspaceResolver['lookup']> {
    const file = this.resolveModule(fromPath, specifier);
    if (!file) return undefined;
    return this.symbolIn(file, name);
  }

  /**
   * What `name` holds in the module at `file` (a path `resolveModule` returned), from its summary; nothing, without
   * parsing it, when `scan` rules the module out.
   */
  symbolIn(file: string, name: string): ReturnType<WorkspaceResolver['lookup']> {
    if (!this.mayExportFile(file)) return undefined;
    return this.summaryOf(file)?.get(name);
  }

  /**
   * Whether the module `specifier` names may export anything `lookup` returns. Without `scan`, true. With it: false for
   * a module that is not found or not read (`lookup` finds nothing there either), or whose text `scan` rules out.
   */
  mayExport(fromPath: string, specifier: string): boolean {
    if (!this.options.scan) return true;
    const file = this.resolveModule(fromPath, specifier);
    return file !== undefined && this.mayExportFile(file);
  }

  /** With `scan`: whether the module at `file` may export anything (its summary's answer once it has one). */
  mayExportFile(file: string): boolean {
    const scan = this.options.scan;
    if (!scan) return true;
    const stat = this.isFile(file);
    if (!stat || stat.size > this.maxBytes) return false;
    const summary = this.summaries.get(file, stat.mtimeMs);
    if (summary) return summary.size > 0;
    let may = this.scans.get(file, stat.mtimeMs);
    if (may === undefined) {
      try {
        may = scan(readFileSync(file, 'utf8'), languageOf(file) as Language);
      } catch {
        may = false;
      }
      this.scans.set(file, stat.mtimeMs, may);
    }
    return may;
  }

  /** With `snapshot`: `path` was written during the run, so it is looked up on disk again. */
  forget(path: string): void {
    const abs = resolve(path);
    this.stats.delete(abs);
    this.summaries.delete(abs);
    this.scans.delete(abs);
  }

  private get maxBytes(): number {
    return this.options.maxBytes ?? 2_000_000;
  }


  private stat(path: string): PathStat {
    if (!this.options.snapshot) return statOf(path);
    let s = this.stats.get(path);
    if (!s) this.stats.set(path, (s = statOf(path)));
    return s;
  }

  private isFile(path: string): PathStat['file'] {
    return this.stat(path).file;
  }

  /**
   * Whether `path` is a file, for the candidates of a module specifier: with `snapshot`, from its folder's listing
   * (a symbolic link is asked of the disk); without, from a stat.
   */
  private isCandidateFile(path: string): boolean {
    if (!this.options.snapshot) return this.isFile(path) !== undefined;
    const dir = dirname(path);
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = new Map();
      try {
        for (const e of readdirSync(dir, { withFileTypes: true })) listing.set(e.name, e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other');
      } catch {
        // Not a folder, or not readable: nothing resolves into it.
      }
      this.listings.set(dir, listing);
    }
    const kind = listing.get(basename(path));
    return kind === 'file' || (kind === 'other' && this.isFile(path) !== undefined);
  }

  /** See `WorkspaceResolver.savedModelKind`: the Python files of the folder and its parent, inside the workspace. */
  savedModelKind(fromPath: string, fileName: string): 'classifier' | 'regressor' | undefined {
    const self = resolve(fromPath);
    const dir = dirname(self);
    for (const folder of [dir, dirname(dir)]) {
      if (!this.inside(folder)) continue;
      let names: string[];
      try {
        names = readdirSync(folder).filter((n) => n.endsWith('.py'));
      } catch {
        continue;
      }
      for (const n of names.slice(0, 200)) {
        const file = join(folder, n);
        if (file === self) continue;
        const stat = this.isFile(file);
        if (!stat || stat.size > this.maxBytes) continue;
        let saved = this.saves.get(file, stat.mtimeMs);
        if (!saved) {
          try {
            saved = savedModels(readFileSync(file, 'utf8'));
          } catch {
            saved = new Map();
          }
          this.saves.set(file, stat.mtimeMs, saved);
        }
        const kind = saved.get(fileName);
        if (kind) return kind;
      }
    }
    return undefined;
  }

  private inside(path: string): boolean {
    return this.rootOf(path) !== undefined;
  }

  /** The workspace folder that holds `path`. */
  private rootOf(path: string): string | undefined {
    return this.roots.find((r) => path === r || path.startsWith(r + sep));
  }

  /** The file a module specifier names, or undefined (packages from site-packages/node_modules are not read). */
  resolveModule(fromPath: string, specifier: string): string | undefined {
    const dir = dirname(resolve(fromPath));
    const python = fromPath.endsWith('.py');
    if (!this.options.snapshot) return this.findModule(dir, python, specifier);
    const key = `${python ? 'py' : 'js'}\0${dir}\0${specifier}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const file = this.findModule(dir, python, specifier);
    this.resolved.set(key, file);
    return file;
  }

  private findModule(dir: string, python: boolean, specifier: string): string | undefined {
    const candidates: string[] = [];
    if (python) {
      const dots = /^\.+/.exec(specifier)?.[0].length ?? 0;
      const rest = specifier.slice(dots).split('.').filter(Boolean);
      const bases: string[] = [];
      if (dots > 0) {
        let base = dir;
        for (let i = 1; i < dots; i++) base = dirname(base);
        bases.push(base);
      } else {
        // An absolute import: the package may start at any folder above the file (the project root, src/, …).
        for (let d = dir, i = 0; i < 8 && this.inside(d); d = dirname(d), i++) bases.push(d);
      }
      for (const base of bases) {
        const p = join(base, ...rest);
        candidates.push(`${p}.py`, join(p, '__init__.py'));
      }
    } else {
      const bases: string[] = [];
      if (specifier.startsWith('.')) bases.push(resolve(dir, specifier));
      else if (specifier.startsWith('@/') || specifier.startsWith('~/')) {
        // The common `@/…` alias: the nearest folder above with a package.json, then its src/; with no package.json
        // inside the workspace, the workspace folder that holds the file and its src/.
        for (let d = dir, i = 0; i < 8 && this.inside(d) && bases.length === 0; d = dirname(d), i++) {
          if (this.isFile(join(d, 'package.json'))) bases.push(this.isFile(join(d, 'tsconfig.json')) && this.stat(join(d, 'src')).dir ? join(d, 'src', specifier.slice(2)) : join(d, specifier.slice(2)));
        }
        const root = bases.length === 0 ? this.rootOf(dir) : undefined;
        if (root) bases.push(join(root, specifier.slice(2)), join(root, 'src', specifier.slice(2)));
      } else if (specifier.startsWith('$lib/')) {
        // SvelteKit's `$lib` alias: src/lib of the nearest folder above with a package.json (else of the workspace folder).
        const rest = specifier.slice('$lib/'.length);
        for (let d = dir, i = 0; i < 8 && this.inside(d) && bases.length === 0; d = dirname(d), i++) if (this.isFile(join(d, 'package.json'))) bases.push(join(d, 'src', 'lib', rest));
        const root = bases.length === 0 ? this.rootOf(dir) : undefined;
        if (root) bases.push(join(root, 'src', 'lib', rest));
      }
      for (const base of bases) {
        candidates.push(base, ...JS_EXTENSIONS.map((e) => base + e), ...JS_EXTENSIONS.map((e) => join(base, `index${e}`)));
        // `./model.js` written for ESM output while the source is model.ts.
        if (/\.(?:m|c)?js$/.test(base)) candidates.push(...JS_EXTENSIONS.map((e) => base.replace(/\.(?:m|c)?js$/, e)));
      }
    }
    return candidates.find((c) => this.inside(c) && languageOf(c) !== undefined && this.isCandidateFile(c));
  }

  private summaryOf(file: string): ModuleSummary | undefined {
    const stat = this.isFile(file);
    if (!stat || stat.size > this.maxBytes) return undefined;
    const cached = this.summaries.get(file, stat.mtimeMs);
    if (cached) return cached;
    let summary: ModuleSummary;
    try {
      summary = this.options.summarize(readFileSync(file, 'utf8'), languageOf(file) as Language);
    } catch {
      summary = new Map();
    }
    this.summaries.set(file, stat.mtimeMs, summary);
    return summary;
  }
}

/**
 * The model files a Python text saves with joblib or pickle (`joblib.dump(model, "model.joblib")`,
 * `joblib.dump(value=model, filename="outputs/model.pkl")`, `pickle.dump(clf, open("models/clf.pkl", "wb"))`, a file
 * opened `as f` first), by base name, and the kind of estimator the saved name was last built as before the dump
 * (`model = LGBMRegressor()`); files whose estimator says neither are left out.
 */
export function savedModels(text: string): Map<string, 'classifier' | 'regressor'> {
  const out = new Map<string, 'classifier' | 'regressor'>();
  if (!/\bdump\s*\(/.test(text)) return out;
  const dump = /\b(?:joblib|pickle|cloudpickle|dill)\s*\.\s*dump\s*\(\s*(?:(?:value|obj)\s*=\s*)?([A-Za-z_][\w.]*)\s*,\s*(?:(?:filename|file)\s*=\s*)?(?:open\s*\(\s*)?(?:[rbfRBF]?["']([^"'\n]+)["']|([A-Za-z_]\w*))/g;
  for (const m of text.matchAll(dump)) {
    const name = m[1] as string;
    const before = text.slice(0, m.index);
    let path = m[2];
    if (!path && m[3]) path = new RegExp(`open\\s*\\(\\s*[rbfRBF]?["']([^"'\\n]+)["'][^)\\n]*\\)\\s+as\\s+${m[3]}\\b`).exec(before)?.[1];
    if (!path) continue;
    let kind: 'classifier' | 'regressor' | 'unknown' = 'unknown';
    const assign = new RegExp(`^[ \\t]*${name.replace(/\./g, '\\.')}\\s*=\\s*([^\\n]+)`, 'gm');
    for (const a of before.matchAll(assign)) {
      const k = estimatorClass(a[1] as string);
      if (k !== 'unknown') kind = k;
    }
    if (kind !== 'unknown') out.set(basename(path.replace(/\\/g, '/')), kind);
  }
  return out;
}
