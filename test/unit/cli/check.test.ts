// `mlship check`: formats, exit codes, mlship.yaml settings, notebooks, and SARIF that validates against the
// official SARIF 2.1.0 schema.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
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
    assert.equal((await run(root, 'check', 'missing-dir')).code, 0);
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
  });
});
