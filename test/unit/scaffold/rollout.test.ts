// The rollout guard: raising is gated on health, lowering and the kill switch never are, overrides need who/when/why;
// health verdict files; rollout log records.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessHealth } from '../../../src/core/deployments/health';
import { createFlagFile, FlagFileError, readRollout, setKillSwitch, type RolloutState } from '../../../src/core/scaffold/flagFile';
import type { DeploymentStatus } from '../../../src/shared/deployments';
import {
  applyRolloutTarget,
  decideRollout,
  healthFromStatus,
  overrideProblem,
  formatAge,
  healthLabel,
  invalidVerdict,
  parseHealthVerdict,
  rolloutLogLine,
  rolloutLogPath,
  rolloutLogRecord,
  type DeploymentHealth,
} from '../../../src/core/scaffold/rollout';

const at = (percent: number, killSwitch = false): RolloutState => ({ flagKey: 'credit-risk-model', state: killSwitch ? 'DISABLED' : 'ENABLED', percent, effectivePercent: killSwitch ? 0 : percent, killSwitch });
const budgets = { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 };
const healthy: DeploymentHealth = { deployment: 'credit-risk-prod', metrics: { latency_p95_ms: 31, drift_psi: 0.04, fallback_rate: 0.01 }, budgets };
const slow: DeploymentHealth = { ...healthy, metrics: { ...healthy.metrics, latency_p95_ms: 72.5, fallback_rate: 0.08 } };
const override = { by: 'alice', at: '2026-05-01T12:00:00.000Z', reason: 'p95 spike is the known cold start; on-call approved' };

describe('decideRollout', () => {
  test('raising with a healthy deployment is allowed; with a breach it is refused and says which budget and by how much', () => {
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: healthy }).allowed, true);
    const refused = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: slow });
    assert.equal(refused.allowed, false);
    assert.equal(refused.direction, 'raise');
    assert.deepEqual(refused.breaches.map((b) => b.metric), ['latency_p95_ms', 'fallback_rate']);
    assert.equal(
      refused.message,
      'Raising 5 % → 25 % is refused: deployment "credit-risk-prod" breaches its budget: latency p95 72.5 ms > budget 50 ms; fallback rate 8.0 % > budget 5.0 %. Lower it, fix the deployment, or override with a reason (it is recorded).',
    );
  });

  test('a value equal to its budget is within it', () => {
    const edge: DeploymentHealth = { ...healthy, metrics: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 } };
    assert.equal(decideRollout({ current: at(25), target: { kind: 'percent', percent: 50 }, health: edge, requireHealthy: true }).allowed, true);
  });

  test('lowering, the kill switch and no change are always allowed, even while breaching', () => {
    for (const target of [{ kind: 'percent', percent: 5 }, { kind: 'kill' }, { kind: 'percent', percent: 25 }] as const) {
      const d = decideRollout({ current: at(25), target, health: slow, requireHealthy: true });
      assert.equal(d.allowed, true, JSON.stringify(target));
      assert.equal(d.overridden, false);
    }
    assert.match(decideRollout({ current: at(25), target: { kind: 'kill' }, health: slow }).message, /^The kill switch is always allowed/);
  });

  test('releasing the kill switch raises from 0 to the kept percentage, so it is guarded', () => {
    const d = decideRollout({ current: at(50, true), target: { kind: 'release' }, health: slow });
    assert.deepEqual([d.allowed, d.from, d.to], [false, 0, 50]);
  });

  test('without requireHealthy unknown health lets a raise through; with it, missing verdicts, measurements or budgets refuse it', () => {
    assert.match(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 } }).message, /allowed: health was not checked/);
    const noVerdict = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, requireHealthy: true });
    assert.equal(noVerdict.allowed, false);
    assert.match(noVerdict.message, /no health verdict is known .* Provide the deployment's health, or override/);
    const partial: DeploymentHealth = { ...healthy, metrics: { latency_p95_ms: 20, drift_psi: null } };
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: partial }).allowed, true);
    const unknown = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: partial, requireHealthy: true });
    assert.deepEqual(unknown.unknown, ['drift_psi', 'fallback_rate']);
    assert.match(unknown.message, /has no measurement of drift \(PSI\), fallback rate/);
    const noBudgets = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: { metrics: { latency_p95_ms: 10 }, budgets: {} }, requireHealthy: true });
    assert.match(noBudgets.message, /has no budgets to check/);
  });

  test('an allowed raise says which budgets were checked: never "within its budgets" when a budgeted metric was not measured', () => {
    const raise = (health: DeploymentHealth) => decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health }).message;
    assert.equal(
      raise({ ...healthy, metrics: { latency_p95_ms: null, drift_psi: null, fallback_rate: null } }),
      'Raising 5 % → 25 % is allowed: deployment "credit-risk-prod" has no measurement of latency p95, drift (PSI), fallback rate, so no budget was checked.',
    );
    assert.equal(
      raise({ ...healthy, metrics: { latency_p95_ms: 20, drift_psi: null } }),
      'Raising 5 % → 25 % is allowed: deployment "credit-risk-prod" is within its budgets of latency p95; drift (PSI), fallback rate not measured.',
    );
    assert.equal(raise({ ...healthy, budgets: {} }), 'Raising 5 % → 25 % is allowed: deployment "credit-risk-prod" has no budgets to check.');
    assert.equal(raise(healthy), 'Raising 5 % → 25 % is allowed: deployment "credit-risk-prod" is within its budgets.');
  });

  test('a metric that is NaN is not measured: it neither passes its budget nor breaches it', () => {
    const d = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: { ...healthy, metrics: { ...healthy.metrics, latency_p95_ms: Number.NaN } }, requireHealthy: true });
    assert.deepEqual([d.allowed, d.unknown], [false, ['latency_p95_ms']]);
  });

  test('a verdict file that cannot be read refuses a raise, saying why; lowering and the kill switch still go through', () => {
    const health = invalidVerdict('churn', '.mlship/health/churn.json: "measuredAt" must be an ISO 8601 time.');
    const d = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health, linkedDeployment: 'churn' });
    assert.deepEqual([d.allowed, d.verdictProblem?.kind], [false, 'invalid']);
    assert.equal(
      d.message,
      'Raising 5 % → 25 % is refused: the health verdict cannot be read: .mlship/health/churn.json: "measuredAt" must be an ISO 8601 time. Fix or remove the verdict file, or override with a reason (it is recorded).',
    );
    assert.equal(decideRollout({ current: at(25), target: { kind: 'kill' }, health }).allowed, true);
    assert.equal(decideRollout({ current: at(25), target: { kind: 'percent', percent: 5 }, health }).allowed, true);
    assert.equal(healthLabel('churn', health), 'churn: health verdict invalid');
  });

  test('the CodeLens health label: healthy only when every budgeted metric was measured within its budget', () => {
    assert.equal(healthLabel('credit-risk-prod', healthy), 'credit-risk-prod: healthy');
    assert.equal(healthLabel('credit-risk-prod', { ...healthy, metrics: { latency_p95_ms: 20, fallback_rate: 0.01, drift_psi: null } }), 'credit-risk-prod: healthy (drift (PSI) not measured)');
    assert.equal(healthLabel('credit-risk-prod', { ...healthy, metrics: {} }), 'credit-risk-prod: health unknown');
    assert.equal(healthLabel('credit-risk-prod', slow), 'credit-risk-prod: breaching (latency p95 72.5 ms > budget 50 ms; fallback rate 8.0 % > budget 5.0 %)');
    assert.equal(healthLabel('credit-risk-prod', undefined), 'credit-risk-prod: health unknown');
    assert.equal(healthLabel(undefined, healthy), 'no linked deployment');
  });

  test('an override with who, when and why lets a refused raise through; an incomplete one does not', () => {
    const d = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: slow, override });
    assert.deepEqual([d.allowed, d.overridden], [true, true]);
    assert.match(d.message, /despite: .*latency p95 72\.5 ms > budget 50 ms.* Overridden by alice: p95 spike/);
    for (const bad of [{ ...override, by: ' ' }, { ...override, at: 'yesterday' }, { ...override, reason: '' }]) {
      assert.ok(overrideProblem(bad));
      assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: slow, override: bad }).allowed, false);
    }
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: healthy, override }).overridden, false, 'not needed, not used');
    assert.equal(overrideProblem({ ...override, reason: 'ok' }), 'An override needs a reason of at least 3 characters: say why the percentage goes up despite the guard.');
  });
});

describe('health verdict files', () => {
  test('metrics, budgets, and budgets filled in from mlship.yaml', () => {
    const h = parseHealthVerdict('{"deployment": "credit-risk-prod", "measuredAt": "2026-05-01T12:00:00Z", "metrics": {"latency_p95_ms": 42, "drift_psi": null}, "budgets": {"latency_p95_ms": 40}}', 'h.json', { drift_psi: 0.2, latency_p95_ms: 50 });
    assert.deepEqual(h, { deployment: 'credit-risk-prod', measuredAt: '2026-05-01T12:00:00Z', metrics: { latency_p95_ms: 42, drift_psi: null }, budgets: { latency_p95_ms: 40, drift_psi: 0.2 }, source: 'verdict' });
  });

  const churnAt = (percent: number): RolloutState => ({ ...at(percent), flagKey: 'churn-model' });
  const verdict = (deployment: string, measuredAt?: string): DeploymentHealth => ({ ...healthy, deployment, source: 'verdict', ...(measuredAt ? { measuredAt } : {}) });
  const now = Date.parse('2026-05-01T12:00:00Z');

  test('a verdict for another deployment than the flag\'s is refused, naming both; an override can still let it through', () => {
    const input = { current: churnAt(5), target: { kind: 'percent', percent: 25 } as const, health: verdict('credit-risk', '2026-05-01T11:58:00Z'), linkedDeployment: 'churn', now };
    const d = decideRollout(input);
    assert.equal(d.allowed, false);
    assert.equal(
      d.message,
      'Raising 5 % → 25 % is refused: the health verdict is for deployment "credit-risk", but churn-model is linked to deployment "churn" (flag: in mlship.yaml). Measure deployment "churn" again (a verdict of the last 15 min), or override with a reason (it is recorded).',
    );
    assert.equal(d.verdictProblem?.kind, 'other-deployment');
    assert.equal(decideRollout({ ...input, requireHealthy: true }).allowed, false);
    assert.deepEqual([decideRollout({ ...input, override }).allowed, decideRollout({ ...input, override }).overridden], [true, true]);
    assert.equal(decideRollout({ ...input, target: { kind: 'percent', percent: 0 } }).allowed, true, 'lowering is always allowed');
    assert.equal(decideRollout({ ...input, health: verdict('churn', '2026-05-01T11:58:00Z') }).allowed, true);
  });

  test('a stale verdict, or one that does not say when it was measured, is refused; a fresh one is allowed and its age is said', () => {
    const raise = { current: churnAt(5), target: { kind: 'percent', percent: 25 } as const, linkedDeployment: 'churn', now };
    const old = decideRollout({ ...raise, health: verdict('churn', '2019-03-01T09:00:00Z') });
    assert.deepEqual([old.allowed, old.verdictProblem?.kind], [false, 'stale']);
    assert.match(old.message, /refused: the health verdict is 7 years old \(measured 2019-03-01T09:00:00Z\); the oldest used is 15 min\. Measure deployment "churn" again/);
    assert.match(decideRollout({ ...raise, health: verdict('churn') }).message, /refused: the health verdict does not say when it was measured \("measuredAt"\)/);
    assert.match(decideRollout({ ...raise, health: verdict('churn', '2026-05-01T13:00:00Z') }).message, /refused: the health verdict is dated 60 min ahead/);
    const fresh = decideRollout({ ...raise, health: verdict('churn', '2026-05-01T11:48:00Z') });
    assert.equal(fresh.message, 'Raising 5 % → 25 % is allowed: deployment "churn" is within its budgets (verdict measured 12 min ago).');
    const tighter = decideRollout({ ...raise, health: verdict('churn', '2026-05-01T11:48:00Z'), maxVerdictAgeMs: 10 * 60_000 });
    assert.match(tighter.message, /is 12 min old .*the oldest used is 10 min/);
    // A live status is as recent as its last poll: no age check; but it too must be the flag's deployment.
    assert.equal(decideRollout({ ...raise, health: { ...healthy, deployment: 'churn', source: 'live' } }).allowed, true);
    assert.equal(decideRollout({ ...raise, health: { ...healthy, deployment: 'credit-risk', source: 'live' } }).allowed, false);
  });

  test('ages read as people say them', () => {
    assert.deepEqual([40_000, 12 * 60_000, 5 * 3_600_000, 3 * 86_400_000, 7 * 365 * 86_400_000].map(formatAge), ['40 s', '12 min', '5 h', '3 days', '6 years']);
  });

  test('bad files name the file and what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['not json', /h\.json is not JSON \(.*\)\. A health verdict looks like/],
      ['[1]', /h\.json: a health verdict is a JSON object/],
      ['{"metrics": {"p95": 3}}', /h\.json: unknown metric "metrics\.p95"; known: latency_p95_ms, drift_psi, fallback_rate\./],
      ['{"metrics": {"drift_psi": -1}}', /"metrics\.drift_psi" must be a non-negative number or null/],
      ['{"budgets": {"drift_psi": null}}', /"budgets\.drift_psi" must be a non-negative number\./],
      ['{"metrics": [], "budgets": {}}', /"metrics" must be an object/],
      ['{"measuredAt": "soon"}', /"measuredAt" must be an ISO 8601 time/],
    ];
    for (const [text, re] of cases) assert.throws(() => parseHealthVerdict(text, 'h.json'), re, text);
  });

  test('a measuredAt without its time zone is refused: read as local time its age could be hours off', () => {
    for (const at of ['2026-05-01T12:00:00', '2026-05-01T12:00:00.123456', '2026-05-01']) {
      assert.throws(
        () => parseHealthVerdict(JSON.stringify({ measuredAt: at }), 'h.json'),
        new RegExp(`^Error: h\\.json: "measuredAt" must be an ISO 8601 time with its time zone, e\\.g\\. 2026-05-01T12:00:00Z or 2026-05-01T14:00:00\\+02:00 \\(got "${at.replace(/\./g, '\\.')}": without one its age cannot be known\\)\\.$`),
        at,
      );
    }
    for (const at of ['2026-05-01T12:00:00Z', '2026-05-01T12:00:00.5z', '2026-05-01T14:00:00+02:00', '2026-05-01T07:00:00-0500', '2026-05-01 12:00Z']) {
      assert.equal(parseHealthVerdict(JSON.stringify({ measuredAt: at }), 'h.json').measuredAt, at);
    }
  });
});

describe('rollout log', () => {
  test('next to the flag file; one JSON line per change with health and the override that was used', () => {
    assert.equal(rolloutLogPath('/ws/flags/flags.flagd.json'), '/ws/flags/rollout-log.jsonl');
    const decision = decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: slow, override });
    const record = rolloutLogRecord({ ts: '2026-05-01T12:00:00.000Z', flag: 'credit-risk-model', file: 'flags/flags.flagd.json', action: 'set', from: at(5), to: at(25), by: 'alice', health: slow, decision, override });
    assert.deepEqual(record, {
      ts: '2026-05-01T12:00:00.000Z',
      flag: 'credit-risk-model',
      file: 'flags/flags.flagd.json',
      action: 'set',
      from: { state: 'ENABLED', percent: 5 },
      to: { state: 'ENABLED', percent: 25 },
      by: 'alice',
      health: { deployment: 'credit-risk-prod', metrics: slow.metrics, budgets, breaches: ['latency_p95_ms', 'fallback_rate'] },
      override,
    });
    const line = rolloutLogLine(record);
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(JSON.parse(line), record);
    const unused = rolloutLogRecord({ ts: 't', flag: 'f', file: 'x', action: 'kill', from: at(25), to: at(25, true), by: 'bob', decision: decideRollout({ current: at(25), target: { kind: 'kill' } }), override });
    assert.equal(unused.override, null);
    assert.equal(unused.health, null);
  });
});

describe('health from a live deployment status', () => {
  const status = (p95Ms: number | null, fallbackRate: number | null, psi: number | null, reachable = true): DeploymentStatus => {
    const a = assessHealth({ reachable: reachable ? { ok: true } : { ok: false, reason: 'connection refused' }, p95Ms, fallbackRate, errorRate: 0, drift: psi === null ? null : { feature: 'income', score: psi }, sourceProblems: [], budgets: { latency_p95_ms: 50, drift_psi: 0.2 } });
    return { name: 'credit-risk', ...a, p95Ms, errorRate: 0, fallbackRate, lowConfidenceShare: null, throughput: null, drift: null, quality: null, checkedAt: '2026-05-01T12:00:00.000Z' };
  };

  test('budgeted metrics carry their measured values; a metric without a budget is measured but not checked', () => {
    const h = healthFromStatus(status(83.5, 0.3, 0.05));
    assert.deepEqual(h, { deployment: 'credit-risk', measuredAt: '2026-05-01T12:00:00.000Z', metrics: { latency_p95_ms: 83.5, drift_psi: 0.05, fallback_rate: 0.3 }, budgets: { latency_p95_ms: 50, drift_psi: 0.2 }, source: 'live' });
    const d = decideRollout({ current: at(25), target: { kind: 'percent', percent: 50 }, health: h });
    assert.equal(d.allowed, false);
    assert.deepEqual(d.breaches.map((b) => b.metric), ['latency_p95_ms']);
  });

  test('drift over its budget refuses a raise; within budgets it is allowed', () => {
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: healthFromStatus(status(20, 0, 0.31)) }).allowed, false);
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: healthFromStatus(status(20, 0, 0.01)) }).allowed, true);
  });

  test('an unreachable deployment has unknown metrics: allowed, refused only when health is required', () => {
    const h = healthFromStatus(status(null, null, null, false));
    assert.ok(h);
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: h }).allowed, true);
    assert.equal(decideRollout({ current: at(5), target: { kind: 'percent', percent: 25 }, health: h, requireHealthy: true }).allowed, false);
  });
});

describe('applying a decided change', () => {
  const FILE = 'flags/flags.flagd.json';
  const at25 = createFlagFile('credit-risk-model', 25);
  const decidedOn = readRollout(at25, FILE, 'credit-risk-model');

  test('the change the guard decided on applies while the flag is as it was read', () => {
    const raised = applyRolloutTarget(at25, FILE, 'credit-risk-model', { kind: 'percent', percent: 50 }, decidedOn);
    assert.equal(readRollout(raised.text, FILE, 'credit-risk-model').percent, 50);
    const killed = applyRolloutTarget(at25, FILE, 'credit-risk-model', { kind: 'kill' }, decidedOn);
    assert.equal(readRollout(killed.text, FILE, 'credit-risk-model').killSwitch, true);
  });

  test('a flag changed since it was read (the kill switch turned on elsewhere) is not changed by the stale decision', () => {
    const killedElsewhere = setKillSwitch(at25, FILE, 'credit-risk-model', true).text;
    assert.throws(
      () => applyRolloutTarget(killedElsewhere, FILE, 'credit-risk-model', { kind: 'percent', percent: 50 }, decidedOn),
      (e: unknown) =>
        e instanceof FlagFileError &&
        e.message === 'credit-risk-model changed in flags/flags.flagd.json while this change was being decided: it is now kill switch on (25 % when released), not 25 % on. Nothing was changed; look at it again and repeat the change if it still applies.',
    );
    const lowered = applyRolloutTarget(at25, FILE, 'credit-risk-model', { kind: 'percent', percent: 5 }).text;
    assert.throws(() => applyRolloutTarget(lowered, FILE, 'credit-risk-model', { kind: 'release' }, decidedOn), /it is now 5 % on, not 25 % on/);
  });
});
