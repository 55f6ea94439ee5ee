// `mlship check`: formats, exit codes, mlship.yaml settings, notebooks, and SARIF that validates against the
// official SARIF 2.1.0 schema.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { applyEdits } from '../../../src/core/analysis/edits';
import { run } from './helpers';

const PY = `import requests

URL = "http://models.internal/v1/models/churn:predict"


def churn(payload):
    return requests.post(URL, json=payload).json()
`;

describe('mlship check', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-cli-'));
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(join(root, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(root, 'src', 'churn.py'), PY);
    await writeFile(join(root, 'src', 'clean.py'), 'def add(a, b):\n    return a + b\n');
    await writeFile(join(root, 'node_modules', 'x', 'ignored.py'), PY);
    await writeFile(join(root, 'explore.ipynb'), JSON.stringify({
      cells: [
        { cell_type: 'markdown', source: ['# Explore'] },
        { cell_type: 'code', source: ['import requests\n', 'URL = "http://localhost:8080/invocations"\n'] },
        { cell_type: 'code', source: ['%timeit 1\n', 'r = requests.post(URL, json={})\n'] },
      ],
      metadata: { kernelspec: { language: 'python' } }, nbformat: 4, nbformat_minor: 5,
    }));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('text report with file:line:column, exit 1 on warnings, node_modules skipped', async () => {
    const r = await run(root, 'check');
    assert.equal(r.code, 1);
    assert.match(r.out, /^src\/churn\.py:7:12: warning mlship\/no-timeout: /m);
    assert.match(r.out, /^explore\.ipynb:2:5 \(cell 2\): warning mlship\/no-timeout/m);
    assert.doesNotMatch(r.out, /node_modules/);
    assert.match(r.out, /problems? in 2 files\./);
  });

  test('--fail-on error passes on warnings; --fail-on never always passes', async () => {
    assert.equal((await run(root, 'check', '--fail-on', 'error')).code, 0);
    assert.equal((await run(root, 'check', 'src/clean.py')).code, 0);
    assert.match((await run(root, 'check', 'src/clean.py')).out, /No problems found/);
  });

  test('usage errors exit 2 with a message', async () => {
    const r = await run(root, 'check', '--format', 'xml');
    assert.equal(r.code, 2);
    assert.match(r.err, /--format must be text, json or sarif/);
    assert.equal((await run(root, 'lint')).code, 2);
    assert.equal((await run(root, 'check', '--fix', '--diff')).code, 2);
  });

  test('a missing path or an unreadable file named on the command line exits 2; the summary says what was skipped', async () => {
    const missing = await run(root, 'check', 'missing-dir', 'src');
    assert.equal(missing.code, 2);
    assert.match(missing.out, /^missing-dir: error: No such file or folder/m);
    await writeFile(join(root, 'src', 'model.py'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    await writeFile(join(root, 'src', 'broken.py'), 'import joblib\nmodel = joblib.load("m")  # mlship: ignore\ndef f(x):\n    return model.predict(x\n\ndef g(:\n    pass\n');
    const r = await run(root, 'check', 'src', 'src/model.py');
    assert.match(r.out, /^src\/model\.py: notice: A binary file, not source code: skipped\./m);
    assert.match(r.out, /^src\/broken\.py:\d+: notice: A syntax error near a predict call/m);
    assert.match(r.out, /^Checked 3 files \(1 with no predict-call candidate, not parsed\), 1 skipped \(1 binary\); 1 with syntax errors near predict calls\.$/m);
    assert.equal(r.code, 1, 'a predict call that could not be analyzed fails the check');
    if (process.getuid?.() !== 0) {
      await writeFile(join(root, 'secret.py'), 'x = 1\n', { mode: 0o000 });
      assert.equal((await run(root, 'check', 'secret.py')).code, 2);
    }
    await rm(join(root, 'src', 'model.py'));
    await rm(join(root, 'src', 'broken.py'));
  });

  test('--diff shows the safe fixes without writing; --fix writes them and the re-check finds no fallback or timeout left', async () => {
    const file = join(root, 'src', 'churn.py');
    const before = await readFile(file, 'utf8');
    const d = await run(root, 'check', 'src', '--diff');
    assert.equal(d.code, 0);
    assert.match(d.out, /^--- a\/src\/churn\.py\n\+\+\+ b\/src\/churn\.py$/m);
    assert.match(d.out, /^\+ {8}return requests\.post\(URL, json=payload, timeout=INFERENCE_TIMEOUT_S\)\.json\(\)$/m);
    assert.match(d.out, /fix(es)? in 1 file \(not written/);
    assert.equal(await readFile(file, 'utf8'), before, '--diff writes nothing');
    const f = await run(root, 'check', 'src', '--fix', '--format', 'json');
    const json = JSON.parse(f.out) as { summary: { fixed: { problems: number; files: number } }; findings: { rule: string }[] };
    assert.deepEqual(json.summary.fixed, { problems: 2, files: 1 });
    assert.deepEqual(json.findings.map((x) => x.rule).filter((r) => r === 'mlship/no-fallback' || r === 'mlship/no-timeout'), []);
    assert.ok(json.findings.some((x) => x.rule === 'mlship/fallback-stub'), 'the generated fallback is reported as a placeholder');
    const again = await run(root, 'check', 'src', '--fix', '--format', 'json');
    assert.deepEqual((JSON.parse(again.out) as { summary: { fixed: unknown } }).summary.fixed, { problems: 0, files: 0 }, 'nothing left to fix');
    await writeFile(file, before);
  });

  test('--diff and --fix work in notebooks: the cells\' sources are rewritten, a fix that would span cells is left out with a notice', async () => {
    const nb = join(root, 'nb');
    await mkdir(nb, { recursive: true });
    const lines = (ls: string[]) => ls.map((l, i) => (i < ls.length - 1 ? `${l}\n` : l));
    const cells = [
      { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: lines(['import requests', 'URL = "http://localhost:8080/v2/models/churn/infer"']) },
      { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [{ output_type: 'stream', name: 'stdout', text: ['0.8\n'] }], source: lines(['r = requests.post(URL, json={"inputs": [[0.1]]})', 'print(r.json())']) },
      { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [], source: lines(['resp = requests.post(URL, json={"inputs": [[0.2]]})', 'scores = resp.json()["outputs"]']) },
      { cell_type: 'code', execution_count: 4, metadata: {}, outputs: [], source: lines(['print(scores[0])']) },
    ];
    const file = join(nb, 'score.ipynb');
    const text = `${JSON.stringify({ cells, metadata: { kernelspec: { language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
    await writeFile(file, text);
    try {
      const d = await run(root, 'check', 'nb', '--diff');
      assert.match(d.out, /^--- a\/nb\/score\.ipynb$/m);
      assert.match(d.out, /^\+ {4}" {4}r = requests\.post\(URL, json=\{\\"inputs\\": \[\[0\.1\]\]\}, timeout=INFERENCE_TIMEOUT_S\)\\n",$/m);
      assert.match(d.err, /^nb\/score\.ipynb: notice: Not every fix was applied: some would reach across cells/m);
      assert.equal(await readFile(file, 'utf8'), text, '--diff writes nothing');
      const f = await run(root, 'check', 'nb', '--fix', '--format', 'json');
      const json = JSON.parse(f.out) as { summary: { fixed: { problems: number; files: number } }; findings: { rule: string; cell?: number; line: number }[] };
      // Both timeouts and the first cell's fallback; the fallback of cell 3 would take cell 4 into its try.
      assert.deepEqual(json.summary.fixed, { problems: 3, files: 1 });
      assert.deepEqual(json.findings.filter((x) => x.rule === 'mlship/no-fallback' || x.rule === 'mlship/no-timeout').map((x) => `${x.rule}@${x.cell}:${x.line}`), ['mlship/no-fallback@2:1']);
      const written = JSON.parse(await readFile(file, 'utf8')) as { cells: { outputs: unknown; source: string[] }[] };
      assert.deepEqual(written.cells.map((c) => c.outputs), cells.map((c) => c.outputs), 'outputs kept');
      assert.deepEqual(written.cells[3]?.source, cells[3]?.source);
      assert.match(written.cells[1]?.source.join('') ?? '', /^try:\n {4}r = requests\.post\(/);
    } finally {
      await rm(nb, { recursive: true, force: true });
    }
  });

  test('files with no predict-call candidate are not parsed, and the summary counts them; imports that lead to a model are followed', async () => {
    const web = join(root, 'web');
    await mkdir(web, { recursive: true });
    await writeFile(join(web, 'ml.ts'), "import * as ort from 'onnxruntime-node';\nexport const getSession = () => ort.InferenceSession.create('m.onnx');\n");
    await writeFile(join(web, 'format.ts'), 'export const fmt = (p: number) => p.toFixed(2);\n');
    await writeFile(join(web, 'view.ts'), "import { fmt } from './format';\nexport const row = (p: number) => ({ text: fmt(p) });\n");
    await writeFile(join(web, 'score.ts'), "import { getSession } from './ml';\nexport async function score(feeds: any) {\n  const s = await getSession();\n  return s.run(feeds);\n}\n");
    try {
      const r = await run(root, 'check', 'web', '--format', 'json', '--fail-on', 'never');
      const json = JSON.parse(r.out) as { summary: { checked: number; ruledOut: number }; findings: { path: string; rule: string }[] };
      assert.deepEqual([json.summary.checked, json.summary.ruledOut], [4, 2], 'format.ts and view.ts hold nothing to parse');
      assert.ok(json.findings.some((f) => f.path === 'web/score.ts' && f.rule === 'mlship/no-fallback'), 'the session from ml.ts is followed');
      assert.match((await run(root, 'check', 'web', '--fail-on', 'never')).out, /^Checked 4 files \(2 with no predict-call candidate, not parsed\), 0 skipped\.$/m);
    } finally {
      await rm(web, { recursive: true, force: true });
    }
  });

  test('mlship.yaml settings apply, and an invalid mlship.yaml is reported with its line', async () => {
    await writeFile(join(root, 'mlship.yaml'), 'version: 1\nanalysis:\n  severity: { no-timeout: error, no-fallback: off, untraced-prediction: off }\n');
    const r = await run(root, 'check', 'src', '--format', 'json');
    const json = JSON.parse(r.out) as { findings: { rule: string; severity: string; line: number }[] };
    assert.deepEqual(json.findings.map((f) => `${f.rule}:${f.severity}:${f.line}`), ['mlship/no-timeout:error:7']);
    assert.equal((await run(root, 'check', 'src', '--fail-on', 'error')).code, 1);
    await writeFile(join(root, 'mlship.yaml'), 'version: 1\nanalysis:\n  severity: { no-timeout: loud }\n');
    const bad = await run(root, 'check');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /mlship\.yaml:3:\d+: error: .*must be one of/);
    await rm(join(root, 'mlship.yaml'));
  });

  test('SARIF 2.1.0 output validates against the official schema', async () => {
    const r = await run(root, 'check', '--format', 'sarif', '--output', 'report.sarif');
    assert.equal(r.code, 1);
    const sarif = JSON.parse(await readFile(join(root, 'report.sarif'), 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const schema = JSON.parse(await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.ok(!validate({ ...sarif, version: '2.0.0' }), 'the validator rejects a wrong version');
    assert.ok(!validate({ ...sarif, runs: [{ results: [] }] }), 'the validator rejects a run without a tool');
    const results = sarif.runs[0]?.results ?? [];
    assert.ok(results.some((x) => x.ruleId === 'mlship/no-timeout' && x.locations[0]?.physicalLocation.artifactLocation.uri === 'src/churn.py' && x.locations[0].physicalLocation.region.startLine === 7));
    // Each fixable result carries its quick fix: applying the replacements gives the fix.
    const timeout = results.find((x) => x.ruleId === 'mlship/no-timeout' && x.locations[0]?.physicalLocation.artifactLocation.uri === 'src/churn.py') as unknown as { fixes: { description: { text: string }; artifactChanges: { replacements: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }[] }[] }[] };
    assert.match(timeout.fixes[0]?.description.text ?? '', /timeout/i);
    const lines = (await readFile(join(root, 'src', 'churn.py'), 'utf8')).split('\n');
    const edits = timeout.fixes[0]?.artifactChanges[0]?.replacements ?? [];
    const patched = applyEdits(lines.join('\n'), edits.map((e) => ({ range: { start: { line: e.deletedRegion.startLine - 1, character: e.deletedRegion.startColumn - 1 }, end: { line: e.deletedRegion.endLine - 1, character: e.deletedRegion.endColumn - 1 } }, newText: e.insertedContent.text })));
    assert.match(patched, /requests\.post\(URL, json=payload, timeout=INFERENCE_TIMEOUT_S\)/);
    assert.match(patched, /^INFERENCE_TIMEOUT_S = 0\.05/m);
  });

  test('a file outside the working directory: absolute in the text report, a file: URI in SARIF', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'mlship-outside-'));
    try {
      const file = join(outside, 'score.py');
      await writeFile(file, PY);
      const text = await run(root, 'check', file);
      assert.equal(text.code, 1);
      assert.ok(text.out.split('\n').some((l) => l.startsWith(`${file}:7:12: warning mlship/no-timeout`)), text.out);
      assert.doesNotMatch(text.out, /\.\.\//);
      const r = await run(root, 'check', file, '--format', 'sarif');
      const sarif = JSON.parse(r.out) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[]; fixes?: { artifactChanges: { artifactLocation: { uri: string; uriBaseId?: string } }[] }[] }[] }[] };
      const schema = JSON.parse(await readFile(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
      const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
      assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      const results = sarif.runs[0]?.results ?? [];
      assert.ok(results.length > 0);
      for (const x of results) {
        assert.deepEqual(x.locations[0]?.physicalLocation.artifactLocation, { uri: pathToFileURL(file).href });
        for (const fix of x.fixes ?? []) assert.deepEqual(fix.artifactChanges[0]?.artifactLocation, { uri: pathToFileURL(file).href });
      }
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
