// The Python reanalysis after an edit reuses the results of the statements the edit cannot reach: it must give the
// same calls and findings as a fresh analysis, whatever the edit, and it must actually reuse.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Tree } from 'web-tree-sitter';
import { generateSource } from '../../../bench/analysis';
import { analyzeSource } from '../../../src/core/analysis/engine';
import { loadGrammars, parse } from '../../../src/core/analysis/parser';
import { analyzePythonIncremental, type PySnapshot } from '../../../src/core/analysis/python/incremental';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { mulberry32 } from '../../../src/core/util/random';
import { corpusFiles } from '../../corpusFiles';
import { editTree } from './editTree';
import { randomTextEdit } from './pyEdits';

type Result = { calls: unknown[]; findings: unknown[] };
const json = (r: Result): string => JSON.stringify({ c: r.calls, f: r.findings });

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

/**
 * One random edit of the kinds that change what other statements see: a line copied elsewhere (keeping or losing
 * its indentation), a line deleted, a name renamed at one place or everywhere (defs, module-level names, imports),
 * an import's module changed, a line wrapped in try/except, or the syntax broken (the next edit repairs it, or not):
 * a bracket, quote or triple quote left open, a keyword misspelt, a stray colon or assignment; or a line that adds a
 * named file fact (a name bound to a pipeline, torch module or LLM client, a torch class, a receiver of
 * predict_proba, an instance of a class of the file) for a name the file already uses.
 */
function randomEdit(rng: () => number, text: string): { next: string; kind: string; breaks: boolean } {
  const lines = text.split('\n');
  const row = Math.floor(rng() * lines.length);
  const r = rng();
  if (r < 0.15) {
    const copy = pick(rng, lines);
    const indent = rng() < 0.7 ? (/^\s*/.exec(lines[row] ?? '')?.[0] ?? '') : '';
    return { next: [...lines.slice(0, row), indent + copy.trimStart(), ...lines.slice(row)].join('\n'), kind: 'copy a line', breaks: false };
  }
  if (r < 0.3) return { next: [...lines.slice(0, row), ...lines.slice(row + 1)].join('\n'), kind: 'delete a line', breaks: false };
  if (r < 0.4) {
    const used = [...text.matchAll(/^\s*(?:self\.)?([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]).filter((n): n is string => !!n);
    const classes = [...text.matchAll(/^class\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]).filter((n): n is string => !!n);
    if (used.length > 0) {
      const name = pick(rng, used);
      const cls = classes.length > 0 ? pick(rng, classes) : 'Scorer';
      const indent = rng() < 0.6 ? (/^\s*/.exec(lines[row] ?? '')?.[0] ?? '') : '';
      const line = pick(rng, [`${name} = pipeline("sentiment-analysis")`, `${name} = torch.jit.load("m.pt")`, `${name} = Llama(model_path="m.gguf")`, `p = ${name}.predict_proba(x)`, `${name} = ${cls}()`, `class ${name}(nn.Module):\n${indent}    pass`]);
      return { next: [...lines.slice(0, row), indent + line, ...lines.slice(row)].join('\n'), kind: `add a named fact: ${line.split('\n')[0]}`, breaks: false };
    }
  }
  if (r < 0.6) {
    const bound = [...text.matchAll(/^(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*=|^(?:from\s+\S+\s+)?import\s+(?:\S+\s+as\s+)?([A-Za-z_]\w*)/gm)].map((m) => m[1] ?? m[2] ?? m[3]).filter((n): n is string => !!n);
    if (bound.length > 0) {
      const name = pick(rng, bound);
      const re = new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g');
      if (rng() < 0.5) return { next: text.replace(re, `${name}_r`), kind: `rename ${name} everywhere`, breaks: false };
      const all = [...text.matchAll(re)];
      const one = pick(rng, all);
      const at = one.index ?? 0;
      return { next: text.slice(0, at) + `${name}_r` + text.slice(at + name.length), kind: `rename one ${name}`, breaks: false };
    }
  }
  if (r < 0.7) {
    const imports = [...text.matchAll(/^(?:from\s+(\S+)\s+)?import\s+(\S+)/gm)];
    if (imports.length > 0) {
      const m = pick(rng, imports);
      const at = m.index ?? 0;
      return { next: text.slice(0, at) + m[0].replace(/import\s+(\S+)/, 'import $1_other') + text.slice(at + m[0].length), kind: 'edit an import', breaks: false };
    }
  }
  if (r < 0.85) {
    const line = lines[row] ?? '';
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    if (line.trim() && !/:\s*$/.test(line)) {
      return { next: [...lines.slice(0, row), `${indent}try:`, `    ${line}`, `${indent}except Exception:`, `${indent}    pass`, ...lines.slice(row + 1)].join('\n'), kind: 'wrap a line in try', breaks: false };
    }
  }
  if (r < 0.9) {
    const keywords = [...text.matchAll(/\b(?:def|class|return|try|except|if|else|import|for|with|lambda)\b/g)];
    if (keywords.length > 0) {
      const k = pick(rng, keywords);
      const at = k.index ?? 0;
      const typo = rng() < 0.5 ? k[0].slice(0, -1) : `${k[0]}x`;
      return { next: text.slice(0, at) + typo + text.slice(at + k[0].length), kind: `misspell ${k[0]}`, breaks: true };
    }
  }
  const at = Math.floor(rng() * text.length);
  const junk = pick(rng, ['(', ')', '[', '{', ']', ':', '"', "'", '"abc', "'''", '"""', 'f"{', '\\', '\n    ', 'def ', '= ', 'return ']);
  return { next: text.slice(0, at) + junk + text.slice(at), kind: `break with ${JSON.stringify(junk)}`, breaks: true };
}

describe('Python reanalysis after edits', () => {
  let sources: { name: string; text: string }[];

  before(async () => {
    await loadGrammars();
    sources = corpusFiles()
      .filter((f) => f.lang === 'python')
      .map((f) => ({ name: f.path, text: readFileSync(f.path, 'utf8') }));
    sources.push({ name: 'generated 2,000 lines', text: generateSource('python', 2000, 41) });
  });

  /**
   * Each source edited `count(big)` times by `next` (given the text before; the edits pile up), each edit reanalyzed
   * incrementally and compared with a fresh analysis: how many were compared, had findings, changed the findings.
   */
  const compareEdits = (next: (text: string) => { next: string; kind: string }, count: (big: boolean) => number) => {
    let compared = 0;
    let withFindings = 0;
    let differs = 0;
    for (const { name, text: original } of sources) {
      let text = original;
      const keep = { keepForEdits: true };
      let tree: Tree = analyzeSource(text, 'python', DEFAULT_CONFIG, undefined, keep).tree;
      let last = json(analyzeSource(text, 'python', DEFAULT_CONFIG).result);
      for (let e = 0; e < count(original.length > 20_000); e++) {
        const edit = next(text);
        editTree(tree, text, edit.next);
        const incremental = analyzeSource(edit.next, 'python', DEFAULT_CONFIG, tree, keep);
        const fresh = analyzeSource(edit.next, 'python', DEFAULT_CONFIG);
        compared++;
        if (fresh.result.findings.length > 0) withFindings++;
        const now = json(fresh.result);
        if (now !== last) differs++;
        last = now;
        assert.equal(json(incremental.result), now, `${name}, edit ${e} (${edit.kind})`);
        fresh.tree.delete();
        tree.delete();
        tree = incremental.tree;
        text = edit.next;
      }
      tree.delete();
    }
    return { compared, withFindings, differs };
  };

  test('random edits (lines copied and deleted, names renamed, imports edited, try added, syntax broken, repaired or left broken): the same calls and findings as a fresh analysis', () => {
    const rng = mulberry32(7);
    // The text a break is repaired to, when the next edit is made to the broken text.
    let repair: { broken: string; to: string } | undefined;
    const { compared, withFindings, differs } = compareEdits((text) => {
      const edit = repair?.broken === text ? { next: repair.to, kind: 'repair', breaks: false } : randomEdit(rng, text);
      // Half the breaks stay while the next edits are made: reanalysis then works on a tree with errors.
      repair = edit.breaks && rng() < 0.5 ? { broken: edit.next, to: text } : undefined;
      return edit;
    }, (big) => (big ? 60 : 12));
    // The edits matter: many of them change what a fresh analysis finds.
    assert.ok(compared > 600 && withFindings > 400 && differs > 100, `${compared} edits compared, ${withFindings} with findings, ${differs} changed the findings`);
  });

  test('random text edits (lines inserted, deleted, re-indented; typing inside strings, comments, decorators, imports; brackets, quotes, line breaks), left in place: the same calls and findings as a fresh analysis', () => {
    const rng = mulberry32(23);
    const { compared, differs } = compareEdits((text) => randomTextEdit(rng, text), (big) => (big ? 60 : 8));
    assert.ok(compared > 400 && differs > 100, `${compared} edits compared, ${differs} changed the findings`);
  });

  const run = (text: string, previous?: { tree: Tree; snapshot: PySnapshot; before: string }) => {
    if (previous) editTree(previous.tree, previous.before, text);
    const tree = parse(text, 'python', previous?.tree);
    return { tree, ...analyzePythonIncremental(text, tree, DEFAULT_CONFIG, {}, previous ? { snapshot: previous.snapshot, tree: previous.tree } : undefined) };
  };

  /** `before` analyzed, then `after` reanalyzed from it, and `after` analyzed afresh; `done()` frees the trees. */
  const edited = (before: string, after: string) => {
    const first = run(before);
    const second = run(after, { tree: first.tree, snapshot: first.snapshot, before });
    const fresh = run(after);
    return { first, second, fresh, done: () => [first.tree, second.tree, fresh.tree].forEach((t) => t.delete()) };
  };
  /** An edit that changes the findings: `reanalyzed` statements are analyzed again, with the result of a fresh analysis. */
  const meaningfulEdit = (before: string, after: string, reanalyzed: number, why: (total: number) => string) => {
    const { first, second, fresh, done } = edited(before, after);
    assert.notEqual(json(fresh), json(first), 'the edit changes the findings');
    assert.equal(second.snapshot.reanalyzed, reanalyzed, why(second.snapshot.statements.length));
    assert.equal(json(second), json(fresh));
    done();
  };

  test('in a file with a syntax error, an edit whose error recovery reaches past its statement: the statements reached are analyzed again', () => {
    // Found by inserting one character at random into corpus files that end in a broken line.
    for (const [file, at, junk] of [['regressors.py', 474, '{'], ['torch_serving_shapes.py', 931, '[']] as const) {
      const text = `${sources.find((s) => s.name.endsWith(`/${file}`))?.text ?? ''}\n\nbroken = )\n`;
      const next = text.slice(0, at) + junk + text.slice(at);
      const { second, fresh, done } = edited(text, next);
      assert.ok(second.snapshot.reanalyzed < second.snapshot.statements.length, `${file}: some statements are reused`);
      assert.equal(json(second), json(fresh), file);
      done();
    }
  });

  test('an edit in one function reuses the other statements of a 2,000-line file', () => {
    const text = generateSource('python', 2000, 5);
    const row = text.split('\n').findIndex((l, i) => i > 1000 && /^\s+return\b/.test(l));
    const lines = text.split('\n');
    lines[row] = `${lines[row]}  `;
    const { first, second, fresh, done } = edited(text, lines.join('\n'));
    const total = second.snapshot.statements.length;
    assert.ok(second.snapshot.reanalyzed > 0 && second.snapshot.reanalyzed < total * 0.1, `${second.snapshot.reanalyzed} of ${total} statements analyzed again`);
    assert.equal(fresh.snapshot.reanalyzed, total);
    // The statements outside the rescanned text keep their split (the same sets of names), offsets shifted.
    const kept = second.snapshot.statements.filter((s) => first.snapshot.statements.some((o) => o.binds === s.binds && o.defs === s.defs && o.text === s.text)).length;
    assert.ok(kept >= total - 2, `${kept} of ${total} statements keep their split`);
    assert.equal(json(second), json(fresh));
    done();
  });

  test('an edit inside a method leaves the module-level predictions reused (a method body is not module-level code)', () => {
    const before = 'import joblib\nimport requests\n\nmodel = joblib.load("m.joblib")\npred = model.predict([[1, 2]])\nrequests.post("https://example.com/hook", json={"label": int(pred[0])}, timeout=5)\n\n\n@dataclass\nclass Scorer:\n    limit: int = 3\n\n    def score(self, x):\n        return x\n';
    const after = before.replace('        return x\n', '        return x + 1\n');
    const { first, second, fresh, done } = edited(before, after);
    assert.ok(json(first).includes('untraced-prediction'), 'the module-level prediction is untraced');
    assert.equal(second.snapshot.reanalyzed, 1, 'only the class is analyzed again');
    assert.equal(json(second), json(fresh));
    // Its class-level lines are module-level code: an edit there reaches the module-level predictions.
    const third = edited(before, before.replace('limit: int = 3', 'limit: int = 4'));
    assert.equal(third.second.snapshot.reanalyzed, 2, 'the class and the module-level prediction are analyzed again');
    assert.equal(json(third.second), json(third.fresh));
    third.done();
    // A comment or spaces typed at the end of a class-level line change no module-level code.
    for (const typed of ['  # the batch limit', '   ']) {
      const fourth = edited(before, before.replace('limit: int = 3', `limit: int = 3${typed}`));
      assert.equal(fourth.second.snapshot.reanalyzed, 1, `${JSON.stringify(typed)}: only the class is analyzed again`);
      assert.equal(json(fourth.second), json(fourth.fresh));
      fourth.done();
    }
    done();
  });

  test('a named file fact that appears or goes away (a class becomes a torch module) reaches only the statements mentioning it, and onwards', () => {
    const before = 'import joblib\nimport torch\nfrom torch import nn\n\nmodel = joblib.load("m.joblib")\n\n\nclass TextTagger:\n    pass\n\n\ntagger = TextTagger()\n\n\ndef classify(x):\n    return tagger.forward(x)\n\n\ndef other(x):\n    try:\n        return model.predict(x)\n    except Exception:\n        return None\n';
    const after = before.replace('class TextTagger:', 'class TextTagger(nn.Module):');
    for (const [from, to] of [[before, after], [after, before]] as const) {
      meaningfulEdit(from, to, 3, (total) => `the class, its instance and the function calling it are analyzed again (of ${total})`);
    }
  });

  test('syntax errors after an edit are found over the rescanned text and the tree\'s changed ranges: the same statements with an error as a fresh analysis finds', () => {
    // The first five: tree-sitter's error recovery reaches past the statements rescanned (found by a search over the
    // corpus); looking only there would miss the change.
    const cases: [string, number, string][] = [
      ['fallback_stubs.py', 736, 'else:\n'],
      ['hosted_inference_urls.py', 600, ')'],
      ['llm_sdk_clients.py', 1029, 'lambda'],
      ['sagemaker_invoke.py', 105, 'def f(x)\n'],
      ['llm_sdk_clients.py', 1868, 'def f(x)\n'],
    ];
    const rng = mulberry32(11);
    const junks = ['def f(x)\n', ':', 'else:\n', '    ', 'if x\n', 'try:\n', 'except:\n', ')', 'lambda', 'return', '=', 'elif y:\n', '@', '"'];
    const python = sources.filter((s) => s.name.endsWith('.py'));
    for (let k = 0; k < 60; k++) {
      const { name, text } = pick(rng, python);
      const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)].filter((x) => x < text.length);
      cases.push([name, pick(rng, starts) + Math.floor(rng() * 4), pick(rng, junks)]);
    }
    let broken = 0;
    for (const [file, at, junk] of cases) {
      const text = sources.find((s) => s.name.endsWith(`/${file}`) || s.name === file)?.text ?? '';
      const next = text.slice(0, at) + junk + text.slice(at);
      const { second, fresh, done } = edited(text, next);
      if (fresh.tree.rootNode.hasError) broken++;
      const errors = (r: typeof second) => JSON.stringify({ spans: r.snapshot.errors, statements: r.snapshot.statements.map((s) => s.error) });
      assert.equal(errors(second), errors(fresh), `${file} at ${at}: ${JSON.stringify(junk)}`);
      assert.equal(json(second), json(fresh), `${file} at ${at}: ${JSON.stringify(junk)}`);
      done();
    }
    assert.ok(broken > 40, `${broken} of ${cases.length} edits break the syntax`);
  });

  test('a syntax error inside one function of a 2,000-line file, then its repair: the other statements are reused', () => {
    const text = generateSource('python', 2000, 5);
    const lines = text.split('\n');
    // `return x` → `retrn x`: two names in a row (a bare `retrn`, or `retrn [0.0] * n`, would be valid Python).
    const row = lines.findIndex((l, i) => i > 1000 && /^\s+return\s+[A-Za-z_]/.test(l));
    lines[row] = (lines[row] as string).replace('return', 'retrn');
    const broken = lines.join('\n');
    const first = run(text);
    const second = run(broken, { tree: first.tree, snapshot: first.snapshot, before: text });
    const third = run(text, { tree: second.tree, snapshot: second.snapshot, before: broken });
    assert.ok(second.tree.rootNode.hasError, 'the edit breaks the syntax');
    for (const [step, r, source] of [['broken', second, broken], ['repaired', third, text]] as const) {
      const total = r.snapshot.statements.length;
      assert.ok(r.snapshot.reanalyzed > 0 && r.snapshot.reanalyzed < total * 0.1, `${step}: ${r.snapshot.reanalyzed} of ${total} statements analyzed again`);
      const fresh = run(source);
      assert.equal(json(r), json(fresh), step);
      fresh.tree.delete();
    }
    for (const t of [first.tree, second.tree, third.tree]) t.delete();
  });

  test('an edit inside a function leaves the module-level predictions reused, even a recorder there mentioning a module-level record of the version', () => {
    const before = 'import joblib\nimport logging\nimport requests\n\nlogger = logging.getLogger(__name__)\nmodel = joblib.load("m.joblib")\nmeta = {"model_version": "3"}\npred = model.predict([[1, 2]])\nrequests.post("https://example.com/hook", json={"label": int(pred[0])}, timeout=5)\n\n\ndef report():\n    pass\n';
    const after = before.replace('def report():\n    pass', 'def report():\n    logger.info(meta)');
    const { first, second, fresh, done } = edited(before, after);
    assert.ok(json(first).includes('untraced-prediction'), 'the module-level prediction is untraced');
    assert.equal(second.snapshot.reanalyzed, 1, 'only the edited function is analyzed again');
    assert.equal(json(second), json(fresh));
    done();
  });

  test('an edit of a function calling `model.predict` leaves a class defining its own `predict` reused (its callers call it on the class or an instance)', () => {
    const before = 'import joblib\n\nmodel = joblib.load("m.joblib")\n\n\nclass Scorer:\n    def __init__(self):\n        self.model = joblib.load("n.joblib")\n\n    def predict(self, x):\n        return self.model.predict(x)\n\n\ndef handler(x):\n    return model.predict(x)\n';
    const after = before.replace('    return model.predict(x)\n', '    y = model.predict(x)\n    return y\n');
    const { second, fresh, done } = edited(before, after);
    assert.equal(second.snapshot.reanalyzed, 1, 'only the edited function is analyzed again');
    assert.equal(json(second), json(fresh));
    done();
  });

  test('an import renamed: only the statements mentioning the old or the new name (and what they bind onwards) are analyzed again', () => {
    const text = generateSource('python', 2000, 5);
    const after = text.replace('import httpx\n', 'import httpx as hx\n');
    assert.notEqual(after, text);
    const { second, fresh, done } = edited(text, after);
    const total = second.snapshot.statements.length;
    assert.ok(second.snapshot.reanalyzed < total * 0.2, `${second.snapshot.reanalyzed} of ${total} statements analyzed again`);
    assert.equal(json(second), json(fresh));
    done();
  });

  test('a name bound at module level reaches only where its lookup reaches module level: not functions binding it themselves, nor functions nested in one that does', () => {
    const before = 'import joblib\nimport requests\n\nmodel = joblib.load("m.joblib")\n\n\ndef a(x):\n    return model.predict(x)\n\n\ndef b(x):\n    model = joblib.load("n.joblib")\n    return model.predict(x)\n\n\ndef c(x):\n    def inner(y):\n        return model.predict(y)\n    model = joblib.load("k.joblib")\n    return inner(x)\n';
    const after = before.replace('model = joblib.load("m.joblib")', 'model = requests.Session()');
    meaningfulEdit(before, after, 2, () => 'the assignment and the function reading the module-level name are analyzed again');
  });

  test('a class-level name reaches no other statement by its plain name; a class attribute whose meaning changes reaches the statements mentioning it through the file facts', () => {
    // `threshold` is a parameter and a class attribute: an edit of the class attribute leaves the functions reused.
    const text = generateSource('python', 2000, 3);
    const at = text.indexOf('    threshold: float = ');
    assert.ok(at > 0, 'the file has a dataclass with a threshold');
    const lineEnd = text.indexOf('\n', at);
    const changed = `${text.slice(0, lineEnd)}5${text.slice(lineEnd)}`;
    const mentions = text.split(/\n(?=\S)/).filter((s) => /\bthreshold\b/.test(s)).length;
    const big = edited(text, changed);
    assert.ok(mentions > 10, `${mentions} top-level statements mention threshold`);
    // The class, and the module-level predictions (they are analyzed again on any edit of module-level code).
    const moduleLevel = big.first.snapshot.statements.filter((s) => s.moduleCode).length;
    assert.ok(big.second.snapshot.reanalyzed <= 2 + moduleLevel, `${big.second.snapshot.reanalyzed} statements analyzed again (${moduleLevel} with module-level predictions)`);
    assert.equal(json(big.second), json(big.fresh));
    big.done();
    // A class attribute becomes a Hugging Face pipeline (or stops being one): what calls it changes.
    const before = 'from transformers import pipeline\nimport joblib\n\n\nclass Scorer:\n    clf = pipeline("sentiment-analysis")\n\n    def score(self, text):\n        return self.clf(text)\n\n\ndef handler(text):\n    return Scorer.clf(text)\n\n\ndef other(threshold):\n    return 1\n';
    const after = before.replace('clf = pipeline("sentiment-analysis")', 'clf = joblib.load("n.joblib")');
    for (const [from, to] of [[before, after], [after, before]] as const) {
      meaningfulEdit(from, to, 2, () => 'the class and the function calling its attribute are analyzed again');
    }
    // A class-level line is module-level code: the module-level predictions are analyzed again.
    const script = 'import joblib\n\nmodel = joblib.load("m.joblib")\n\n\nclass Cfg:\n    batch = [[1, 2]]\n\n\nlabel = model.predict(Cfg.batch)\nprint(label)\n\n\ndef unrelated(batch):\n    return batch\n';
    const third = edited(script, script.replace('batch = [[1, 2]]', 'batch = [[3, 4]]'));
    assert.equal(third.second.snapshot.reanalyzed, 2, 'the class and the module-level prediction are analyzed again');
    assert.equal(json(third.second), json(third.fresh));
    third.done();
  });

  test('a `self.x` bound in one class reaches the methods of another class that reads it without binding it (its lookup falls back to the whole file), not those of a class binding its own', () => {
    const reader = 'class B:\n    def go(self, x):\n        r = self.rt.invoke_endpoint(EndpointName="m", Body=x)\n        return r\n';
    const owner = 'class C:\n    def __init__(self):\n        self.rt = object()\n\n    def go(self, x):\n        r = self.rt.invoke_endpoint(EndpointName="m", Body=x)\n        return r\n';
    const before = `import boto3\n\n\nclass A:\n    def __init__(self):\n        self.rt = boto3.client("sagemaker-runtime")\n\n\n${reader}\n\n${owner}`;
    const after = before.replace('boto3.client("sagemaker-runtime")', 'object()');
    for (const [from, to] of [[before, after], [after, before]] as const) {
      meaningfulEdit(from, to, 2, () => 'the class binding it and the class reading it are analyzed again, not the class binding its own');
    }
  });

  test('random edits of class attributes, `self.x` shared between classes and module-level names shadowed in functions: the same calls and findings as a fresh analysis', () => {
    const values = ['joblib.load("m.joblib")', 'pipeline("sentiment-analysis")', 'boto3.client("sagemaker-runtime")', 'boto3.client("sagemaker-runtime", config=Config(read_timeout=5))', 'torch.jit.load("m.pt")', 'requests.Session()', 'None', 'Scorer()', '0.5'];
    const names = ['model', 'clf', 'rt', 'net', 'threshold'];
    const base = [
      'import boto3\nimport joblib\nimport requests\nimport torch\nfrom botocore.config import Config\nfrom transformers import pipeline\n',
      'model = joblib.load("m.joblib")\nrt = boto3.client("sagemaker-runtime")\n',
      'class Scorer:\n    clf = pipeline("sentiment-analysis")\n    threshold = 0.5\n\n    def __init__(self):\n        self.model = joblib.load("s.joblib")\n        self.rt = None\n\n    def score(self, x):\n        p = self.model.predict_proba(x)[0][1]\n        return p > self.threshold\n',
      'class Reader:\n    def go(self, x):\n        r = self.rt.invoke_endpoint(EndpointName="m", Body=x)\n        y = self.net(x)\n        return self.clf(r), y\n',
      'def a(x):\n    return model.predict(x)\n',
      'def b(x, threshold=0.3):\n    model = joblib.load("n.joblib")\n    p = model.predict_proba(x)[0][1]\n    return p > threshold\n',
      'def c(body):\n    try:\n        return rt.invoke_endpoint(EndpointName="m", Body=body)\n    except Exception:\n        return Scorer.clf(body)\n',
      'def d(x):\n    def inner(y):\n        return model.predict(y)\n    model = joblib.load("k.joblib")\n    return inner(x)\n',
      'label = model.predict([[Scorer.threshold]])\nprint(label)\n',
    ].join('\n\n');
    const rng = mulberry32(91);
    let text = base;
    const keep = { keepForEdits: true };
    let tree: Tree = analyzeSource(text, 'python', DEFAULT_CONFIG, undefined, keep).tree;
    let differs = 0;
    let last = json(analyzeSource(text, 'python', DEFAULT_CONFIG).result);
    for (let e = 0; e < 300; e++) {
      const lines = text.split('\n');
      const r = rng();
      let next: string;
      let kind: string;
      const bindings = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(?:self\.)?[A-Za-z_]\w*\s*=/.test(l));
      if (r < 0.5 && bindings.length > 0) {
        const [line, row] = pick(rng, bindings);
        const changed = line.replace(/=.*$/, `= ${pick(rng, values)}`);
        next = [...lines.slice(0, row), changed, ...lines.slice(row + 1)].join('\n');
        kind = `rebind: ${changed.trim()}`;
      } else if (r < 0.8) {
        // A binding added at module level, in a class body, in a method (`self.x`) or in a function.
        const row = Math.floor(rng() * lines.length);
        const indent = /^\s*/.exec(lines[row] ?? '')?.[0] ?? '';
        const target = indent.length >= 8 && rng() < 0.7 ? `self.${pick(rng, names)}` : pick(rng, names);
        const line = `${indent}${target} = ${pick(rng, values)}`;
        next = [...lines.slice(0, row), line, ...lines.slice(row)].join('\n');
        kind = `add: ${line.trim()} at ${row}`;
      } else if (r < 0.95 && bindings.length > 0) {
        const [, row] = pick(rng, bindings);
        next = [...lines.slice(0, row), ...lines.slice(row + 1)].join('\n');
        kind = `delete: ${(lines[row] ?? '').trim()}`;
      } else {
        next = base;
        kind = 'back to the start';
      }
      editTree(tree, text, next);
      const incremental = analyzeSource(next, 'python', DEFAULT_CONFIG, tree, keep);
      const fresh = analyzeSource(next, 'python', DEFAULT_CONFIG);
      const now = json(fresh.result);
      if (now !== last) differs++;
      last = now;
      assert.equal(json(incremental.result), now, `edit ${e} (${kind})`);
      fresh.tree.delete();
      tree.delete();
      tree = incremental.tree;
      text = next;
    }
    tree.delete();
    assert.ok(differs > 60, `${differs} edits changed the findings`);
  });

  test('edits that reach other statements: a module-level client losing its timeout, a caller of a function or a method losing its try, a global rebound in a function, a module-level prediction sent, a syntax error repaired, a serving framework imported under an alias', () => {
    // `whole`: the edit changes a file-wide fact, and the whole file is analyzed again.
    const cases: { name: string; before: string; after: string; whole?: boolean }[] = [
      {
        name: 'the module-level client a function calls loses its read timeout',
        before: 'import boto3\nfrom botocore.config import Config\n\nruntime = boto3.client("sagemaker-runtime", config=Config(read_timeout=5))\n\n\ndef score(body):\n    try:\n        r = runtime.invoke_endpoint(EndpointName="m", Body=body)\n    except Exception:\n        return None\n    return r["Body"].read()\n',
        after: 'import boto3\nfrom botocore.config import Config\n\nruntime = boto3.client("sagemaker-runtime")\n\n\ndef score(body):\n    try:\n        r = runtime.invoke_endpoint(EndpointName="m", Body=body)\n    except Exception:\n        return None\n    return r["Body"].read()\n',
      },
      {
        name: 'the only caller of a function loses its try',
        before: 'import joblib\n\nmodel = joblib.load("m.joblib")\n\n\ndef score(x):\n    return model.predict(x)\n\n\ndef handler(x):\n    try:\n        return score(x)\n    except Exception:\n        return None\n',
        after: 'import joblib\n\nmodel = joblib.load("m.joblib")\n\n\ndef score(x):\n    return model.predict(x)\n\n\ndef handler(x):\n    return score(x)\n',
      },
      {
        name: 'a function starts binding the global model',
        before: 'import joblib\n\nmodel = None\n\n\ndef init():\n    pass\n\n\ndef score(x):\n    return model.predict(x)\n',
        after: 'import joblib\n\nmodel = None\n\n\ndef init():\n    global model\n    model = joblib.load("m.joblib")\n\n\ndef score(x):\n    return model.predict(x)\n',
      },
      {
        name: 'a later module-level line sends a module-level prediction',
        before: 'import joblib\nimport requests\n\nmodel = joblib.load("m.joblib")\npred = model.predict([[1, 2]])\nprint(pred)\n',
        after: 'import joblib\nimport requests\n\nmodel = joblib.load("m.joblib")\npred = model.predict([[1, 2]])\nrequests.post("https://example.com/hook", json={"label": int(pred[0])}, timeout=5)\n',
      },
      {
        name: 'a def missing its colon, whose error swallowed the next statement, is repaired (that statement takes its calls from the scan again)',
        before: 'import joblib\nimport requests\nmodel = joblib.load("m")\nx = [[1]]\ndef f()\n    return 1\nlabel = model.predict(x)[0]\nif label == 1:\n    requests.post("https://h", json={"l": int(label)})\n',
        after: 'import joblib\nimport requests\nmodel = joblib.load("m")\nx = [[1]]\ndef f():\n    return 1\nlabel = model.predict(x)[0]\nif label == 1:\n    requests.post("https://h", json={"l": int(label)})\n',
      },
      {
        name: 'an import alias now names the serving framework: the print-only script is served',
        whole: true,
        before: 'import joblib\nimport os as web\n\nmodel = joblib.load("m.joblib")\n\n\ndef classify(x):\n    return {"label": model.predict(x)[0]}\n\n\nif __name__ == "__main__":\n    print(classify([[1]]))\n',
        after: 'import joblib\nimport flask as web\n\nmodel = joblib.load("m.joblib")\n\n\ndef classify(x):\n    return {"label": model.predict(x)[0]}\n\n\nif __name__ == "__main__":\n    print(classify([[1]]))\n',
      },
      {
        name: 'the only caller of a method, on an instance of its class, loses its try',
        before: 'import joblib\n\n\nclass Scorer:\n    def __init__(self):\n        self.model = joblib.load("m.joblib")\n\n    def score(self, x):\n        return self.model.predict(x)\n\n\nscorer = Scorer()\n\n\ndef handler(x):\n    try:\n        return scorer.score(x)\n    except Exception:\n        return None\n',
        after: 'import joblib\n\n\nclass Scorer:\n    def __init__(self):\n        self.model = joblib.load("m.joblib")\n\n    def score(self, x):\n        return self.model.predict(x)\n\n\nscorer = Scorer()\n\n\ndef handler(x):\n    return scorer.score(x)\n',
      },
      {
        // The edited function mentions the method's name (`score`, last, so it comes up first) but not the instance;
        // the instance comes up only through `helper`, reached on the way: the class is reached then.
        name: 'a method called on an instance by a helper whose caller loses its try, the method named in that caller before the helper reaches the instance',
        before: 'import joblib\n\n\nclass Scorer:\n    def __init__(self):\n        self.model = joblib.load("m.joblib")\n\n    def score(self, x):\n        return self.model.predict(x)\n\n\nscorer = Scorer()\n\n\ndef helper(x):\n    return scorer.score(x)\n\n\ndef outer(x):\n    try:\n        y = helper(x)\n    except Exception:\n        return None\n    score = y\n    return score\n',
        after: 'import joblib\n\n\nclass Scorer:\n    def __init__(self):\n        self.model = joblib.load("m.joblib")\n\n    def score(self, x):\n        return self.model.predict(x)\n\n\nscorer = Scorer()\n\n\ndef helper(x):\n    return scorer.score(x)\n\n\ndef outer(x):\n    y = helper(x)\n    score = y\n    return score\n',
      },
    ];
    for (const c of cases) {
      const { first, second, fresh, done } = edited(c.before, c.after);
      assert.notEqual(json(fresh), json(first), `${c.name}: the edit changes the findings`);
      if (c.whole) assert.equal(second.snapshot.reanalyzed, second.snapshot.statements.length, `${c.name}: every statement is analyzed again`);
      else assert.ok(second.snapshot.reanalyzed < second.snapshot.statements.length, `${c.name}: some statements are reused`);
      assert.equal(json(second), json(fresh), c.name);
      done();
    }
  });
});
