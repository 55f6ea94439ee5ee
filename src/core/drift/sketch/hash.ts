// 32-bit hashes of values for distinct counting (HyperLogLog). Every reader hashes the UTF-8 bytes of a text value,
// so the same value hashes the same from a CSV byte range, a JSON string or a Parquet column, and sketches built
// from different formats merge. Numbers hash their IEEE-754 bits (with −0 as +0).

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 (x86, 32-bit, seed 0) of bytes[start, end). */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  const len = end - start;
  for (; i + 4 <= end; i += 4) {
    h = mixH(h, (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes[i] as number;
    if (rest > 1) k ^= (bytes[i + 1] as number) << 8;
    if (rest > 2) k ^= (bytes[i + 2] as number) << 16;
    h ^= mixK(k);
  }
  return fmix(h ^ len);
}

/**
 * A cheap 32-bit hash of bytes[start, end) for finding them in a table (one multiply per 4 bytes, then a fold of the
 * high bits into the low ones, which a table mask keeps). Not for sketches: those hash with hashBytes.
 */
export function probeHash(bytes: Uint8Array, start: number, end: number): number {
  let h = Math.imul(end - start, 0x9e3779b1);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const w = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    h = Math.imul(((h << 5) | (h >>> 27)) ^ w, 0x85ebca6b);
  }
  if (i < end) {
    let w = bytes[i] as number;
    if (i + 1 < end) w |= (bytes[i + 1] as number) << 8;
    if (i + 2 < end) w |= (bytes[i + 2] as number) << 16;
    h = Math.imul(((h << 5) | (h >>> 27)) ^ w, 0xc2b2ae35);
  }
  return h ^ (h >>> 15) ^ (h >>> 23);
}

const scratch = new Uint8Array(4096);
const encoder = new TextEncoder();

/** The hash of a string's UTF-8 bytes (same as hashBytes on its encoding). */
export function hashString(s: string): number {
  const n = s.length;
  let ascii = n <= scratch.length;
  if (ascii) {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        ascii = false;
        break;
      }
      scratch[i] = c;
    }
  }
  if (ascii) return hashBytes(scratch, 0, n);
  if (n * 3 <= scratch.length) {
    const { written } = encoder.encodeInto(s, scratch);
    return hashBytes(scratch, 0, written);
  }
  const bytes = encoder.encode(s);
  return hashBytes(bytes, 0, bytes.length);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The hash of a number's IEEE-754 bits (−0 and +0 hash alike): both halves mixed, then murmur's finalizer. */
export function hashNumber(x: number): number {
  f64[0] = x === 0 ? 0 : x;
  return hashNumberBits(u32[0] as number, u32[1] as number);
}

/**
 * hashNumber() of a number from the two 32-bit words of its Float64Array slot, as a Uint32Array view of that array
 * reads them (words 2i and 2i + 1): numbers already in a Float64Array are hashed with no store and reload each.
 */
export function hashNumberBits(low: number, high: number): number {
  // −0 (sign bit only) hashes as +0.
  const h = low === 0 && high === 0x80000000 ? 0 : high;
  return fmix(Math.imul(low ^ 0x2545f491, 0x9e3779b1) ^ h);
}
