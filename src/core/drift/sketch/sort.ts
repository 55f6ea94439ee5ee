// Ascending in-place sort of finite numbers in a Float64Array range, faster than the typed array's own sort on the
// batches the sketches sort (KLL level 0, the row-limit buffer): a bucket sort whose buckets are equal slices of
// [min, max], one per value on average, then put in order by one insertion pass over all (a crowded bucket is left
// alone when it holds one repeated value, else given the typed sort, so skewed data or a far outlier costs no more
// than before). The order is the typed sort's, except that −0 and +0 may come in either order (they are equal
// numbers). Ranges holding NaN or ±Infinity use the typed sort. A caller that knows the bounds (KLL's level 0) can
// take the sorted values from the scratch array instead (sortedFloat64).

const SMALL = 32;
const CROWDED = 48;

let counts = new Int32Array(0);
let scratch = new Float64Array(0);
let buckets = new Int32Array(0);

function insertionSort(a: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= from && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Sorts a[from, to) ascending. */
export function sortFloat64(a: Float64Array, from = 0, to = a.length): void {
  const n = to - from;
  if (n < 2) return;
  if (n <= SMALL) {
    let ok = true;
    for (let i = from; i < to; i++) if ((a[i] as number) - (a[i] as number) !== 0) ok = false;
    if (ok) insertionSort(a, from, to);
    else a.subarray(from, to).sort();
    return;
  }
  let lo = a[from] as number;
  let hi = lo;
  // NaN compares false both ways and would be missed by min/max: the sum catches it, and ±Infinity too.
  let check = 0;
  for (let i = from; i < to; i++) {
    const v = a[i] as number;
    check += v * 0;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  if (check !== 0 || !(hi - lo < Infinity)) {
    a.subarray(from, to).sort();
    return;
  }
  const out = bucketSort(a, from, n, lo, hi);
  if (out !== a) a.set(out.subarray(0, n), from);
}

/**
 * a[0, n) sorted ascending, when `lo` and `hi` are their minimum and maximum (finite, no NaN among them): returned
 * either as `a` itself, sorted in place, or as a shared scratch array whose [0, n) hold them (valid until the next
 * sort; `a` is then left as it was). Saves sortFloat64's pass for the bounds and its copy back (KLL's level 0, which
 * knows its bounds and reads the sorted items once). Other bounds (±Infinity: unknown) sort `a` in place.
 */
export function sortedFloat64(a: Float64Array, n: number, lo: number, hi: number): Float64Array {
  // Already in order (a level built from sorted values): one pass, which random data leaves after a few items.
  let i = 1;
  while (i < n && (a[i - 1] as number) <= (a[i] as number)) i++;
  if (i >= n) return a;
  if (n <= SMALL || !(hi - lo < Infinity)) {
    sortFloat64(a, 0, n);
    return a;
  }
  return bucketSort(a, 0, n, lo, hi);
}

/**
 * a[from, from + n) (n > SMALL, finite, with minimum lo and maximum hi) sorted into the scratch array, or in place.
 * Each pass is a function of its own, with one loop: V8 compiles a long first call's hot loop on the stack (OSR), and
 * a function whose later loops had not run yet would keep leaving that compiled code for the interpreter at them on
 * every later call that entered it (thousands of times per file).
 */
function bucketSort(a: Float64Array, from: number, n: number, lo: number, hi: number): Float64Array {
  const range = hi - lo;
  if (range === 0) return a;
  const scale = (n - 1) / range;
  if (!(scale < Infinity)) {
    a.subarray(from, from + n).sort();
    return a;
  }
  if (counts.length < n + 1) {
    counts = new Int32Array(n + 1);
    buckets = new Int32Array(n);
  }
  if (scratch.length < n) scratch = new Float64Array(n);
  const out = scratch;
  countBuckets(a, from, n, lo, scale, counts, buckets);
  const most = bucketStarts(counts, n);
  scatter(a, from, n, counts, buckets, out);
  // Every value is in its bucket, buckets in order: one insertion pass sorts within the buckets, unless some are
  // crowded.
  if (most <= CROWDED) insertionSort(out, 0, n);
  else sortBuckets(out, counts, n);
  return out;
}

/** bk[i] = the bucket of a[from + i]; c[b] = the size of bucket b. */
function countBuckets(a: Float64Array, from: number, n: number, lo: number, scale: number, c: Int32Array, bk: Int32Array): void {
  c.fill(0, 0, n + 1);
  for (let i = 0; i < n; i++) {
    const b = (((a[from + i] as number) - lo) * scale) | 0;
    bk[i] = b;
    c[b] = (c[b] as number) + 1;
  }
}

/** Turns the bucket sizes c[0, n) into their starts; returns the largest size. */
function bucketStarts(c: Int32Array, n: number): number {
  let sum = 0;
  let most = 0;
  for (let b = 0; b < n; b++) {
    const k = c[b] as number;
    if (k > most) most = k;
    c[b] = sum;
    sum += k;
  }
  return most;
}

/** Puts each value at its bucket's next place; c[b] ends as the end of bucket b. */
function scatter(a: Float64Array, from: number, n: number, c: Int32Array, bk: Int32Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const b = bk[i] as number;
    const at = c[b] as number;
    out[at] = a[from + i] as number;
    c[b] = at + 1;
  }
}

/** Sorts each bucket of out (c[b] the end of bucket b). */
function sortBuckets(out: Float64Array, c: Int32Array, n: number): void {
  let start = 0;
  for (let b = 0; b < n; b++) {
    const end = c[b] as number;
    if (end - start > 1) {
      if (end - start > CROWDED) sortCrowded(out, start, end);
      else insertionSort(out, start, end);
    }
    start = end;
  }
}

/** A crowded bucket: often one repeated value (zeros, a default), left as it is; else the typed array's sort. */
function sortCrowded(a: Float64Array, from: number, to: number): void {
  const first = a[from] as number;
  let i = from + 1;
  while (i < to && a[i] === first) i++;
  if (i < to) a.subarray(from, to).sort();
}
