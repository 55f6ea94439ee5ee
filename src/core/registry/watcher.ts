// Watches a workspace folder for changes that matter to the catalog and reports them debounced. A watcher failure
// (ENOSPC when inotify watches run out, EMFILE, EPERM) is never silent: it is reported through `onError` and the
// watcher falls back to polling, so the views keep refreshing.
import { watch as fsWatch, type FSWatcher } from 'node:fs';

export type WatchFactory = (path: string, options: { recursive: boolean }, listener: (event: string, file: string | null) => void) => FSWatcher;

export interface WatcherOptions {
  root: string;
  /** Decides whether a changed relative path matters (e.g. model/data files, mlruns, mlship.yaml). */
  relevant: (relPath: string) => boolean;
  onChange: (changedRelPaths: string[]) => void;
  onError: (problem: WatcherProblem) => void;
  debounceMs?: number;
  pollIntervalMs?: number;
  /** Computes a cheap fingerprint of the tree for polling (e.g. a walk's file list with sizes and mtimes). */
  fingerprint: () => Promise<string>;
  watchFactory?: WatchFactory;
}

export interface WatcherProblem {
  code: string;
  message: string;
  /** What the user can do about it. */
  advice: string;
}

function adviceFor(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'The system limit of file watchers is reached. Raise it (e.g. `sudo sysctl fs.inotify.max_user_watches=524288`) or exclude large folders with files.exclude. MLShip now checks for changes every few seconds instead.';
    case 'EMFILE':
      return 'Too many open files. Raise the limit (ulimit -n) or exclude large folders with files.exclude. MLShip now checks for changes every few seconds instead.';
    default:
      return 'MLShip now checks for changes every few seconds instead. Run "MLShip: Refresh" to update at once.';
  }
}

export class WorkspaceWatcher {
  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private pending = new Set<string>();
  private lastFingerprint: string | undefined;
  private disposed = false;
  mode: 'events' | 'polling' | 'stopped' = 'stopped';

  constructor(private readonly options: WatcherOptions) {}

  start(): void {
    const factory = this.options.watchFactory ?? ((p, o, l) => fsWatch(p, o, l));
    try {
      this.watcher = factory(this.options.root, { recursive: true }, (_event, file) => {
        if (file === null) return this.queue('');
        const rel = file.split('\\').join('/');
        if (this.options.relevant(rel)) this.queue(rel);
      });
      this.watcher.on('error', (err) => this.fail(err));
      this.mode = 'events';
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.disposed) return;
    const code = (err as { code?: string }).code ?? 'UNKNOWN';
    this.options.onError({ code, message: `File watching failed (${code}): ${err instanceof Error ? err.message : String(err)}`, advice: adviceFor(code) });
    try {
      this.watcher?.close();
    } catch {
      /* already closed */
    }
    this.watcher = undefined;
    this.startPolling();
  }

  private startPolling(): void {
    if (this.pollTimer || this.disposed) return;
    this.mode = 'polling';
    const tick = async () => {
      try {
        const fp = await this.options.fingerprint();
        if (this.lastFingerprint !== undefined && fp !== this.lastFingerprint) this.queue('');
        this.lastFingerprint = fp;
      } catch {
        /* the next tick tries again */
      }
    };
    void tick();
    this.pollTimer = setInterval(() => void tick(), this.options.pollIntervalMs ?? 5000);
  }

  private queue(rel: string): void {
    if (this.disposed) return;
    this.pending.add(rel);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      const changed = [...this.pending];
      this.pending.clear();
      this.options.onChange(changed);
    }, this.options.debounceMs ?? 400);
  }

  dispose(): void {
    this.disposed = true;
    this.mode = 'stopped';
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    try {
      this.watcher?.close();
    } catch {
      /* already closed */
    }
  }
}
