// Bisection over anything indexed in order.

/**
 * The first index in [0, length) at which `before(i)` is false, for a `before` that is true for a prefix of the
 * indices and false for the rest (e.g. `(i) => xs[i] < x` on ascending xs: the first index of an element ≥ x);
 * `length` when it is true everywhere.
 */
export function partitionPoint(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
