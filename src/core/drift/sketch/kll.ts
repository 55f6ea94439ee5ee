// KLL quantile sketch (Karnin, Lang & Liberty, "Optimal Quantile Approximation in Streams", FOCS 2016), laid out as
// in Apache DataSketches: a stack of compactors whose capacities shrink geometrically (factor 2/3) from the top,
// never below 8; a level at its capacity is sorted and every other item (random offset) moves up one level with twice
// the weight. Level 0 is sorted and compacted in batches of 256 items (cheap small sorts; its compactions, of weight 1,
// add almost nothing to the error).
//
// Why KLL and not a t-digest: KLL has a proven, distribution-free rank-error bound that holds for any input order
// (sorted and reversed streams included) and for any sequence of merges, and its merge is exact in the sense that
// the result is a valid sketch of the union with the same guarantee. A t-digest is very accurate in the tails in
// practice, but its error depends on the input order and on how merges happened, with no bound to print next to a
// number. MLShip prints the bound.
//
// Rank-error bound: with k = 256 the normalized rank error of any CDF/quantile query is at most
// ε(k) = 2.446 / k^0.9433 ≈ 1.30 % of n with 99 % confidence (DataSketches' fitted bound for two-sided PMF/CDF
// queries). Tests check it on random, sorted, reversed and all-equal streams and on merges of random partitions.
import type { KllState } from '../../../shared/drift';
import { sortedFloat64 } from './sort';

export const DEFAULT_KLL_K = 256;
const MIN_WIDTH = 8;
const SHRINK = 2 / 3;

/** The documented normalized rank error of a KLL sketch with parameter k (99 % confidence). */
export function kllRankError(k: number): number {
  return 2.446 / k ** 0.9433;
}

function levelCapacity(k: number, numLevels: number, height: number): number {
  const depth = numLevels - height - 1;
  return Math.max(MIN_WIDTH, Math.ceil(k * SHRINK ** depth));
}

/** Merges two sorted arrays. */
function mergeSorted(a: Float64Array, an: number, b: Float64Array, bn: number): Float64Array {
  const out = new Float64Array(an + bn);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < an && j < bn) out[o++] = (a[i] as number) <= (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < an) out[o++] = a[i++] as number;
  while (j < bn) out[o++] = b[j++] as number;
  return out;
}

/** fromSorted()'s runs of equal values and their counts, reused for inputs of up to RUNS_KEPT values. */
const RUNS_KEPT = 1 << 18;
let runValues = new Float64Array(0);
let runCounts = new Float64Array(0);

/** Level 0 is sorted and compacted when it holds this many items. */
const LEVEL0_BATCH = 256;

function grow(a: Float64Array, need: number): Float64Array {
  if (a.length >= need) return a;
  const out = new Float64Array(Math.max(need, a.length * 2, MIN_WIDTH));
  out.set(a);
  return out;
}

export class KllSketch {
  /** levels[h] holds items of weight 2^h; sizes[h] of them are in use. Level 0 is unsorted, the others sorted. */
  private levels: Float64Array[];
  private sizes: number[];
  private level0: Float64Array;
  /** Minimum and maximum of level 0's items (+∞ and −∞ while it is empty), for its sort. */
  private lo0 = Infinity;
  private hi0 = -Infinity;
  private retained = 0;
  private capacityTotal: number;
  /** capacity(h) for the current number of levels (recomputed when a level is added). */
  private capacities: number[] = [];
  n = 0;
  min = Infinity;
  max = -Infinity;
  private rng: number;

  constructor(
    readonly k = DEFAULT_KLL_K,
    seed = 0x2545f491,
  ) {
    if (!(k >= MIN_WIDTH)) throw new RangeError(`KLL k must be at least ${MIN_WIDTH}`);
    this.level0 = new Float64Array(Math.max(LEVEL0_BATCH, k));
    this.levels = [this.level0];
    this.sizes = [0];
    this.capacityTotal = 0;
    this.recomputeCapacity();
    this.rng = seed >>> 0 || 1;
  }

  private capacity(h: number): number {
    const c = levelCapacity(this.k, this.levels.length, h);
    return h === 0 ? Math.max(c, LEVEL0_BATCH) : c;
  }

  /** A deterministic coin (xorshift32), so the same input always gives the same sketch. */
  private coin(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return (this.rng >>> 7) & 1;
  }

  update(x: number): void {
    if (x !== x) return; // NaN
    // min ≤ lo0 and hi0 ≤ max: only a new bound of level 0 can be a new minimum or maximum.
    if (x < this.lo0) {
      this.lo0 = x;
      if (x < this.min) this.min = x;
    }
    if (x > this.hi0) {
      this.hi0 = x;
      if (x > this.max) this.max = x;
    }
    this.n++;
    const s0 = this.sizes[0] as number;
    if (s0 === this.level0.length) this.levels[0] = this.level0 = grow(this.level0, s0 + 1);
    this.level0[s0] = x;
    this.sizes[0] = s0 + 1;
    this.retained++;
    if (s0 + 1 >= LEVEL0_BATCH) {
      // Level 0 is compacted as soon as it holds a batch (small sorts are cheap); the levels above stay lazy.
      if (this.levels.length === 1) {
        this.levels.push(new Float64Array(MIN_WIDTH));
        this.sizes.push(0);
        this.recomputeCapacity();
      }
      this.compact(0);
    }
    if (this.retained >= this.capacityTotal) this.compress();
  }

  /**
   * update() of xs[from, to) in order, with the same compactions at the same points (level 0 is filled up to its
   * batch or to the total capacity, whichever comes first, then compacted as update() would).
   */
  updateMany(xs: Float64Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      let s0 = this.sizes[0] as number;
      const room = Math.min(LEVEL0_BATCH - 1 - s0, this.capacityTotal - 1 - this.retained, to - i);
      if (room <= 0) {
        this.update(xs[i++] as number);
        continue;
      }
      if (s0 + room > this.level0.length) this.levels[0] = this.level0 = grow(this.level0, s0 + room);
      const level0 = this.level0;
      let lo0 = this.lo0;
      let hi0 = this.hi0;
      const end = i + room;
      for (; i < end; i++) {
        const x = xs[i] as number;
        if (x !== x) continue;
        if (x < lo0) lo0 = x;
        if (x > hi0) hi0 = x;
        level0[s0++] = x;
      }
      const added = s0 - (this.sizes[0] as number);
      this.lo0 = lo0;
      this.hi0 = hi0;
      if (lo0 < this.min) this.min = lo0;
      if (hi0 > this.max) this.max = hi0;
      this.n += added;
      this.retained += added;
      this.sizes[0] = s0;
      // The next value (if any) takes update()'s path: it completes the batch or reaches the total capacity.
      if (i < to) this.update(xs[i++] as number);
    }
  }

  /** Sets lo0 and hi0 from level 0's items (after they were put there other than by update()). */
  private findLevel0Bounds(): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < (this.sizes[0] as number); i++) {
      const x = this.level0[i] as number;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    this.lo0 = lo;
    this.hi0 = hi;
  }

  private recomputeCapacity(): void {
    let total = 0;
    this.capacities = [];
    for (let h = 0; h < this.levels.length; h++) {
      const c = this.capacity(h);
      this.capacities.push(c);
      total += c;
    }
    this.capacityTotal = total;
  }

  /**
   * While the sketch holds more than its total capacity, compacts the lowest level at or over its own capacity
   * (adding a level on top when that is the top one). Lower levels may run over while upper ones have room: lazy
   * compaction, as in DataSketches, keeps more items at low weight and so lowers the error.
   */
  private compress(): void {
    while (this.retained >= this.capacityTotal) {
      let h = 0;
      while (h < this.levels.length - 1 && (this.sizes[h] as number) < (this.capacities[h] as number)) h++;
      if (h === this.levels.length - 1) {
        this.levels.push(new Float64Array(MIN_WIDTH));
        this.sizes.push(0);
        this.recomputeCapacity();
      }
      this.compact(h);
    }
  }

  private compact(h: number): void {
    const size = this.sizes[h] as number;
    // Level 0 is read from its sorted copy (the level itself when sorted in place).
    const level = h === 0 ? sortedFloat64(this.level0, size, this.lo0, this.hi0) : (this.levels[h] as Float64Array);
    const pairs = size & ~1;
    if (pairs === 0) return;
    const half = pairs / 2;
    const offset = this.coin();
    // Merge every other item of this level (level[2j + offset]) into the sorted level above, in place from the back.
    const aboveSize = this.sizes[h + 1] as number;
    const above = grow(this.levels[h + 1] as Float64Array, aboveSize + half);
    this.levels[h + 1] = above;
    let i = aboveSize - 1;
    let j = 2 * (half - 1) + offset;
    let o = aboveSize + half - 1;
    while (j >= 0) {
      const u = level[j] as number;
      if (i >= 0 && (above[i] as number) > u) above[o--] = above[i--] as number;
      else {
        above[o--] = u;
        j -= 2;
      }
    }
    this.sizes[h + 1] = aboveSize + half;
    // An odd item (the largest) stays behind.
    if (size & 1) (this.levels[h] as Float64Array)[0] = level[size - 1] as number;
    if (h === 0) {
      this.lo0 = size & 1 ? (level[size - 1] as number) : Infinity;
      this.hi0 = size & 1 ? this.lo0 : -Infinity;
    }
    this.sizes[h] = size & 1;
    this.retained -= half;
  }

  /** Adds everything in `other` (a sketch of another part of the data). */
  merge(other: KllSketch): void {
    if (other.n === 0) return;
    if (other.k !== this.k) throw new RangeError(`Cannot merge KLL sketches with different k (${this.k} and ${other.k})`);
    this.n += other.n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    while (this.levels.length < other.levels.length) {
      this.levels.push(new Float64Array(MIN_WIDTH));
      this.sizes.push(0);
    }
    for (let h = 0; h < other.levels.length; h++) {
      const os = other.sizes[h] as number;
      if (os === 0) continue;
      const ol = (other.levels[h] as Float64Array).slice(0, os);
      if (h === 0) ol.sort();
      const ms = this.sizes[h] as number;
      if (h === 0) {
        this.levels[0] = this.level0 = grow(this.level0, ms + os);
        this.level0.set(ol, ms);
      } else this.levels[h] = mergeSorted(this.levels[h] as Float64Array, ms, ol, os);
      this.sizes[h] = ms + os;
      this.retained += os;
      if (h === 0) this.findLevel0Bounds();
    }
    this.recomputeCapacity();
    this.compress();
  }

  /** Retained items with their weights, sorted by value. */
  private weighted(): { values: Float64Array; weights: Float64Array } {
    let total = 0;
    for (const s of this.sizes) total += s;
    const values = new Float64Array(total);
    const weights = new Float64Array(total);
    let filled = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const s = this.sizes[h] as number;
      if (s === 0) continue;
      const v = (this.levels[h] as Float64Array).slice(0, s);
      if (h === 0) v.sort();
      const w = 2 ** h;
      // Merge v (weight w) into values[0, filled) from the back.
      let i = filled - 1;
      let j = s - 1;
      let o = filled + s - 1;
      while (j >= 0) {
        if (i >= 0 && (values[i] as number) > (v[j] as number)) {
          values[o] = values[i] as number;
          weights[o--] = weights[i--] as number;
        } else {
          values[o] = v[j--] as number;
          weights[o--] = w;
        }
      }
      filled += s;
    }
    return { values, weights };
  }

  /** A reusable CDF view (retained items sorted once). */
  cdf(): KllCdf {
    const { values, weights } = this.weighted();
    const cum = new Float64Array(weights.length);
    let c = 0;
    for (let i = 0; i < weights.length; i++) cum[i] = c += weights[i] as number;
    return new KllCdf(values, cum, this.n, this.min, this.max, this.k);
  }

  toState(): KllState {
    const levels: number[][] = [];
    for (let h = 0; h < this.levels.length; h++) {
      const v = (this.levels[h] as Float64Array).slice(0, this.sizes[h]);
      if (h === 0) v.sort();
      levels.push(Array.from(v));
    }
    return { k: this.k, n: this.n, min: this.n ? this.min : 0, max: this.n ? this.max : 0, levels };
  }

  /**
   * A sketch of values with multiplicities (sorted ascending): each count is written in binary and the value placed
   * once at every level h whose bit is set (weight 2^h) — an exact representation, compacted if over capacity.
   */
  static fromWeighted(values: ArrayLike<number>, counts: ArrayLike<number>, k = DEFAULT_KLL_K, seed?: number): KllSketch {
    // Two passes: how many values each level gets, then the values (no growing arrays).
    // A count of 1 (most values of a sample with few repeats) is one item of level 0: counted without the loop.
    const sizes: number[] = [0];
    let n = 0;
    let ones = 0;
    for (let i = 0; i < values.length; i++) {
      let c = counts[i] as number;
      n += c;
      if (c === 1) {
        ones++;
        continue;
      }
      for (let h = 0; c > 0; h++, c = Math.floor(c / 2)) if (c % 2) sizes[h] = (sizes[h] ?? 0) + 1;
    }
    sizes[0] = (sizes[0] as number) + ones;
    const sk = new KllSketch(k, seed);
    sk.levels = [];
    sk.sizes = [];
    for (let h = 0; h < Math.max(1, sizes.length); h++) {
      const size = sizes[h] ?? 0;
      sk.levels.push(new Float64Array(Math.max(size, MIN_WIDTH, h === 0 ? Math.max(LEVEL0_BATCH, k) : 0)));
      sk.sizes.push(0);
    }
    const level0 = sk.levels[0] as Float64Array;
    let s0 = 0;
    for (let i = 0; i < values.length; i++) {
      let c = counts[i] as number;
      if (c === 1) {
        level0[s0++] = values[i] as number;
        continue;
      }
      if (c % 2) level0[s0++] = values[i] as number;
      c = Math.floor(c / 2);
      for (let h = 1; c > 0; h++, c = Math.floor(c / 2)) {
        if (c % 2) (sk.levels[h] as Float64Array)[(sk.sizes[h] as number)++] = values[i] as number;
      }
    }
    sk.sizes[0] = s0;
    sk.level0 = level0;
    // Level 0 was filled in ascending order: its bounds are its ends.
    if (s0 > 0) {
      sk.lo0 = sk.level0[0] as number;
      sk.hi0 = sk.level0[s0 - 1] as number;
    }
    sk.retained = sk.sizes.reduce((a, b) => a + b, 0);
    sk.n = n;
    sk.min = n ? (values[0] as number) : Infinity;
    sk.max = n ? (values[values.length - 1] as number) : -Infinity;
    sk.recomputeCapacity();
    sk.compress();
    return sk;
  }

  /** fromWeighted() of sorted values, equal values counted together. */
  static fromSorted(sorted: Float64Array, k = DEFAULT_KLL_K, seed?: number): KllSketch {
    // The runs go to arrays kept for the next call (fromWeighted copies them), up to a size: less garbage.
    if (runValues.length < sorted.length && sorted.length <= RUNS_KEPT) {
      runValues = new Float64Array(sorted.length);
      runCounts = new Float64Array(sorted.length);
    }
    const kept = sorted.length <= RUNS_KEPT;
    const values = kept ? runValues : new Float64Array(sorted.length);
    const counts = kept ? runCounts : new Float64Array(sorted.length);
    let runs = 0;
    for (let i = 0; i < sorted.length; ) {
      const v = sorted[i] as number;
      let j = i + 1;
      while (j < sorted.length && sorted[j] === v) j++;
      values[runs] = v;
      counts[runs++] = j - i;
      i = j;
    }
    return KllSketch.fromWeighted(values.subarray(0, runs), counts.subarray(0, runs), k, seed);
  }

  static fromState(s: KllState, seed?: number): KllSketch {
    const sk = new KllSketch(s.k, seed);
    if (s.levels.length > 0) {
      sk.levels = s.levels.map((l) => grow(Float64Array.from(l), MIN_WIDTH));
      sk.sizes = s.levels.map((l) => l.length);
      sk.level0 = grow(sk.levels[0] as Float64Array, Math.max(LEVEL0_BATCH, s.k));
      sk.levels[0] = sk.level0;
      sk.findLevel0Bounds();
    }
    sk.retained = sk.sizes.reduce((a, b) => a + b, 0);
    sk.n = s.n;
    sk.min = s.n ? s.min : Infinity;
    sk.max = s.n ? s.max : -Infinity;
    sk.recomputeCapacity();
    return sk;
  }
}

/** CDF and quantiles from a sketch's retained items. */
export class KllCdf {
  constructor(
    private readonly values: Float64Array,
    private readonly cum: Float64Array,
    readonly n: number,
    readonly min: number,
    readonly max: number,
    readonly k: number,
  ) {}

  /** Estimated fraction of values ≤ x. */
  at(x: number): number {
    if (this.n === 0) return Number.NaN;
    if (x < this.min) return 0;
    if (x >= this.max) return 1;
    // Last index with value ≤ x.
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.values[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : (this.cum[lo - 1] as number) / this.n;
  }

  /** Estimated q-quantile (0 ≤ q ≤ 1): the smallest retained value whose estimated rank reaches q·n. */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const target = q * this.n;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cum[mid] as number) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as number;
  }

  /** The distinct retained values (the points where the estimated CDF steps), sorted. */
  steps(): Float64Array {
    return this.values;
  }

  /** Normalized rank error bound of this sketch: 0 while nothing has been compacted. */
  get rankError(): number {
    return this.values.length === this.n ? 0 : kllRankError(this.k);
  }
}
