// The text scan after an edit splices a scan of the edited top-level statements between the old results: it must
// equal a fresh scan of the new text, whatever the edit, and it must actually splice.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generateSource } from '../../../bench/analysis';
import { rescanPython } from '../../../src/core/analysis/python/rescan';
import { type Scan, scanPython } from '../../../src/core/analysis/python/scan';
import { mulberry32 } from '../../../src/core/util/random';
import { corpusFiles } from '../../corpusFiles';
import { randomTextEdit } from './pyEdits';

/** Everything a scan holds, comparable as text (the logical lines are typed arrays with spare capacity). */
function plain(s: Scan): string {
  const lines = Array.from({ length: s.lines.count }, (_, i) => s.lines.get(i));
  return JSON.stringify({ ...s, rescanned: undefined, lines, defStarts: [...s.defStarts], imports: { aliases: [...s.imports.aliases], topLevel: s.imports.topLevel } });
}

describe('Python scan after edits', () => {
  test('an edit running to the end of the text (its last line break deleted): one bracket depth per line break, as a fresh scan has', () => {
    for (const before of ['x = 1\ny = 2\n', 'x = 1\nif y == "NE\r\nGATIVE":\n', 'x = (1,\n 2)\n']) {
      const after = before.slice(0, -1);
      assert.equal(plain(rescanPython(scanPython(before), after)), plain(scanPython(after)), JSON.stringify(before));
    }
  });

  test('random edits (inside strings, comments, decorators, imports, brackets, indentation, line breaks): the same scan as a fresh one, mostly spliced', () => {
    const sources = corpusFiles()
      .filter((f) => f.lang === 'python')
      .map((f) => readFileSync(f.path, 'utf8'));
    sources.push(generateSource('python', 2000, 41));
    const rng = mulberry32(3);
    let compared = 0;
    let spliced = 0;
    for (const original of sources) {
      let text = original;
      let scan = scanPython(text);
      for (let e = 0; e < (original.length > 20_000 ? 100 : 25); e++) {
        const { next, kind } = randomTextEdit(rng, text);
        const again = rescanPython(scan, next);
        assert.equal(plain(again), plain(scanPython(next)), `edit ${e} (${kind}) of ${original.slice(0, 60)}…`);
        compared++;
        if (again.rescanned && again.rescanned.end - again.rescanned.start < next.length / 2) spliced++;
        text = next;
        scan = again;
      }
    }
    assert.ok(compared > 1000 && spliced > compared * 0.4, `${spliced} of ${compared} edits spliced`);
  });

  test('the items after the edit are the old ones, moved where they are: a splice copies nothing but the edited statements', () => {
    const text = generateSource('python', 2000, 41);
    const scan = scanPython(text);
    const at = text.indexOf('\ndef ', text.length / 2) + 1;
    const next = `${text.slice(0, at)}x = 1\n${text.slice(at)}`;
    const [def, assign, call] = [scan.defs.at(-1), scan.assigns.at(-1), scan.calls.at(-1)];
    const moved = { def: def?.headerStart, assign: assign?.start, call: call?.paren };
    const again = rescanPython(scan, next);
    // The edited statement and its neighbours are scanned again (about 1,000 characters here), not the 64,000 of the file.
    assert.ok(again.rescanned && again.rescanned.end - again.rescanned.start < next.length / 20, `spliced: ${JSON.stringify(again.rescanned)} of ${next.length}`);
    assert.equal(plain(again), plain(scanPython(next)));
    assert.ok(again.defs.at(-1) === def && again.assigns.at(-1) === assign && again.calls.at(-1) === call, 'the same items');
    assert.deepEqual({ def: def?.headerStart, assign: assign?.start, call: call?.paren }, { def: (moved.def ?? 0) + 6, assign: (moved.assign ?? 0) + 6, call: (moved.call ?? 0) + 6 });
  });

  test('an edit that opens a triple-quoted string or a bracket reaches the rest of the file, and closing it comes back', () => {
    const text = 'import joblib\n\nmodel = joblib.load("m")\n\n\ndef f(x):\n    return model.predict(x)\n\n\ndef g(x):\n    return model.predict_proba(x)\n';
    for (const junk of ['"""', '(', "'''", '\\\n', '@decorator\n']) {
      const at = text.indexOf('def f');
      const broken = text.slice(0, at) + junk + text.slice(at);
      const first = rescanPython(scanPython(text), broken);
      assert.equal(plain(first), plain(scanPython(broken)), `open ${JSON.stringify(junk)}`);
      assert.equal(plain(rescanPython(first, text)), plain(scanPython(text)), `closed ${JSON.stringify(junk)}`);
    }
  });
});
