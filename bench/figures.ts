// One measured figure, printed next to its peer or limit measured in the same run.
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  peer?: { name: string; value: number };
  /** value / peer.value */
  ratio?: number;
  goal?: string;
}

/** Milliseconds one synchronous call of `fn` takes. */
export function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The `q` quantile of `xs` (nearest rank: the smallest value with at least `q` of them at or below it). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

export function printFigures(title: string, figures: readonly BenchFigure[]): void {
  console.log(`\n${title}`);
  for (const f of figures) {
    const peer = f.peer ? `  vs ${f.peer.name} ${f.peer.value.toFixed(3)} ${f.unit}` : '';
    const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(3)}` : '';
    console.log(`  ${f.name}: ${f.value.toFixed(3)} ${f.unit}${peer}${ratio}${f.goal ? `  (goal ${f.goal})` : ''}`);
  }
}
