// Frequent items: a Misra–Gries summary made mergeable as in Agarwal et al., "Mergeable Summaries" (PODS 2012).
// Up to `capacity` counters are kept (2 × capacity in between reductions). A reduction subtracts the
// (capacity+1)-th largest count c from every counter and drops those at or below zero; `offset` adds up the c's.
// Every reported count is at most `offset` below the true count, and offset ≤ (n − Σ counts) / (capacity + 1)
// ≤ n / (capacity + 1). While no reduction happened (offset 0) every count is exact and the list is complete.
import type { FrequentState } from '../../../shared/drift';

export const DEFAULT_FREQUENT_CAPACITY = 1000;

export class FrequentItems {
  private counts = new Map<string, number>();
  total = 0;
  offset = 0;

  constructor(readonly capacity = DEFAULT_FREQUENT_CAPACITY) {
    if (!(capacity >= 1)) throw new RangeError('Frequent-items capacity must be at least 1');
  }

  add(value: string, count = 1): void {
    this.total += count;
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    if (this.counts.size > 2 * this.capacity) this.reduce();
  }

  /** Shrinks to at most `capacity` counters. */
  private reduce(): void {
    if (this.counts.size <= this.capacity) return;
    const sorted = [...this.counts.values()].sort((a, b) => b - a);
    const c = sorted[this.capacity] as number;
    for (const [k, v] of this.counts) {
      if (v <= c) this.counts.delete(k);
      else this.counts.set(k, v - c);
    }
    this.offset += c;
  }

  merge(other: FrequentItems): void {
    this.total += other.total;
    this.offset += other.offset;
    for (const [k, v] of other.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + v);
    this.reduce();
  }

  get exact(): boolean {
    return this.offset === 0;
  }

  get size(): number {
    return this.counts.size;
  }

  /** Lower-bound estimate of a value's count (the true count is at most `offset` higher). */
  estimate(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** Counters, largest first (ties by value, for a stable order). */
  items(): [string, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  toState(): FrequentState {
    this.reduce();
    return { capacity: this.capacity, total: this.total, offset: this.offset, items: this.items() };
  }

  static fromState(s: FrequentState): FrequentItems {
    const f = new FrequentItems(s.capacity);
    f.total = s.total;
    f.offset = s.offset;
    for (const [k, v] of s.items) f.counts.set(k, v);
    return f;
  }
}
