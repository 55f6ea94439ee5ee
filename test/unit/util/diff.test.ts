// unifiedDiff against GNU diff -u on the same texts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unifiedDiff } from '../../../src/core/util/diff';

function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-diff-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    const r = spawnSync('diff', ['-u', '--label', 'a/f.json', '--label', 'b/f.json', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('equals GNU diff -u for replacements, insertions, deletions and far-apart edits', () => {
  const base = Array.from({ length: 40 }, (_, i) => `line ${i}`);
  const variants: string[][] = [
    base.map((l, i) => (i === 10 ? 'changed 10' : l)),
    base.map((l, i) => (i === 3 || i === 30 ? `changed ${i}` : l)),
    base.map((l, i) => (i === 5 || i === 9 ? `changed ${i}` : l)),
    [...base.slice(0, 20), 'new a', 'new b', ...base.slice(20)],
    [...base.slice(0, 15), ...base.slice(18)],
    ['first', ...base],
    [...base, 'last'],
    base.slice(1, -1),
  ];
  for (const v of variants) {
    const a = `${base.join('\n')}\n`;
    const b = `${v.join('\n')}\n`;
    assert.equal(unifiedDiff(a, b, 'a/f.json', 'b/f.json'), gnuDiff(a, b));
  }
});

test('no change is an empty diff; a new file diffs against nothing', () => {
  assert.equal(unifiedDiff('x\n', 'x\n', 'f'), '');
  assert.equal(unifiedDiff('', 'a\nb\n', '/dev/null', 'b/f'), '--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
});
