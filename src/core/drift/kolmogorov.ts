// Distribution of the Kolmogorov–Smirnov statistic, computed the way SciPy 1.10 computes it so that MLShip's KS
// p-values match scipy.stats.ks_2samp:
//   - the exact two-sample probability for n1, n2 ≤ 10,000 (Hodges' lattice-path counting; the "outside square"
//     series for n1 = n2 and Viehmann's numerically stable "inside" recursion otherwise);
//   - beyond that, the one-sample two-sided distribution (SciPy's kstwo) at n = round(n1·n2 / (n1 + n2)), evaluated
//     with the method Simard & L'Ecuyer (2011) recommend for each region: Ruben–Gambino closed forms, the Durbin
//     matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion, the Pelz–Good series, or twice the one-sided Smirnov
//     tail (Birnbaum–Tingey sum).
import { roundHalfEven } from './special';

const TWO_128 = 2 ** 128;
const TWO_M128 = 2 ** -128;
/** Natural log of the smallest subnormal double, as Cephes' MINLOG. */
const MIN_LOG = -745.1332191019412;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact product n·x as a double-double (Dekker), so floor(n·x) and its remainder are exact.

const SPLITTER = 134217729; // 2^27 + 1
function split(a: number): [number, number] {
  const t = SPLITTER * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, err];
}

// ---------------------------------------------------------------------------------------------------------------
// One-sided Smirnov tail: P(D+_n ≥ x) (scipy.special.smirnov).

/** P(D+_n ≥ x) for the one-sided Kolmogorov–Smirnov statistic of a sample of size n. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const [p, e] = twoProduct(n, x);
  let nxfl = Math.floor(p);
  let alpha: number;
  if (p === nxfl && e < 0) {
    nxfl -= 1;
    alpha = 1 + e;
  } else alpha = p - nxfl + e;
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  // x ≤ 1/n: closed form.
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clip01(1 - x * (1 + x) ** (n - 1));
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxfl >= n - 1) return clip01((1 - x) ** n);
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    // The cdf is 1 - e^logp; SciPy forms it with expm1 and takes the sf back from it.
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  const nUpperTerms = n - n1mxceil + 1;
  const useUpper = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
  if (useUpper) {
    // Few alternating terms from v = n down: cdf = x · Σ A_v.
    let sum = 0;
    let c = 1; // C(n, v) for v = n, n-1, …
    for (let v = n, j = 0; v >= n1mxceil; v--, j++) {
      if (j > 0) c *= (v + 1) / (n - v);
      const t1 = (v / n + x) ** (v - 1);
      const t2 = ((n - v) / n - x) ** (n - v);
      sum += c * t1 * t2;
    }
    return clip01(1 - x * sum);
  }
  // Lower (Birnbaum–Tingey) sum of positive terms, each in log space: sf = x · Σ_{v=0}^{⌊n(1-x)⌋} A_v.
  let logC = 0;
  let sum = 0;
  const nTerms = n1mxfl + 1;
  for (let v = 0; v < nTerms; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    const t1x = (v + p + e) / n; // x + v/n
    const t2x = (n - v - p - e) / n; // 1 - x - v/n
    if (t2x <= 0) break;
    const logA = logC + (v - 1) * Math.log(t1x) + (n - v) * Math.log(t2x);
    const a = Math.exp(logA);
    sum += a;
    if (a !== 0 && 4 * (nTerms - v) * a < Number.EPSILON * sum && v !== nTerms - 1) break;
    if (a === 0 && v > n / 2) break;
  }
  return clip01(x * sum);
}

// ---------------------------------------------------------------------------------------------------------------
// Two-sided one-sample distribution P(D_n > x) (scipy.stats.kstwo.sf).

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
// Coefficients of the Stirling series for log(n!) − (n log n − n + log(2πn)/2), highest power first.
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953,
  0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

function logNFactorialOverNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      const row = k * m;
      const o = i * m;
      for (let j = 0; j < m; j++) out[o + j] = (out[o + j] as number) + aik * (b[row + j] as number);
    }
  }
  return out;
}

/** P(D_n ≤ d) by the Durbin matrix, as Marsaglia, Tsang and Wang (2003) compute it. */
function kolmogornDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)] as number;
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;
  let P = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)] as number) > TWO_128) {
      for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) / TWO_128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_M128) {
      p *= TWO_128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p *= 2 ** expnt;
  return clip01(p);
}

function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's (1974) recursion. */
function kolmogornPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * (g / n)) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * ((2 * g) / n)) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * ((1 - 2 * g) / n)) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const aStart = k1 - V0s;
      const aLen = Math.max(0, Math.min(ln2, npwrs - aStart));
      const bLen = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      const fullLen = aLen + bLen - 1;
      for (let q = 0; q < convLen && convStart + q < fullLen; q++) {
        const idx = convStart + q;
        let s = 0;
        const lo = Math.max(0, idx - bLen + 1);
        const hi = Math.min(idx, aLen - 1);
        for (let a = lo; a <= hi; a++) s += (V0[aStart + a] as number) * (pwrs[idx - a] as number);
        V1[q] = s;
      }
      let max = 0;
      for (let q = 0; q < V1.length; q++) if ((V1[q] as number) > max) max = V1[q] as number;
      if (max > 0 && max < TWO_M128) {
        for (let q = 0; q < V1.length; q++) V1[q] = (V1[q] as number) * TWO_128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > TWO_128) {
      ans *= TWO_M128;
      expnt += 128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans *= 2 ** expnt;
  return clip01(ans);
}

/** P(D_n ≤ x) by the Pelz–Good (1976) asymptotic series. */
function kolmogornPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = (K[i] as number) * qpower + (coeffs[i] as number);
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * SQRT2PI) / (div[i] as number);
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    k2extra += k2 * qp;
    const kspi = Math.PI * k;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * k2 * qp;
  }
  K[2] = (K[2] as number) + (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] = (K[3] as number) + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (K[i] as number) / n ** (i / 2);
  return sum;
}

/** P(D_n > x) for the two-sided one-sample Kolmogorov–Smirnov statistic (scipy.stats.kstwo.sf(x, n)). */
export function kolmogornSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0.5 / n) return 1;
  const t = n * x;
  if (t <= 1) {
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i * (1 / n)) * (2 * t - 1);
    } else prob = Math.exp(logNFactorialOverNPowN(n) + n * Math.log(2 * t - 1));
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmogornDurbin(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmogornPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = kolmogornDurbin(n, x);
  else cdf = kolmogornPelzGood(n, x);
  return clip01(1 - cdf);
}

// ---------------------------------------------------------------------------------------------------------------
// Exact two-sample probability P(D_{m,n} ≥ d), two-sided.

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D_{n,n} ≥ h/n) for equal sample sizes: an alternating series evaluated Horner-style. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** 1 − P(all lattice paths stay strictly inside |x/m − y/n| < h/lcm), computed directly (Viehmann 2021). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) for (let q = maxj - minj; q < maxj - minj + (lastlen - curlen) && q < lenA; q++) A[q] = 1;
  }
  return A[maxj - minj - 1] as number;
}

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Largest sample size for which the exact two-sample distribution is used (SciPy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10_000;

/** Two-sided p-value of the two-sample KS statistic `d` for sample sizes n1, n2, as scipy.stats.ks_2samp computes it. */
export function ksTwoSamplePValue(d: number, n1: number, n2: number): KsResult {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    const dExact = h / lcm;
    if (h === 0) return { statistic: dExact, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic: dExact, pValue: prob, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: clip01(kolmogornSf(roundHalfEven(en), d)), method: 'asymptotic' };
}
