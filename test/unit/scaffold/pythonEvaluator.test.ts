// The Python flagd evaluator (the template generated Python code imports) run by /usr/bin/python3 with only the
// standard library: it must agree with @openfeature/flagd-core on every committed vector, the flagd-testbed edge keys
// and 3,000 random targeting rules, keep the rollout shares, reload the flag file when it changes, and fail soft.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PYTHON_FLAGD_EVALUATOR, PYTHON_FLAGD_EVALUATOR_FILE } from '../../../src/core/scaffold/templates/python/flagdEvaluator';
import { loadVectors, randomRules, referenceEvaluator, VECTORS_PATH } from './vectors';

const PYTHON = '/usr/bin/python3';

// Runs by the test in a temp folder next to flagd_evaluator.py; prints one JSON object.
const HARNESS = String.raw`
import json, os, sys, time
sys.dont_write_bytecode = True
import flagd_evaluator as fe

mode, path = sys.argv[1], sys.argv[2]
out = {}

def details(client, flag, context, default):
    get = client.get_boolean_details if isinstance(default, bool) else client.get_string_details
    d = get(flag, default, context)
    return {"value": d.value, "variant": d.variant, "reason": d.reason, "errorCode": d.error_code}

if mode == "vectors":
    v = json.load(open(path, encoding="utf-8"))
    out["hashes"] = [[h["input"], fe.murmur3_utf16(h["input"]), fe.murmur3_utf8(h["input"])] for h in v["hashes"]]
    with open("flags.json", "w", encoding="utf-8") as f:
        json.dump(v["definition"], f)
    client = fe.FlagdFileClient("flags.json")
    def default_for(flag):
        first = next(iter(v["definition"]["flags"][flag]["variants"].values()))
        return False if isinstance(first, bool) else "fallback"
    out["cases"] = [details(client, c["flag"], c["context"], default_for(c["flag"])) for c in v["cases"]]
    out["edges"] = [[e["targetingKey"], fe.murmur3_utf16(e["targetingKey"]), client.get_string_value("fractional-hash-edge-flag", "fallback", {"targetingKey": e["targetingKey"]})] for e in v["edges"]]
    ctx = fe.EvaluationContext(targeting_key="user-42", attributes={"tier": "premium"})
    out["openfeatureContext"] = [details(client, "rollout-50", ctx, False), details(client, "rollout-50", {"targetingKey": "user-42", "tier": "premium"}, False)]
    shares = {}
    for p in (5, 25, 50, 100):
        buckets = [("on", p), ("off", 100 - p)]
        shares[p] = sum(1 for i in range(100000) if fe.fractional_variant("credit-risk-model" + "user-" + str(i), buckets) == "on") / 1000
    out["shares"] = shares

elif mode == "random":
    r = json.load(open(path, encoding="utf-8"))
    ev = fe.FlagdEvaluator(r["definition"])
    out["results"] = []
    for flag in r["definition"]["flags"]:
        for c in r["contexts"]:
            d = ev.resolve(str, flag, "fallback", c)
            out["results"].append({"value": d.value, "variant": d.variant, "reason": d.reason, "errorCode": d.error_code})

elif mode == "reload":
    def write(doc):
        with open("live.json", "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        st = os.stat("live.json")
        os.utime("live.json", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000 * (write.count + 1)))
        write.count += 1
    write.count = 0
    flag = lambda p, state="ENABLED": {"flags": {"f": {"state": state, "variants": {"on": True, "off": False}, "defaultVariant": "off", "targeting": {"fractional": [["on", p], ["off", 100 - p]]}}}}
    keys = ["user-" + str(i) for i in range(200)]
    client = fe.FlagdFileClient("live.json")
    steps = {}
    write(flag(0)); steps["at0"] = sum(client.get_boolean_value("f", False, {"targetingKey": k}) for k in keys)
    write(flag(100)); steps["at100"] = sum(client.get_boolean_value("f", False, {"targetingKey": k}) for k in keys)
    write('{"flags": {"f": '); steps["broken"] = sum(client.get_boolean_value("f", False, {"targetingKey": k}) for k in keys)
    steps["brokenError"] = client.last_error
    write(flag(100, "DISABLED")); d = client.get_boolean_details("f", False, {"targetingKey": "user-1"})
    steps["disabled"] = [d.value, d.reason, client.last_error]
    missing = fe.FlagdFileClient("no-such-file.json").get_boolean_details("f", True, None)
    steps["missing"] = [missing.value, missing.reason, missing.error_code, missing.error_message]
    with open("nan.json", "w") as f:
        f.write('{"flags": {"f": {"state": "ENABLED", "variants": {"on": NaN}, "defaultVariant": "on"}}}')
    nan = fe.FlagdFileClient("nan.json").get_boolean_details("f", True, None)
    steps["nan"] = [nan.value, nan.reason, nan.error_code, nan.error_message]
    with open("baddefault.json", "w") as f:
        json.dump({"flags": {"f": {"state": "ENABLED", "variants": {"on": True}, "defaultVariant": "maybe"}}}, f)
    bad = fe.FlagdFileClient("baddefault.json").get_boolean_details("f", True, None)
    steps["badDefault"] = [bad.value, bad.error_code, bad.error_message]
    out = steps

print(json.dumps(out))
`;

function runPython(dir: string, ...args: string[]): Record<string, unknown> {
  const r = spawnSync(PYTHON, ['-E', '-s', '-S', 'harness.py', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('Python flagd evaluator (standard library only)', () => {
  const vectors = loadVectors();
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlship-pyflagd-'));
    writeFileSync(join(dir, PYTHON_FLAGD_EVALUATOR_FILE), PYTHON_FLAGD_EVALUATOR);
    writeFileSync(join(dir, 'harness.py'), HARNESS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('agrees with flagd-core on every committed hash, case and edge key, and keeps the rollout shares', () => {
    const out = runPython(dir, 'vectors', VECTORS_PATH) as {
      hashes: [string, number, number][];
      cases: { value: unknown; variant: string | null; reason: string; errorCode: string | null }[];
      edges: [string, number, string][];
      openfeatureContext: unknown[];
      shares: Record<string, number>;
    };
    out.hashes.forEach(([input, utf16, utf8], i) => {
      assert.equal(utf16, vectors.hashes[i]?.flagdCore, `utf16 ${JSON.stringify(input)}`);
      assert.equal(utf8, vectors.hashes[i]?.utf8, `utf8 ${JSON.stringify(input)}`);
    });
    assert.equal(out.cases.length, vectors.cases.length);
    out.cases.forEach((got, i) => {
      const c = vectors.cases[i];
      assert.ok(c);
      const label = `${c.flag} ${JSON.stringify(c.context)}`;
      assert.deepEqual([got.value, got.variant ?? undefined, got.reason, got.errorCode ?? undefined], [c.value, c.variant, c.reason, c.errorCode], label);
    });
    assert.deepEqual(
      out.edges,
      vectors.edges.map((e) => [e.targetingKey, e.hash, e.variant]),
    );
    assert.deepEqual(out.edges.map((e) => e[1]), [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]);
    assert.deepEqual(out.openfeatureContext[0], out.openfeatureContext[1], 'an OpenFeature-style EvaluationContext equals the flagd dict');
    for (const p of [5, 25, 50, 100]) {
      const share = out.shares[String(p)] ?? NaN;
      assert.ok(Math.abs(share - p) <= 0.5, `${p} %: observed ${share} %`);
    }
  });

  test('3,000 random targeting rules × 4 contexts resolve as a live flagd-core resolves them', () => {
    const random = randomRules(20260412, 3000, vectors);
    writeFileSync(join(dir, 'random.json'), JSON.stringify(random));
    const out = runPython(dir, 'random', join(dir, 'random.json')) as { results: { value: unknown; variant: string | null; reason: string; errorCode: string | null }[] };
    const reference = referenceEvaluator(random.definition);
    let i = 0;
    for (const flag of Object.keys(random.definition.flags)) {
      for (const context of random.contexts) {
        const want = reference(flag, context);
        const got = out.results[i++];
        assert.ok(got);
        const label = `${JSON.stringify(random.definition.flags[flag]?.targeting)} with ${JSON.stringify(context)}`;
        assert.deepEqual([got.value, got.variant ?? undefined, got.reason, got.errorCode ?? undefined], [want.value, want.variant, want.reason, want.errorCode], label);
      }
    }
  });

  test('reloads the flag file when it changes, keeps the last valid version when an edit breaks it, and fails soft', () => {
    const out = runPython(dir, 'reload', '-') as Record<string, unknown[] | number | string | null>;
    assert.equal(out['at0'], 0);
    assert.equal(out['at100'], 200, 'the change from 0 % to 100 % is picked up');
    assert.equal(out['broken'], 200, 'a broken edit keeps the last valid flags');
    assert.match(String(out['brokenError']), /live\.json: .*last valid version stays in use/);
    assert.deepEqual(out['disabled'], [false, 'DISABLED', null]);
    const [value, reason, code, message] = out['missing'] as unknown[];
    assert.deepEqual([value, reason, code], [true, 'ERROR', 'GENERAL']);
    assert.match(String(message), /cannot read flag file no-such-file\.json/);
    assert.deepEqual((out['nan'] as unknown[]).slice(0, 3), [true, 'ERROR', 'PARSE_ERROR']);
    assert.match(String((out['nan'] as unknown[])[3]), /NaN is not valid JSON/);
    assert.deepEqual((out['badDefault'] as unknown[]).slice(0, 2), [true, 'PARSE_ERROR']);
    assert.match(String((out['badDefault'] as unknown[])[2]), /defaultVariant "maybe", which is not one of its variants/);
  });

  test('the template is plain Python source: no template-literal artefacts', () => {
    assert.ok(!PYTHON_FLAGD_EVALUATOR.includes('${'));
    assert.match(PYTHON_FLAGD_EVALUATOR, /^"""In-process evaluation of a flagd flag definition file/);
    const r = spawnSync(PYTHON, ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: PYTHON_FLAGD_EVALUATOR, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
