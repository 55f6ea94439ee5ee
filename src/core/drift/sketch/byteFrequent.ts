// The frequent-items summary of frequent.ts, keyed by the raw bytes of CSV values: a value is hashed, found by byte
// comparison in an open-addressing table, and decoded to a string only when the summary is read. Repeated values
// never allocate; all-distinct columns (identifiers) cost a hash, a probe and a byte copy per value, and a reduction
// finds its cut by selection, not by sorting the counts. The reduction rule, and so the error bound, is the same as
// FrequentItems': offset ≤ n / (capacity + 1).
import { FrequentItems } from './frequent';

export class ByteFrequent {
  private slots: number;
  /** Slot → entry index + 1 (0 = empty). */
  private table: Int32Array;
  private hashes: Int32Array;
  private offsets: Int32Array;
  private lengths: Int32Array;
  private counts: Float64Array;
  private tags: Int32Array;
  private size = 0;
  /** The empty slot where the bytes that countIfPresent() last missed would go. */
  private emptySlot = 0;
  private scratch: Float64Array;
  private arena: Buffer;
  private arenaLen = 0;
  total = 0;
  offset = 0;
  /** Whether some entry may count more than 1 (a repeat was counted, or a reduction left counts), see reduce(). */
  private counted = false;

  constructor(
    readonly capacity: number,
    /** Decodes an entry's bytes (UTF-8; the caller may check them). */
    private readonly decode: (bytes: Buffer, start: number, end: number) => string,
  ) {
    const entries = 2 * capacity + 1;
    this.slots = 1 << Math.ceil(Math.log2(entries * 2));
    this.table = new Int32Array(this.slots);
    this.hashes = new Int32Array(entries);
    this.offsets = new Int32Array(entries);
    this.lengths = new Int32Array(entries);
    this.counts = new Float64Array(entries);
    this.tags = new Int32Array(entries);
    this.scratch = new Float64Array(entries);
    this.arena = Buffer.allocUnsafe(Math.max(1024, entries * 16));
  }

  /** The table slot that holds bytes[s, e) (with this hash), or the empty slot where they would go. */
  private slotOf(buf: Uint8Array, s: number, e: number, hash: number): number {
    const len = e - s;
    const mask = this.slots - 1;
    let slot = hash & mask;
    for (;;) {
      const ref = this.table[slot] as number;
      if (ref === 0) return slot;
      const id = ref - 1;
      if (this.hashes[id] === hash && this.lengths[id] === len) {
        const off = this.offsets[id] as number;
        let i = 0;
        while (i < len && this.arena[off + i] === buf[s + i]) i++;
        if (i === len) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Counts bytes[s, e) if they are in the summary and returns the tag stored with them; -1 (nothing counted) when they
   * are not: the caller then works out their tag and calls addAbsent().
   */
  countIfPresent(buf: Uint8Array, s: number, e: number, hash32: number): number {
    const slot = this.slotOf(buf, s, e, hash32 | 0);
    const ref = this.table[slot] as number;
    if (ref === 0) {
      this.emptySlot = slot;
      return -1;
    }
    this.total++;
    this.counts[ref - 1] = (this.counts[ref - 1] as number) + 1;
    this.counted = true;
    return this.tags[ref - 1] as number;
  }

  /** Counts bytes[s, e); `tag` (≥ 0, the caller's, e.g. facts about the bytes) is kept with a new entry. */
  add(buf: Uint8Array, s: number, e: number, hash32: number, tag = 0): void {
    if (this.countIfPresent(buf, s, e, hash32) < 0) this.addAbsent(buf, s, e, hash32, tag);
  }

  /** add() of bytes that countIfPresent() has just reported absent (its probe is reused). */
  addAbsent(buf: Uint8Array, s: number, e: number, hash32: number, tag = 0): void {
    this.insert(buf, s, e, hash32, tag, this.emptySlot);
  }

  /** A new entry at the empty table slot `slot` (probed for these bytes since the table last changed). */
  private insert(buf: Uint8Array, s: number, e: number, hash32: number, tag: number, slot: number): void {
    const hash = hash32 | 0;
    const len = e - s;
    if (this.size === this.hashes.length) {
      this.reduce();
      this.add(buf, s, e, hash, tag);
      return;
    }
    this.total++;
    if (this.arenaLen + len > this.arena.length) this.compactArena(len);
    const id = this.size++;
    const arena = this.arena;
    for (let i = 0, at = this.arenaLen; i < len; i++) arena[at + i] = buf[s + i] as number;
    this.offsets[id] = this.arenaLen;
    this.lengths[id] = len;
    this.hashes[id] = hash;
    this.counts[id] = 1;
    this.tags[id] = tag;
    this.arenaLen += len;
    this.table[slot] = id + 1;
  }

  /** Makes room in the arena: drops the bytes of removed entries, grows if still needed. */
  private compactArena(need: number): void {
    let used = 0;
    for (let id = 0; id < this.size; id++) used += this.lengths[id] as number;
    const next = Buffer.allocUnsafe(Math.max(this.arena.length, 2 * (used + need)));
    let at = 0;
    for (let id = 0; id < this.size; id++) {
      const off = this.offsets[id] as number;
      const len = this.lengths[id] as number;
      this.arena.copy(next, at, off, off + len);
      this.offsets[id] = at;
      at += len;
    }
    this.arena = next;
    this.arenaLen = at;
  }

  /** Subtracts the (capacity+1)-th largest count from every counter and drops those at or below zero. */
  private reduce(): void {
    if (!this.counted) {
      // Every count is 1 (all values distinct since the table was last emptied, as in an identifier column): the cut
      // is 1 and no entry is left, with no selection and no arena bytes worth keeping.
      this.size = 0;
      this.offset += 1;
      this.arenaLen = 0;
      this.table.fill(0);
      return;
    }
    const scratch = this.scratch;
    scratch.set(this.counts.subarray(0, this.size));
    const c = selectKth(scratch, this.size, this.size - 1 - this.capacity);
    let kept = 0;
    for (let id = 0; id < this.size; id++) {
      const v = (this.counts[id] as number) - c;
      if (v <= 0) continue;
      this.hashes[kept] = this.hashes[id] as number;
      this.offsets[kept] = this.offsets[id] as number;
      this.lengths[kept] = this.lengths[id] as number;
      this.counts[kept] = v;
      this.tags[kept] = this.tags[id] as number;
      kept++;
    }
    this.size = kept;
    this.offset += c;
    // Entries left count at least 1 more than the cut: they may count more than 1.
    this.counted = kept > 0;
    if (kept === 0) this.arenaLen = 0;
    this.table.fill(0);
    const mask = this.slots - 1;
    for (let id = 0; id < kept; id++) {
      let slot = (this.hashes[id] as number) & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = id + 1;
    }
  }

  /** The same summary with decoded values. */
  toFrequentItems(): FrequentItems {
    const items: [string, number][] = [];
    for (let id = 0; id < this.size; id++) {
      const off = this.offsets[id] as number;
      items.push([this.decode(this.arena, off, off + (this.lengths[id] as number)), this.counts[id] as number]);
    }
    return FrequentItems.fromState({ capacity: this.capacity, total: this.total, offset: this.offset, items });
  }
}

/** The k-th smallest (0-based) of a[0, n), found by partitioning a in place (Hoare's selection). */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}
