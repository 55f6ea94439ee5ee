// Bounded polling of deployments, as pure logic around an injectable clock: one timer per deployment at its own
// interval from the start of the last one (rounded to a grid, so deployments at the same interval wake together),
// scheduled only when the previous one has finished (never two at once), exponential
// backoff with jitter after failures, pause/resume (the editor pauses while its window is unfocused), poll-now, and
// stop (which aborts polls in flight).

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Polling never keeps a process alive on its own (the CLI and tests exit when their work is done).
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface PollTask {
  id: string;
  intervalMs: number;
  /** Resolves true (or nothing) on success; false or a rejection counts as a failure and backs off. */
  poll(signal: AbortSignal): Promise<boolean | void>;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Uniform in [0, 1); injectable so tests are exact. */
  random?: () => number;
  /** Longest delay after repeated failures. Default 5 minutes. */
  maxBackoffMs?: number;
  /** Called when a poll rejects (its failure is counted either way). */
  onError?: (id: string, error: unknown) => void;
}

export interface TaskState {
  failures: number;
  inFlight: boolean;
  /** When the next poll is due (ms, clock time); undefined while in flight or stopped. */
  nextAt: number | undefined;
  /** Delay chosen after the last poll, ms. */
  lastDelayMs: number | undefined;
  polls: number;
}

interface Entry {
  task: PollTask;
  state: TaskState;
  timer: unknown;
  due: boolean;
  again: boolean;
  abort: AbortController | undefined;
}

/**
 * The delay before the next poll: the interval after a success; after n consecutive failures,
 * min(max, interval · 2ⁿ) with "equal jitter" — half of it fixed, half uniformly random — so deployments that
 * failed together do not retry in lockstep.
 */
export function nextDelay(intervalMs: number, failures: number, random: number, maxBackoffMs: number): number {
  if (failures <= 0) return intervalMs;
  const capped = Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 30));
  return capped / 2 + (random * capped) / 2;
}

/**
 * The delay after a successful poll that started at `startedAt` and ended at `now`: the next one starts an interval
 * after this one started, at the nearest multiple of a tenth of the interval (at most 500 ms), so deployments polled
 * at the same interval wake together and their polls' I/O shares the event loop's wake-ups, and a slow poll does not
 * stretch the interval. A poll that took longer than the interval is followed by a whole interval of rest.
 */
export function alignedDelay(startedAt: number, now: number, intervalMs: number): number {
  const due = startedAt + intervalMs;
  if (now > due) return intervalMs;
  const grid = Math.min(500, intervalMs / 10);
  return grid >= 1 ? Math.max(0, Math.round(due / grid) * grid - now) : due - now;
}

export class PollScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxBackoffMs: number;
  private paused = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Adds (or replaces) a task; its first poll is due now. */
  add(task: PollTask): void {
    this.remove(task.id);
    this.stopped = false;
    const entry: Entry = { task, state: { failures: 0, inFlight: false, nextAt: undefined, lastDelayMs: undefined, polls: 0 }, timer: undefined, due: false, again: false, abort: undefined };
    this.entries.set(task.id, entry);
    this.schedule(entry, 0);
  }

  /** Removes a task, aborting its poll in flight. */
  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    if (e.timer !== undefined) this.clock.clearTimeout(e.timer);
    e.abort?.abort();
  }

  state(id: string): TaskState | undefined {
    const s = this.entries.get(id)?.state;
    return s ? { ...s } : undefined;
  }

  /** No new polls start while paused; polls in flight finish. */
  pause(): void {
    this.paused = true;
  }

  /** Runs whatever fell due during the pause, then carries on. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const e of this.entries.values()) if (e.due) this.run(e);
  }

  /** Polls now (even while paused), or right after the poll in flight; resets the backoff. */
  pollNow(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.state.failures = 0;
    if (e.state.inFlight) {
      e.again = true;
      return;
    }
    if (e.timer !== undefined) this.clock.clearTimeout(e.timer);
    e.timer = undefined;
    this.run(e, true);
  }

  /** Removes every task and aborts polls in flight. */
  stop(): void {
    this.stopped = true;
    for (const id of [...this.entries.keys()]) this.remove(id);
  }

  private schedule(e: Entry, delay: number): void {
    if (this.stopped || this.entries.get(e.task.id) !== e) return;
    e.state.nextAt = this.clock.now() + delay;
    e.timer = this.clock.setTimeout(() => {
      e.timer = undefined;
      e.due = true;
      if (!this.paused) this.run(e);
    }, delay);
  }

  private run(e: Entry, force = false): void {
    if (e.state.inFlight || (this.paused && !force) || this.entries.get(e.task.id) !== e) return;
    e.due = false;
    e.state.inFlight = true;
    e.state.nextAt = undefined;
    const abort = new AbortController();
    e.abort = abort;
    const startedAt = this.clock.now();
    const finish = (ok: boolean): void => {
      e.abort = undefined;
      e.state.inFlight = false;
      e.state.polls++;
      e.state.failures = ok ? 0 : e.state.failures + 1;
      if (abort.signal.aborted || this.entries.get(e.task.id) !== e) return;
      if (e.again) {
        e.again = false;
        this.run(e, true);
        return;
      }
      const delay = e.state.failures > 0 ? nextDelay(e.task.intervalMs, e.state.failures, this.random(), this.maxBackoffMs) : alignedDelay(startedAt, this.clock.now(), e.task.intervalMs);
      e.state.lastDelayMs = delay;
      this.schedule(e, delay);
    };
    let pending: Promise<boolean | void>;
    try {
      pending = e.task.poll(abort.signal);
    } catch (err) {
      this.options.onError?.(e.task.id, err);
      finish(false);
      return;
    }
    pending.then(
      (r) => finish(r !== false),
      (err: unknown) => {
        this.options.onError?.(e.task.id, err);
        finish(false);
      },
    );
  }
}
