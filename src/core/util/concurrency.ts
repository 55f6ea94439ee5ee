/** Maps `items` through `fn` with at most `limit` calls in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A person-readable one-liner for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether a thrown value is a cancellation (an error named 'AbortError', as fetch() and timers/promises throw). */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * A background job that is run again whenever asked (a workspace rescan): a request while it runs aborts that run and
 * coalesces into one more. `settled()` resolves once a run has completed — even when asked before the first run
 * started — and none is in progress, so what the job produced is complete when a caller reads it.
 */
export class RerunnableJob {
  private running: Promise<void> | undefined;
  private again = false;
  private controller: AbortController | undefined;
  private completed = false;
  private readonly waiting: (() => void)[] = [];

  /** `job` returns normally when aborted; a run that was not aborted counts as completed, even if it threw. */
  constructor(private readonly job: (signal: AbortSignal) => Promise<void>) {}

  request(): void {
    if (this.running) {
      this.again = true;
      this.controller?.abort();
      return;
    }
    const controller = (this.controller = new AbortController());
    const done = (): void => {
      if (controller.signal.aborted) return;
      this.completed = true;
      for (const resolve of this.waiting.splice(0)) resolve();
    };
    this.running = this.job(controller.signal)
      .then(done, (err: unknown) => {
        done();
        throw err;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Resolves when no run is in progress (at once if none was ever requested). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Resolves when a run has completed and none is in progress. */
  async settled(): Promise<void> {
    if (!this.completed) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await this.idle();
  }

  abort(): void {
    this.controller?.abort();
  }
}
