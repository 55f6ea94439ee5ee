// Acceptance 1: the drift statistics match SciPy within 1e-6 relative on committed reference vectors
// (test/fixtures/drift/reference.json, written by scripts/fixtures/drift_reference.py with Debian's python3-scipy).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chiSquareAgainstBaseline, jensenShannonDistance, ksTwoSample, populationStd, toValueCounts, wassersteinDistance } from '../../../src/core/drift/exact';
import { kolmogornSf, smirnovSf } from '../../../src/core/drift/kolmogorov';
import { chi2Sf } from '../../../src/core/drift/special';
import { mulberry32 } from '../../../src/core/util/random';

type Num = number | null | 'inf' | '-inf';
interface SampleSpec {
  values?: (number | null)[];
  seed?: number;
  n?: number;
  shape?: 'uniform' | 'bell' | 'ties' | 'constant';
  scale?: number;
  shift?: number;
  levels?: number;
  nanEvery?: number;
}
interface Reference {
  scipy: string;
  twoSample: { name: string; a: SampleSpec; b: SampleSpec; n: [number, number]; ks: { statistic: Num; pvalue: Num }; wasserstein: Num; stdA: Num }[];
  kolmogorov: { n: number; x: number; sf: Num }[];
  smirnov: { n: number; x: number; sf: Num }[];
  jensenShannon: { p: number[]; q: number[]; distance: Num }[];
  chiSquare: { observed: number[]; reference: number[]; statistic: Num; pvalue: Num }[];
  chi2Sf: { x: number; dof: number; sf: Num }[];
}

const REF = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'drift', 'reference.json'), 'utf8')) as Reference;

/** Must match expand() in scripts/fixtures/drift_reference.py. */
export function expandSample(spec: SampleSpec): number[] {
  if (spec.values) return spec.values.map((v) => (v === null ? Number.NaN : v));
  const rnd = mulberry32(spec.seed ?? 0);
  const out: number[] = [];
  for (let i = 0; i < (spec.n ?? 0); i++) {
    let v: number;
    switch (spec.shape) {
      case 'uniform': v = rnd() * (spec.scale ?? 1) + (spec.shift ?? 0); break;
      case 'bell': v = (rnd() + rnd() + rnd()) * (spec.scale ?? 1) + (spec.shift ?? 0); break;
      case 'ties': v = Math.floor(rnd() * (spec.levels ?? 1)) + (spec.shift ?? 0); break;
      default: v = spec.shift ?? 0;
    }
    if (spec.nanEvery && i % spec.nanEvery === 0) v = Number.NaN;
    out.push(v);
  }
  return out;
}

function num(x: Num): number {
  if (x === null) return Number.NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}

/** |actual − expected| ≤ 1e-6 · |expected| (exact equality for 0, ±∞ and values below 1e-300). */
function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  if (!Number.isFinite(expected) || Math.abs(expected) < 1e-300) {
    assert.ok(actual === expected || Math.abs(actual - expected) < 1e-300, `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(rel <= 1e-6, `${what}: expected ${expected}, got ${actual} (relative error ${rel.toExponential(2)})`);
}

describe(`drift statistics match SciPy ${REF.scipy}`, () => {
  for (const c of REF.twoSample) {
    test(`two samples: ${c.name}`, () => {
      const a = toValueCounts(expandSample(c.a));
      const b = toValueCounts(expandSample(c.b));
      assert.deepEqual([a.total, b.total], c.n);
      const ks = ksTwoSample(a, b);
      close(ks.statistic, num(c.ks.statistic), 'KS statistic');
      close(ks.pValue, num(c.ks.pvalue), 'KS p-value');
      close(wassersteinDistance(a, b), num(c.wasserstein), 'Wasserstein distance');
      close(populationStd(a), num(c.stdA), 'baseline std');
    });
  }

  test(`the two-sided Kolmogorov distribution (kstwo.sf) on ${REF.kolmogorov.length} points across every method's region`, () => {
    for (const k of REF.kolmogorov) close(kolmogornSf(k.n, k.x), num(k.sf), `kstwo.sf(${k.x}, ${k.n})`);
  });

  test(`the one-sided Smirnov tail (special.smirnov) on ${REF.smirnov.length} points`, () => {
    for (const s of REF.smirnov) close(smirnovSf(s.n, s.x), num(s.sf), `smirnov(${s.n}, ${s.x})`);
  });

  test('Jensen–Shannon distance, base 2, with empty categories', () => {
    for (const j of REF.jensenShannon) close(jensenShannonDistance(j.p, j.q, 2), num(j.distance), `jensenshannon(${JSON.stringify(j.p)}, ${JSON.stringify(j.q)})`);
  });

  test('chi-square against baseline counts scaled to the current total (Evidently\'s call to chisquare)', () => {
    for (const c of REF.chiSquare) {
      const r = chiSquareAgainstBaseline(c.reference, c.observed);
      close(r.statistic, num(c.statistic), `chisquare statistic ${JSON.stringify(c.observed)}`);
      close(r.pValue, num(c.pvalue), `chisquare p-value ${JSON.stringify(c.observed)}`);
    }
  });

  test('chi-square survival function', () => {
    for (const c of REF.chi2Sf) close(chi2Sf(c.x, c.dof), num(c.sf), `chi2.sf(${c.x}, ${c.dof})`);
  });
});
