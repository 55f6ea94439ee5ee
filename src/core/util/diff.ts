// A unified diff of two texts by lines (LCS after trimming the common head and tail), for showing what an edit
// changed: `mlship rollout` prints it, previews can too.

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
}

function lineOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // LCS table over the changed middle only.
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] = x[i] === y[j] ? ((lcs[i + 1] as number[])[j + 1] as number) + 1 : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
    }
  }
  const middle: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ kind: ' ', line: x[i++] as string });
      j++;
    } else if (i < x.length && (j >= y.length || ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))) {
      middle.push({ kind: '-', line: x[i++] as string });
    } else middle.push({ kind: '+', line: y[j++] as string });
  }
  return [...a.slice(0, head).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line }))];
}

/** A unified diff (`--- a`, `+++ b`, `@@ … @@` hunks with `context` lines around changes); '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, fromFile: string, toFile: string = fromFile, context = 3): string {
  if (before === after) return '';
  const split = (t: string) => (t === '' ? [] : t.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n'));
  const ops = lineOps(split(before), split(after));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(ops.length, k + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out = [`--- ${fromFile}`, `+++ ${toFile}`];
  for (const [start, end] of hunks) {
    const oldStart = ops.slice(0, start).filter((o) => o.kind !== '+').length;
    const newStart = ops.slice(0, start).filter((o) => o.kind !== '-').length;
    const body = ops.slice(start, end);
    const oldCount = body.filter((o) => o.kind !== '+').length;
    const newCount = body.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldCount ? oldStart + 1 : oldStart},${oldCount} +${newCount ? newStart + 1 : newStart},${newCount} @@`);
    for (const o of body) out.push(`${o.kind}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * How long the common head and tail of two texts are (the tail not overlapping the head): where an edit changed
 * `before` into `after`. Compares in blocks, which is many times faster than character by character on the
 * concatenated strings an editor's edits produce.
 */
export function changedSpan(before: string, after: string): { head: number; tail: number } {
  const max = Math.min(before.length, after.length);
  let head = 0;
  for (let step = 4096; step >= 1; step >>= 3) while (head + step <= max && before.slice(head, head + step) === after.slice(head, head + step)) head += step;
  let tail = 0;
  const room = max - head;
  for (let step = 4096; step >= 1; step >>= 3) while (tail + step <= room && before.slice(before.length - tail - step, before.length - tail) === after.slice(after.length - tail - step, after.length - tail)) tail += step;
  return { head, tail };
}
