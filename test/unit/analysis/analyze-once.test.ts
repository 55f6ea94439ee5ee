// `mlship check`'s one-shot analysis (analyzeOnce): the same findings and calls as the editor's analysis of the same
// text, and a Python file is parsed only when one of its calls could be a prediction or an unsafe load.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeOnce, analyzeSource } from '../../../src/core/analysis/engine';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { CORPUS_DIR, corpusFiles } from '../../corpusFiles';

describe('one-shot analysis', () => {
  before(() => loadGrammars());

  test('finds what the editor finds, on every file of the corpus', () => {
    let parsed = 0;
    for (const { path, lang } of corpusFiles()) {
      const source = readFileSync(path, 'utf8');
      // The editor's analysis keeps what its next reanalysis reuses (and selects statements by name as it does).
      const full = analyzeSource(source, lang, DEFAULT_CONFIG, undefined, { path, keepForEdits: true });
      full.tree.delete();
      const once = analyzeOnce(source, lang, DEFAULT_CONFIG, { path });
      if (once.tree) parsed++;
      once.tree?.delete();
      assert.deepEqual(once.result, full.result, relative(CORPUS_DIR, path));
    }
    assert.ok(parsed > 0);
  });

  test('a Python file whose calls cannot be predictions is not parsed; one with a predict call is', () => {
    const plain = analyzeOnce('import json\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n', 'python', DEFAULT_CONFIG);
    assert.equal(plain.tree, undefined);
    assert.deepEqual(plain.result.findings, []);
    const model = analyzeOnce('import joblib\nmodel = joblib.load("m.joblib")\n\ndef score(x):\n    return model.predict(x)\n', 'python', DEFAULT_CONFIG);
    assert.ok(model.tree, 'the predict call asks the tree whether its statement parses');
    assert.deepEqual(model.result.findings.map((f) => f.rule), ['unsafe-model-load', 'no-fallback', 'untraced-prediction']);
    model.tree?.delete();
  });
});
