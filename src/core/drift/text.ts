// Short number formats for explanations and reports: "38.2k", "1.25M", "0.287", "35 %".

/** A number with three significant digits: a k/M/B suffix up to the billions, exponent notation beyond. */
export function describeNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const sig = (v: number) => String(Number(v.toPrecision(3)));
  // Past 999.5B a suffix would need thousands of billions ("1500000B", "1e+21B"): 1.50e+15 reads better.
  if (abs >= 999.5e9) return x.toExponential(2);
  if (abs >= 1e9) return `${sig(x / 1e9)}B`;
  if (abs >= 1e6) return `${sig(x / 1e6)}M`;
  if (abs >= 1e4) return `${sig(x / 1e3)}k`;
  if (Number.isInteger(x)) return String(x);
  if (abs !== 0 && abs < 1e-3) return x.toExponential(2);
  return sig(x);
}

/** A share as a percentage: "35 %", "4.5 %", "0 %". */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return String(share);
  const p = share * 100;
  const abs = Math.abs(p);
  const text = abs === 0 ? '0' : abs < 10 ? String(Number(p.toFixed(1))) : String(Math.round(p));
  return `${text} %`;
}
