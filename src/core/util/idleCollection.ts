// Collecting V8's young generation while a process is idle, so that the next latency-bound piece of work (the
// reanalysis after a keystroke) does not pay for it.
//
// V8 collects the young generation (a scavenge) when it is full, wherever the program is: in the language server,
// usually inside an analysis, since analyses allocate most. A scavenge copies every young object still alive, and the
// state an incremental reanalysis keeps (the copied statements, their results) is young when the next one starts:
// measured on the benchmark's 2,000-line TypeScript file, 5–10% of one-line edits paid 7–23 ms for one, while the
// analysis itself took 2–9 ms. Collected between edits once it is half full, the young generation has room for the
// next analysis (about 1 MB on that file), and the pause moves to a moment when nobody waits.
import { getHeapSpaceStatistics } from 'node:v8';

/** V8's `gc` function (exposed by `--expose-gc`), as far as used here. */
export type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

/** The young generation's semi-space: bytes in use, and bytes free before V8 collects it. */
export interface YoungGeneration {
  used: number;
  available: number;
}

/** The young generation now (V8's `new_space`), or undefined when this V8 does not report one. */
export function youngGeneration(): YoungGeneration | undefined {
  const s = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return s ? { used: s.space_used_size, available: s.space_available_size } : undefined;
}

/** Worth collecting while idle: more of it in use than free (the next analysis might not fit in what is left). */
export function worthCollecting(young: YoungGeneration): boolean {
  return young.used > young.available;
}

/** `globalThis.gc` when the process was started with `--expose-gc`. */
export function exposedGc(): GcFunction | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as GcFunction) : undefined;
}

/**
 * Collects the young generation (a minor GC, not the whole heap) when it is more than half full. Does nothing
 * without a `gc` function (a process started without `--expose-gc`). Returns whether it collected.
 */
export function collectYoungGenerationIfHalfFull(gc: GcFunction | undefined = exposedGc()): boolean {
  if (!gc) return false;
  const young = youngGeneration();
  if (!young || !worthCollecting(young)) return false;
  gc({ type: 'minor' });
  return true;
}
