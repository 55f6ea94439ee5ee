// The text of a float32 value as String(number) writes it (the shortest decimal that reads back as the same double,
// the closest of those), made faster for the values a model's inputs usually hold. V8 writes most doubles fast, but
// the double of a short decimal stored as float32 (1.9 in a Float32Array is 1.899999976158142) is one its fast path
// gives up on, and its exact fallback takes about a microsecond per number; the prediction log writes dozens of such
// numbers per request.
//
// Here the value is scaled by a power of ten to a 17-digit number with exact arithmetic: a float32 has 24 significant
// bits and 10^k (k ≤ 22) at most 53, so their product fits two doubles exactly (Dekker's product). The candidates —
// multiples of 10^j of that number within the double's rounding interval — are then compared exactly, as V8's exact
// fallback does: the fewest digits, the closest of those, an even last digit on a tie, interval ends included (a
// float32's double has an even significand). Whole numbers (every float32 from 2^23 up is one), which V8 writes fast,
// and values below 1e-6, where the scale would need 10^k beyond 10^22 and the text is exponential, go to String().
// The text is written as ASCII bytes into a caller's buffer (writeFloat32), so a run of values becomes one string, or
// none when the bytes go straight into the prediction log.
// Only for float32 values (Math.fround(x) === x): larger significands would not fit the exact product.

/** 10^0 … 10^22, exact doubles, and each split into two halves of at most 26 bits (Veltkamp). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
for (let i = 0; i < 23; i++) {
  const c = POW10[i] as number;
  const t = 134217729 * c;
  POW10_HI[i] = t - (t - c);
  POW10_LO[i] = c - (POW10_HI[i] as number);
}
/** 10^0 … 10^9 as int32, for the digit arithmetic. */
const INT10 = Int32Array.from({ length: 10 }, (_, i) => 10 ** i);
const E8 = 1e8;
const E16 = 1e16;
const E17 = 1e17;

/** 2^(i − 1100): the rounding interval's half width for a double of exponent e is 2^(e − 53). */
const POW2 = Float64Array.from({ length: 1200 }, (_, i) => 2 ** (i - 1100));

/** Reads a double's bits (the exponent for the interval's width, the significand for a power of two). */
const wide = new Float64Array(1);
const words = new Uint32Array(wide.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** `String(x)` for a float32 value `x` (a number equal to Math.fround of itself). */
export function float32Text(x: number): string {
  const end = writeFloat32(x, scratch, 0);
  return scratch.toString('latin1', 0, end);
}

/** Room for one value's text: the longest are 25 bytes ("-0.00000" and 17 digits, "-1.1754943508222875e-38"). */
export const FLOAT32_TEXT_BYTES = 32;
const scratch = Buffer.allocUnsafe(FLOAT32_TEXT_BYTES);

/**
 * Writes `String(x)` for a float32 value `x` (ASCII, one byte a character) into `out` from `pos`, and returns where it
 * ends. `out` needs FLOAT32_TEXT_BYTES from `pos`.
 */
export function writeFloat32(x: number, out: Uint8Array, pos: number): number {
  single[0] = x;
  return writeFloat32Of(single, 0, out, pos);
}
const single = new Float32Array(1);

/**
 * writeFloat32() of `data[index]`. The value is read here rather than passed in: a double passed to a function that
 * is not inlined is boxed on the heap, and a run of values would allocate one number each.
 */
export function writeFloat32Of(data: Float32Array, index: number, out: Uint8Array, pos: number): number {
  const x = data[index] as number;
  const a = x < 0 ? -x : x;
  // Whole numbers (every float32 from 2^23 up): V8 writes them fast, and exactly.
  if (!(a >= 1e-6) || Number.isInteger(a)) return writeAscii(String(x), out, pos);
  // 10^k with a × 10^k in [1e16, 1e17): estimated from log10, then corrected on the exact product. a < 2^23, so k ≥ 10.
  let k = 16 - Math.floor(Math.log10(a));
  if (k > 22) k = 22;
  let p = 0;
  let e = 0;
  for (;;) {
    p = a * (POW10[k] as number);
    // Dekker's product: a has 24 significant bits, so a × hi and a × lo are exact and p + e is a × 10^k exactly.
    e = a * (POW10_HI[k] as number) - p + a * (POW10_LO[k] as number);
    if ((p < E16 || (p === E16 && e < 0)) && k < 22) k++;
    else if (p > E17 || (p === E17 && e >= 0)) k--;
    else break;
  }
  if (p < E16 || (p === E16 && e < 0)) return writeAscii(String(x), out, pos);
  // y = a × 10^k = hi × 1e8 + low + frac exactly: hi and low whole (low < 1e8, both int32), frac in [0, 1). Each step
  // is exact: hi × 1e8 needs at most 49 bits, p − hi × 1e8 is a whole number below 2^28, and adding e (whose lowest
  // bit is at least 2^-21) keeps it within 48 significant bits.
  let hi = Math.floor(p / E8);
  let lo = p - hi * E8 + e;
  while (lo < 0) {
    lo += E8;
    hi -= 1;
  }
  while (lo >= E8) {
    lo -= E8;
    hi += 1;
  }
  hi |= 0;
  const low = Math.floor(lo) | 0;
  const frac = lo - low;
  // Half the distance to the neighbouring doubles, scaled: 2^(exponent − 53) × 10^k (exact, at most 12); the lower
  // half is half that at a power of two (the double below is closer).
  wide[0] = a;
  const high = words[HIGH_WORD] as number;
  const up = (POW2[(high >>> 20) - 1023 - 53 + 1100] as number) * (POW10[k] as number);
  const down = (high & 0xfffff) === 0 && words[1 - HIGH_WORD] === 0 ? up / 2 : up;
  // The candidates are the multiples of 10^j just below and above y within [y − down, y + up]; the largest j with
  // one gives the fewest digits. A multiple of 10^j (j ≥ 2) is one of 100, and `up` < 100 / 2: when there is none
  // at j = 2 the answer is at j = 1 or 0; when there is, j goes up while there still is one.
  let j = within(hi, low, frac, 2, up, down) ? 2 : within(hi, low, frac, 1, up, down) ? 1 : 0;
  if (j === 2) while (j < 16 && within(hi, low, frac, j + 1, up, down)) j++;
  // The candidate at j: below or above, the closer one when both are in, the even last digit on a tie.
  let candHi = hi;
  let candLo = low;
  let below: number;
  let above: number;
  let digit: number;
  if (j >= 8) {
    const t = INT10[j - 8] as number;
    const r = hi % t;
    candHi = hi - r;
    candLo = 0;
    below = r === 0 ? lo : Infinity;
    above = r === t - 1 ? E8 - lo : Infinity;
    digit = ((candHi / t) | 0) % 10;
  } else {
    const t = INT10[j] as number;
    const r = low % t;
    candLo = low - r;
    below = r + frac;
    above = t - r - frac;
    digit = ((candLo / t) | 0) % 10;
  }
  const downOk = below <= down;
  const upOk = above <= up;
  if (downOk && upOk ? (below !== above ? above < below : digit % 2 === 1) : upOk) {
    if (j >= 8) candHi += INT10[j - 8] as number;
    else {
      candLo += INT10[j] as number;
      if (candLo >= E8) {
        candLo -= E8;
        candHi += 1;
      }
    }
  }
  // The text of (candHi × 1e8 + candLo) × 10^-k, k ≥ 10: the whole part from candHi, then k − 8 digits of candHi
  // and the 8 of candLo after the point, without trailing zeros.
  const fracDigits = k - 8;
  let whole = 0;
  let hiFrac = candHi;
  if (fracDigits <= 9) {
    const t = INT10[fracDigits] as number;
    whole = (candHi / t) | 0;
    hiFrac = candHi - whole * t;
  }
  if (x < 0) out[pos++] = 45; // '-'
  pos = writeDigits(whole, 1, out, pos);
  if (candLo === 0) {
    let width = fracDigits;
    while (hiFrac !== 0 && hiFrac % 10 === 0) {
      hiFrac = (hiFrac / 10) | 0;
      width--;
    }
    if (hiFrac !== 0) {
      out[pos++] = 46; // '.'
      pos = writeDigits(hiFrac, width, out, pos);
    }
  } else {
    let width = 8;
    while (candLo % 10 === 0) {
      candLo = (candLo / 10) | 0;
      width--;
    }
    out[pos++] = 46;
    pos = writeDigits(hiFrac, fracDigits, out, pos);
    pos = writeDigits(candLo, width, out, pos);
  }
  return pos;
}

/** The digits of `v` (a whole number, 0 ≤ v < 2^31) in at least `width` digits, zeros in front; returns the end. */
function writeDigits(v: number, width: number, out: Uint8Array, pos: number): number {
  let n = width < 1 ? 1 : width;
  while (n < 10 && v >= (INT10[n] as number)) n++;
  const end = pos + n;
  for (let i = end - 1; i >= pos; i--) {
    const q = (v / 10) | 0;
    out[i] = 48 + v - q * 10;
    v = q;
  }
  return end;
}

/** Writes the characters of `s` (all ASCII) as bytes; returns the end. */
function writeAscii(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  return pos;
}

/** Whether a multiple of 10^j lies within [y − down, y + up], y = hi × 1e8 + low + frac. */
function within(hi: number, low: number, frac: number, j: number, up: number, down: number): boolean {
  if (j >= 8) {
    const t = INT10[j - 8] as number;
    const r = hi % t;
    return (r === 0 && low + frac <= down) || (r === t - 1 && E8 - low - frac <= up);
  }
  const t = INT10[j] as number;
  const r = low % t;
  return r + frac <= down || t - r - frac <= up;
}
