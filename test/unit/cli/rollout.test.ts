// `mlship rollout`: creating, showing, raising, refusing (exit 1, nothing written), overriding (recorded), the kill
// switch, the flag file from mlship.yaml, and bad inputs (exit 2, nothing written).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { setKillSwitch } from '../../../src/core/scaffold/flagFile';
import { runCli } from '../../../src/cli/main';

async function run(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['rollout', ...args], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function share(text: string, flag: string): number {
  const storage = new MemoryStorage(silent);
  storage.setConfigurations(text, true);
  const core = new FlagdCore(storage, silent);
  let on = 0;
  for (let i = 0; i < 4000; i++) if (core.resolveBooleanEvaluation(flag, false, { targetingKey: `user-${i}` }, silent).value) on++;
  return on / 40;
}

describe('mlship rollout', () => {
  let root: string;
  const flagsPath = () => join(root, 'flags', 'flags.flagd.json');
  const logPath = () => join(root, 'flags', 'rollout-log.jsonl');
  const logRecords = async () => ((await readIfExists(logPath())) ?? '').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-rollout-'));
    const measuredAt = new Date().toISOString();
    await writeFile(join(root, 'breach.json'), JSON.stringify({ deployment: 'credit-risk-prod', measuredAt, metrics: { latency_p95_ms: 72, drift_psi: 0.05, fallback_rate: 0.01 } }));
    await writeFile(join(root, 'healthy.json'), JSON.stringify({ deployment: 'credit-risk-prod', measuredAt, metrics: { latency_p95_ms: 30, drift_psi: 0.05, fallback_rate: 0.01 } }));
    await writeFile(
      join(root, 'mlship.yaml'),
      'version: 1\ndeployments:\n  - name: credit-risk-prod\n    budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 }\n',
    );
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('--create writes the default flag file at 5 % and prints the diff; the log records it', async () => {
    const r = await run(root, 'credit-risk-model', '5', '--create', '--by', 'alice');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- \/dev\/null\n\+\+\+ b\/flags\/flags\.flagd\.json\n@@ -0,0 \+1,19 @@\n\+\{\n/);
    assert.match(r.out, /credit-risk-model: new → 5 % on\. Raising 0 % → 5 % is allowed: health was not checked\.\nRecorded in flags\/rollout-log\.jsonl\.\n$/);
    const text = await readFile(flagsPath(), 'utf8');
    assert.ok(Math.abs(share(text, 'credit-risk-model') - 5) < 1.5);
    const [record] = await logRecords();
    assert.deepEqual({ ...record, ts: undefined }, { ts: undefined, flag: 'credit-risk-model', file: 'flags/flags.flagd.json', action: 'create', from: null, to: { state: 'ENABLED', percent: 5 }, by: 'alice', health: null, override: null });
    assert.match(String(record?.['ts']), /^\d{4}-\d{2}-\d{2}T/);
  });

  test('no percentage shows the current rollout', async () => {
    const r = await run(root, 'credit-risk-model');
    assert.deepEqual([r.code, r.out], [0, 'credit-risk-model: 5 % on (flags/flags.flagd.json)\n']);
  });

  test('raising with a healthy verdict (budgets from mlship.yaml) writes only the weights', async () => {
    const r = await run(root, 'credit-risk-model', '25', '--health', 'healthy.json', '--require-healthy', '--by', 'alice');
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out.split('Recorded')[0]?.replace(/measured \d+ s ago/, 'measured 0 s ago'),
      `--- a/flags/flags.flagd.json
+++ b/flags/flags.flagd.json
@@ -10,8 +10,8 @@
       "defaultVariant": "off",
       "targeting": {
         "fractional": [
-          ["on", 5],
-          ["off", 95]
+          ["on", 25],
+          ["off", 75]
         ]
       }
     }
credit-risk-model: 5 % on → 25 % on. Raising 5 % → 25 % is allowed: deployment "credit-risk-prod" is within its budgets (verdict measured 0 s ago).
`,
    );
    const last = (await logRecords()).at(-1);
    const health = last?.['health'] as Record<string, unknown>;
    assert.match(String(health['measuredAt']), /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual({ ...health, measuredAt: undefined }, { measuredAt: undefined, deployment: 'credit-risk-prod', metrics: { latency_p95_ms: 30, drift_psi: 0.05, fallback_rate: 0.01 }, budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 }, breaches: [] });
  });

  test('a breaching deployment refuses the raise: exit 1, the file and the log unchanged', async () => {
    const before = await readFile(flagsPath(), 'utf8');
    const logBefore = await readFile(logPath(), 'utf8');
    const r = await run(root, 'credit-risk-model', '50', '--health', 'breach.json');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /Raising 25 % → 50 % is refused: deployment "credit-risk-prod" breaches its budget: latency p95 72 ms > budget 50 ms\./);
    assert.match(r.err, /Nothing was written\. Re-run with --override "WHY"/);
    assert.equal(await readFile(flagsPath(), 'utf8'), before);
    assert.equal(await readFile(logPath(), 'utf8'), logBefore);
  });

  test('--require-healthy without a verdict refuses; an override with a reason goes through and is recorded', async () => {
    const refused = await run(root, 'credit-risk-model', '50', '--require-healthy');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /no health verdict is known.*\nNothing was written\. Link the deployment to the flag \(flag: in mlship\.yaml\) or pass its health with --health FILE, or re-run with --override/);
    const r = await run(root, 'credit-risk-model', '50', '--health', 'breach.json', '--override', 'cold-start spike, approved by on-call', '--by', 'bob');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Raising 25 % → 50 % despite: .*Overridden by bob: cold-start spike, approved by on-call/);
    const last = (await logRecords()).at(-1);
    assert.equal(last?.['by'], 'bob');
    assert.deepEqual((last?.['health'] as { breaches: string[] }).breaches, ['latency_p95_ms']);
    const o = last?.['override'] as { by: string; at: string; reason: string };
    assert.deepEqual([o.by, o.reason], ['bob', 'cold-start spike, approved by on-call']);
    assert.equal(o.at, last?.['ts']);
    assert.ok(Math.abs(share(await readFile(flagsPath(), 'utf8'), 'credit-risk-model') - 50) < 3);
  });

  test('off: the kill switch is allowed while breaching; on: releasing is a raise and is guarded', async () => {
    const off = await run(root, 'credit-risk-model', 'off', '--health', 'breach.json', '--require-healthy');
    assert.equal(off.code, 0, off.err);
    assert.match(off.out, /- {6}"state": "ENABLED",\n\+ {6}"state": "DISABLED",/);
    assert.match(off.out, /50 % on → kill switch on \(50 % when released\)\. The kill switch is always allowed\./);
    assert.equal(share(await readFile(flagsPath(), 'utf8'), 'credit-risk-model'), 0);
    assert.equal((await run(root, 'credit-risk-model', 'on', '--health', 'breach.json')).code, 1);
    const on = await run(root, 'credit-risk-model', 'on', '--health', 'healthy.json');
    assert.equal(on.code, 0, on.err);
    assert.match(on.out, /kill switch on \(50 % when released\) → 50 % on/);
    assert.deepEqual((await logRecords()).map((r) => r['action']), ['create', 'set', 'set', 'kill', 'release']);
  });

  test('the same percentage changes nothing; --dry-run prints the diff and writes nothing', async () => {
    const same = await run(root, 'credit-risk-model', '50');
    assert.deepEqual([same.code, same.out], [0, 'credit-risk-model: already 50 % on; nothing to change.\n']);
    const before = await readFile(flagsPath(), 'utf8');
    const dry = await run(root, 'credit-risk-model', '10', '--dry-run');
    assert.equal(dry.code, 0);
    assert.match(dry.out, /\+ {10}\["on", 10\],[\s\S]*\(dry run, nothing written\)/);
    assert.equal(await readFile(flagsPath(), 'utf8'), before);
  });

  test('flags: in mlship.yaml picks the file; --flags overrides it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-rollout-yaml-'));
    try {
      await mkdir(join(dir, 'ops'));
      await writeFile(join(dir, 'mlship.yaml'), 'version: 1\nflags: ops/features.flagd.json\n');
      const created = await run(dir, 'churn', '5', '--create');
      assert.equal(created.code, 0, created.err);
      assert.ok(await readIfExists(join(dir, 'ops', 'features.flagd.json')));
      assert.ok(await readIfExists(join(dir, 'ops', 'rollout-log.jsonl')));
      const other = await run(dir, 'churn', '--flags', 'elsewhere.json');
      assert.equal(other.code, 2);
      assert.match(other.err, /cannot read the flag file elsewhere\.json: no such file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('bad inputs exit 2 and write nothing', async () => {
    const before = await readFile(flagsPath(), 'utf8');
    const logBefore = await readFile(logPath(), 'utf8');
    const cases: [string[], RegExp][] = [
      [[], /name the flag/],
      [['credit-risk-model', '12.5'], /whole percentage from 0 to 100, off or on \(got "12\.5"\)/],
      [['credit-risk-model', '101'], /whole percentage/],
      [['credit-risk-model', '5', 'extra'], /unexpected argument "extra"/],
      [['credit-risk-model', '5', '--bogus'], /Unknown option --bogus/],
      [['credit-risk-model', '60', '--override', ''], /--override needs a reason/],
      [['credit-risk-model', '60', '--override', 'ok'], /--override needs a reason of at least 3 characters \(got "ok"\)/],
      [['credit-risk-model', 'off', '--create'], /--create needs the percentage/],
      [['nope', '5'], /Flag "nope" is not in flags\/flags\.flagd\.json\. Flags: credit-risk-model\./],
      [['credit-risk-model', '60', '--health', 'missing.json'], /cannot read the health verdict .*missing\.json: no such file/],
      [['credit-risk-model', '60', '--health', 'healthy.json', '--max-age', 'soon'], /--max-age is the oldest health verdict used, in minutes: a number above 0, e\.g\. 15 \(got "soon"\)/],
      [['credit-risk-model', '60', '--health', 'healthy.json', '--max-age', '0'], /--max-age is the oldest/],
    ];
    for (const [args, re] of cases) {
      const r = await run(root, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, re, args.join(' '));
    }
    await writeFile(join(root, 'bad-health.json'), '{"metrics": {"p95": 3}}');
    const badHealth = await run(root, 'credit-risk-model', '60', '--health', 'bad-health.json');
    // mlship.yaml's warnings come first, as every command that reads it prints them.
    assert.equal(badHealth.code, 2);
    assert.match(badHealth.err, /^mlship\.yaml:3:11: warning: Deployment 'credit-risk-prod' has nothing to watch/);
    assert.ok(badHealth.err.endsWith('\nmlship rollout: bad-health.json: unknown metric "metrics.p95"; known: latency_p95_ms, drift_psi, fallback_rate.\n'), badHealth.err);
    assert.equal(await readFile(flagsPath(), 'utf8'), before);
    assert.equal(await readFile(logPath(), 'utf8'), logBefore);
  });

  test('a hand-broken flag file: exit 2 with the line, nothing written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-rollout-broken-'));
    try {
      await mkdir(join(dir, 'flags'));
      const broken = '{\n  "flags": {\n    "x": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off", },\n  }\n}\n';
      await writeFile(join(dir, 'flags', 'flags.flagd.json'), broken);
      const r = await run(dir, 'x', '50');
      assert.equal(r.code, 2);
      assert.match(r.err, /flags\/flags\.flagd\.json is not a valid flag file; nothing was changed:\n {2}flags\/flags\.flagd\.json:3:99: error: Trailing comma before "}": remove the comma/);
      assert.equal(await readFile(join(dir, 'flags', 'flags.flagd.json'), 'utf8'), broken);
      assert.equal(await readIfExists(join(dir, 'flags', 'rollout-log.jsonl')), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a flag file or rollout log that cannot be written: exit 2 with what to do; a change the log missed is printed with its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-rollout-unwritable-'));
    try {
      // The flag file's folder is a link to nowhere: the file is new, and its folder cannot be made.
      await symlink(join(dir, 'nowhere', 'flags'), join(dir, 'blocked'));
      const folder = await run(dir, 'x', '5', '--create', '--flags', 'blocked/flags.json');
      assert.equal(folder.code, 2, folder.err);
      assert.match(folder.err, /^mlship rollout: cannot write blocked\/flags\.json: .+\. Nothing was changed; make the file and its folder writable and run the command again\.\n$/);
      assert.doesNotMatch(folder.err, /\n\s+at /);
      // A folder where the rollout log should be: the flag changes, the log cannot take the line.
      await mkdir(join(dir, 'flags', 'rollout-log.jsonl'), { recursive: true });
      const log = await run(dir, 'x', '5', '--create');
      assert.equal(log.code, 2, log.err);
      assert.match(log.out, /x: new → 5 % on\./);
      assert.match(log.err, /^mlship rollout: flags\/flags\.flagd\.json was changed, but the change could not be recorded in flags\/rollout-log\.jsonl: .+\. Make the log writable and add this line to it:\n\{"ts":"[^"]+","flag":"x",.*\}\n$/);
      assert.ok(Math.abs(share(await readFile(join(dir, 'flags', 'flags.flagd.json'), 'utf8'), 'x') - 5) < 1.5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listed in mlship --help', async () => {
    let out = '';
    await runCli(['--help'], { cwd: root, stdout: (s) => (out += s), stderr: () => undefined });
    assert.match(out, /rollout +show or change a flagd rollout flag/);
  });
});

describe('mlship rollout --health checks the verdict is the flag\'s deployment\'s, and recent', () => {
  let root: string;
  const flags = () => readFile(join(root, 'flags', 'flags.flagd.json'), 'utf8');
  const verdict = (name: string, deployment: string | undefined, measuredAt: string | undefined) =>
    writeFile(join(root, name), JSON.stringify({ ...(deployment ? { deployment } : {}), ...(measuredAt ? { measuredAt } : {}), metrics: { latency_p95_ms: 20, drift_psi: 0.01, fallback_rate: 0.01 } }));

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-rollout-verdict-'));
    await writeFile(
      join(root, 'mlship.yaml'),
      'version: 1\ndeployments:\n  - name: credit-risk\n    flag: credit-risk-model\n    budgets: { latency_p95_ms: 50 }\n  - name: churn\n    flag: churn-model\n    budgets: { latency_p95_ms: 40, fallback_rate: 0.05 }\n',
    );
    assert.equal((await run(root, 'churn-model', '5', '--create')).code, 0);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a verdict of another deployment refuses the raise (exit 1) naming both; nothing is written', async () => {
    await verdict('h2.json', 'credit-risk', '2019-03-01T09:00:00Z');
    const before = await flags();
    const r = await run(root, 'churn-model', '25', '--health', 'h2.json');
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /churn-model: Raising 5 % → 25 % is refused: the health verdict is for deployment "credit-risk", but churn-model is linked to deployment "churn" \(flag: in mlship\.yaml\)\./);
    assert.match(r.err, /Nothing was written\. Pass a recent verdict of deployment "churn" with --health, or leave --health out to poll it, or re-run with --override "WHY"/);
    assert.equal(await flags(), before);
  });

  test('a stale or undated verdict refuses the raise; --max-age widens the window; a recent one is accepted with its age', async () => {
    const before = await flags();
    const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
    await verdict('old.json', 'churn', hourAgo);
    const stale = await run(root, 'churn-model', '25', '--health', 'old.json');
    assert.equal(stale.code, 1, stale.err);
    assert.match(stale.err, /refused: the health verdict is 60 min old \(measured .*\); the oldest used is 15 min\./);
    await verdict('undated.json', 'churn', undefined);
    const undated = await run(root, 'churn-model', '25', '--health', 'undated.json');
    assert.equal(undated.code, 1, undated.err);
    assert.match(undated.err, /does not say when it was measured \("measuredAt"\)/);
    assert.equal(await flags(), before);
    const widened = await run(root, 'churn-model', '25', '--health', 'old.json', '--max-age', '90', '--dry-run');
    assert.equal(widened.code, 0, widened.err);
    assert.match(widened.out, /allowed: deployment "churn" is within its budgets \(verdict measured 60 min ago\)/);
    // A verdict that names no deployment is the linked one's, budgets from it.
    await verdict('fresh.json', undefined, new Date().toISOString());
    const fresh = await run(root, 'churn-model', '25', '--health', 'fresh.json');
    assert.equal(fresh.code, 0, fresh.err);
    assert.match(fresh.out, /Raising 5 % → 25 % is allowed: deployment "churn" is within its budgets \(verdict measured \d+ s ago\)\./);
    const last = (await readFile(join(root, 'flags', 'rollout-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { health: { deployment: string; budgets: Record<string, number> } | null }).at(-1);
    assert.deepEqual([last?.health?.deployment, last?.health?.budgets], ['churn', { latency_p95_ms: 40, fallback_rate: 0.05 }]);
  });

  test('lowering and the kill switch go through whatever the verdict', async () => {
    assert.equal((await run(root, 'churn-model', '10', '--health', 'h2.json')).code, 0);
    assert.equal((await run(root, 'churn-model', 'off', '--health', 'old.json')).code, 0);
  });

  test('a verdict that cannot be read stops a raise (exit 2) but never the kill switch or a lowering', async () => {
    await writeFile(join(root, 'broken.json'), '{"metrics": ');
    const killed = await flags();
    const release = await run(root, 'churn-model', 'on', '--health', 'broken.json');
    assert.equal(release.code, 2, release.err);
    assert.match(release.err, /broken\.json is not JSON/);
    assert.equal(await flags(), killed);
    await verdict('now.json', 'churn', new Date().toISOString());
    assert.equal((await run(root, 'churn-model', 'on', '--health', 'now.json')).code, 0);
    const lower = await run(root, 'churn-model', '5', '--health', 'broken.json');
    assert.equal(lower.code, 0, lower.err);
    assert.match(lower.err, /broken\.json is not JSON .* Ignored: lowering needs no health\.\n$/);
    assert.match(await flags(), /\["on", 5\],\s*\["off", 95\]/);
    const kill = await run(root, 'churn-model', 'off', '--health', 'missing.json');
    assert.equal(kill.code, 0, kill.err);
    assert.match(kill.err, /cannot read the health verdict missing\.json: no such file\. Ignored: the kill switch needs no health\.\n$/);
    assert.match(await flags(), /"state": "DISABLED"/);
    const last = (await readFile(join(root, 'flags', 'rollout-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { action: string; health: unknown }).at(-1);
    assert.deepEqual([last?.action, last?.health], ['kill', null]);
  });
});

describe('mlship rollout polls the deployment linked to the flag', () => {
  let root: string;
  const writeLog = async (latencyMs: number) => {
    const now = Date.now();
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ ts: new Date(now - (30 - i) * 1000).toISOString(), request_id: `r${i}`, model: 'credit-risk', model_version: '2', output: { label: 'good' }, confidence: 0.9, path: 'model', reason: null, latency_ms: latencyMs }),
    );
    await writeFile(join(root, 'logs', 'predictions.jsonl'), `${lines.join('\n')}\n`);
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-rollout-live-'));
    await mkdir(join(root, 'logs'));
    await writeFile(join(root, 'mlship.yaml'), 'version: 1\ndeployments:\n  - name: credit-risk\n    flag: credit-risk-model\n    predictions: { jsonl: logs/predictions.jsonl }\n    budgets: { latency_p95_ms: 50 }\n');
    assert.equal((await run(root, 'credit-risk-model', '5', '--create')).code, 0);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a poll that measures nothing says so: not "health was not checked", and no advice to link the linked deployment', async () => {
    const before = await readFile(join(root, 'flags', 'flags.flagd.json'), 'utf8');
    const required = await run(root, 'credit-risk-model', '25', '--require-healthy', '--dry-run');
    assert.equal(required.code, 1, required.err);
    assert.match(required.err, /credit-risk: unknown — no predictions logged yet/);
    assert.match(required.err, /Raising 5 % → 25 % is refused: deployment "credit-risk" has no measurement of latency p95 \(health is required\)\./);
    assert.doesNotMatch(required.err, /Link the deployment to the flag/);
    const allowed = await run(root, 'credit-risk-model', '25', '--dry-run');
    assert.equal(allowed.code, 0, allowed.err);
    assert.match(allowed.out, /Raising 5 % → 25 % is allowed: deployment "credit-risk" has no measurement of latency p95, so no budget was checked\./);
    assert.equal(await readFile(join(root, 'flags', 'flags.flagd.json'), 'utf8'), before);
  });

  test('slow answers in its prediction log refuse a raise; the kill switch still goes through', async () => {
    await writeLog(83.5);
    const before = await readFile(join(root, 'flags', 'flags.flagd.json'), 'utf8');
    const r = await run(root, 'credit-risk-model', '25');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /credit-risk: breaching/);
    assert.match(r.err, /Raising 5 % → 25 % is refused: deployment "credit-risk" breaches its budget: latency p95 83\.5 ms > budget 50 ms/);
    assert.equal(await readFile(join(root, 'flags', 'flags.flagd.json'), 'utf8'), before);
    assert.equal((await run(root, 'credit-risk-model', 'off')).code, 0);
    assert.equal((await run(root, 'credit-risk-model', 'on')).code, 1);
  });

  test('within budget the raise is applied and the log records the measured health', async () => {
    await writeLog(20);
    const r = await run(root, 'credit-risk-model', 'on');
    assert.equal(r.code, 0, r.err);
    const raised = await run(root, 'credit-risk-model', '25');
    assert.equal(raised.code, 0, raised.err);
    const records = (await readFile(join(root, 'flags', 'rollout-log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { to: { percent: number }; health: { deployment: string; metrics: Record<string, number | null> } | null });
    const last = records[records.length - 1];
    assert.equal(last?.to.percent, 25);
    assert.equal(last?.health?.deployment, 'credit-risk');
    assert.equal(last?.health?.metrics.latency_p95_ms, 20);
  });

  test('a flag file changed while the deployment was polled is not overwritten: exit 2, the other change kept', async () => {
    await writeLog(20);
    const path = join(root, 'flags', 'flags.flagd.json');
    const killed = setKillSwitch(await readFile(path, 'utf8'), 'flags.flagd.json', 'credit-risk-model', true).text;
    const logBefore = await readFile(join(root, 'flags', 'rollout-log.jsonl'), 'utf8');
    let err = '';
    // The poll's status line is printed after the file was read and before it is written: the kill switch lands then.
    const stderr = (s: string) => {
      err += s;
      if (s.startsWith('credit-risk: ')) writeFileSync(path, killed);
    };
    const code = await runCli(['rollout', 'credit-risk-model', '50'], { cwd: root, stdout: () => undefined, stderr });
    assert.equal(code, 2, err);
    assert.match(err, /flags\/flags\.flagd\.json changed while mlship rollout was deciding; nothing was written\. Run the command again\./);
    assert.equal(await readFile(path, 'utf8'), killed);
    assert.equal(await readFile(join(root, 'flags', 'rollout-log.jsonl'), 'utf8'), logBefore);
  });
});
