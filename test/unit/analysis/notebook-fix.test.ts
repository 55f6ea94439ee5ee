// Fixes in Jupyter notebooks (`mlship check --fix`): the code cells are fixed as one program and written back into the
// notebook's JSON, only their `source` values changed. The fixed cells are then run, in order, under /usr/bin/python3
// with the model server failing (test/fixtures/run/pyharness.py): the notebook goes through its fallback.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeNotebook, fixNotebook, notebookCodeCells } from '../../../src/core/analysis/notebook';
import { fixAllText } from '../../../src/core/analysis/fixAll';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { runPython } from '../../fixRuns';

interface Cell { cell_type: string; source: string[] | string; metadata: object; outputs?: object[]; execution_count?: number }

/** A notebook as Jupyter writes it: one-space indent, sources as lists of lines, a final line break. */
function notebook(cells: Cell[]): string {
  return `${JSON.stringify({ cells, metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

const code = (lines: string[], extra: Partial<Cell> = {}): Cell => ({ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)), ...extra });

const fixer = (program: string, accept: (text: string) => boolean) => fixAllText(program, 'python', DEFAULT_CONFIG, {}, accept);

/** The code cells as the script a kernel would run (magics left out: the harness is plain Python). */
function script(ipynb: string): string {
  return notebookCodeCells(ipynb).map((c) => c.source.split('\n').filter((l) => !/^\s*[%!]/.test(l)).join('\n')).join('\n');
}

function rulesOf(ipynb: string): string[] {
  return analyzeNotebook(notebookCodeCells(ipynb), DEFAULT_CONFIG).flatMap((c) => c.findings.map((f) => `${c.id}:${f.range.start.line + 1}:${f.rule}`));
}

describe('notebook fixes', () => {
  let dir: string;
  before(async () => {
    await loadGrammars();
    dir = await mkdtemp(join(tmpdir(), 'mlship-nbfix-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const OUTPUT = { name: 'stdout', output_type: 'stream', text: ['churn probability 0.8\n'] };
  const SCORED = notebook([
    code(['%matplotlib inline', 'import requests', 'import numpy as np', '', 'URL = "http://localhost:8080/v2/models/churn/infer"']),
    { cell_type: 'markdown', metadata: {}, source: ['## Score one customer'] },
    code(['features = np.array([[0.1, 0.2, 0.3]])', 'response = requests.post(URL, json={"inputs": features.tolist()})', 'scores = response.json()["outputs"][0]["data"]', 'print("churn probability", scores[0])'], { metadata: { tags: ['score'] }, outputs: [OUTPUT], execution_count: 2 }),
    code(['!pip list', 'print("done")'], { execution_count: 3 }),
  ]);

  test('the code cells are fixed as one program; only the changed cells\' sources change, as lists of lines', () => {
    assert.deepEqual(rulesOf(SCORED), ['2:2:no-fallback', '2:2:no-timeout']);
    const fixed = fixNotebook(SCORED, fixer);
    assert.equal(fixed.count, 2);
    assert.equal(fixed.refused, false);
    const before = JSON.parse(SCORED) as { cells: Cell[] };
    const after = JSON.parse(fixed.text) as { cells: Cell[] };
    // Everything but the two code cells' sources is as it was: outputs, metadata, the markdown and the magics.
    assert.deepEqual({ ...after, cells: after.cells.map((c) => ({ ...c, source: [] })) }, { ...before, cells: before.cells.map((c) => ({ ...c, source: [] })) });
    assert.deepEqual(after.cells[1], before.cells[1]);
    assert.deepEqual(after.cells[3], before.cells[3]);
    assert.ok(fixed.text.endsWith(']\n  }\n ],\n "metadata": {\n  "kernelspec": {\n   "display_name": "Python 3",\n   "language": "python",\n   "name": "python3"\n  }\n },\n "nbformat": 4,\n "nbformat_minor": 5\n}\n'), 'the bytes after the last cell are untouched');
    const first = after.cells[0]?.source as string[];
    assert.equal(first[0], '%matplotlib inline\n');
    assert.ok(first.some((l) => l.startsWith('INFERENCE_TIMEOUT_S = ')), first.join(''));
    for (const cell of after.cells) if (Array.isArray(cell.source)) for (const l of cell.source.slice(0, -1)) assert.ok(l.endsWith('\n'), JSON.stringify(l));
    // Re-checked: nothing left to fix but the placeholder the fallback holds.
    assert.deepEqual(rulesOf(fixed.text).map((r) => r.replace(/^\d+:\d+:/, '')).sort(), ['fallback-stub']);
  });

  test('the fixed notebook runs through its fallback when the model server fails or hangs', async () => {
    const file = join(dir, 'scored.py');
    await writeFile(file, script(fixNotebook(SCORED, fixer).text));
    for (const mode of ['raise', 'timeout'] as const) {
      const r = await runPython(file, mode, 'module');
      assert.ok(r.ok, `${mode}: ${r.error}`);
      assert.ok(r.fallbacks > 0, `${mode}: went through the fallback`);
    }
    // The control: the notebook before the fix lets the failure out.
    await writeFile(file, script(SCORED));
    assert.equal((await runPython(file, 'raise', 'module')).ok, false);
  });

  test('a fix that would reach into a later cell is left out, and the others are applied', () => {
    // `scores` is read in the next cell: the try around the prediction and what uses it would span two cells.
    const across = notebook([
      code(['import requests', 'URL = "http://localhost:8080/v2/models/churn/infer"']),
      code(['response = requests.post(URL, json={"inputs": [[0.1]]})', 'scores = response.json()["outputs"][0]["data"]']),
      code(['!pip list', 'label = "churn" if scores[0] > 0.5 else "stay"', 'print(label)']),
    ]);
    const fixed = fixNotebook(across, fixer);
    assert.equal(fixed.refused, true);
    assert.equal(fixed.count, 1, 'the timeout');
    assert.deepEqual(rulesOf(fixed.text), ['1:1:no-fallback']);
    const after = JSON.parse(fixed.text) as { cells: Cell[] };
    assert.deepEqual(after.cells[2], JSON.parse(across).cells[2], 'the later cell is untouched');
  });

  test('definitions go after the imports above the call: an import in a later cell does not move them past it', async () => {
    const late = notebook([
      code(['import requests', 'URL = "http://localhost:8080/v2/models/churn/infer"']),
      code(['r = requests.post(URL, json={"inputs": [[0.1]]})', 'print(r.json())']),
      code(['import matplotlib.pyplot as plt', 'plt.show()']),
    ]);
    const fixed = fixNotebook(late, fixer);
    assert.equal(fixed.count, 2);
    const cells = (JSON.parse(fixed.text) as { cells: Cell[] }).cells.map((c) => (c.source as string[]).join(''));
    assert.match(cells[0] ?? '', /INFERENCE_TIMEOUT_S = /);
    assert.match(cells[0] ?? '', /def fallback_prediction/);
    assert.equal(cells[2], 'import matplotlib.pyplot as plt\nplt.show()');
    const file = join(dir, 'late.py');
    await writeFile(file, script(fixed.text));
    const r = await runPython(file, 'raise', 'module');
    assert.ok(r.ok && r.fallbacks > 0, String(r.error));
  });

  test('a cell whose magic makes it something else than Python (%%writefile, %%bash) is neither analyzed nor changed', () => {
    const nb = notebook([
      code(['import requests']),
      code(['%%writefile helper.py', 'import json', 'def dump(x):', '    return json.dumps(x)']),
      code(['%%time', 'r = requests.post("http://localhost:8080/predict", json={})', 'print(r.json())']),
      code(['%%bash', 'curl -s http://localhost:8080/predict']),
    ]);
    const fixed = fixNotebook(nb, fixer);
    const before = JSON.parse(nb) as { cells: Cell[] };
    const after = JSON.parse(fixed.text) as { cells: Cell[] };
    assert.deepEqual([after.cells[1], after.cells[3]], [before.cells[1], before.cells[3]]);
    assert.match((after.cells[0]?.source as string[]).join(''), /INFERENCE_TIMEOUT_S = /);
    // The %%time cell is Python: its call is fixed, its magic kept first.
    assert.match((after.cells[2]?.source as string[]).join(''), /^%%time\ntry:\n {4}r = requests\.post\([^\n]*timeout=INFERENCE_TIMEOUT_S\)/);
    assert.deepEqual(rulesOf(nb).filter((r) => r.startsWith('1:') || r.startsWith('3:')), []);
  });

  test('a fix refused in one cell does not keep the same line in another from being fixed', () => {
    // Cell 1's fallback would take cell 2 into its try; cell 3 holds the same line, used only there.
    const same = notebook([
      code(['import requests', 'URL = "http://localhost:8080/v2/models/churn/infer"']),
      code(['r = requests.post(URL, json={})']),
      code(['print(r.json())']),
      code(['r = requests.post(URL, json={})', 'print(r.json())']),
    ]);
    const fixed = fixNotebook(same, fixer);
    assert.equal(fixed.refused, true);
    assert.equal(fixed.count, 3, 'both timeouts and the fallback of the last cell');
    assert.deepEqual(rulesOf(fixed.text).filter((r) => r.endsWith('no-fallback')), ['1:1:no-fallback']);
  });

  test('a notebook with nothing to fix is returned as it was', () => {
    const clean = notebook([code(['import numpy as np', 'print(np.arange(3))'])]);
    assert.deepEqual(fixNotebook(clean, fixer), { text: clean, count: 0, refused: false });
  });
});
