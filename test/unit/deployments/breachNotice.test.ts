// When a budget breach is notified: after two polls in a row, once per breach of each budget, with a cool-down per
// budget and per deployment, never while muted, and with the budgets and their measurements named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreachNotifier } from '../../../src/core/deployments/breachNotice';
import { assessHealth, type Budgets } from '../../../src/core/deployments/health';
import type { DeploymentStatus } from '../../../src/shared/deployments';

const budgets: Budgets = { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 };

function status(p95: number, psi: number | null = 0.05, reachable = true): Pick<DeploymentStatus, 'name' | 'state' | 'checks'> {
  const h = assessHealth({ reachable: reachable ? { ok: true } : { ok: false, reason: 'refused' }, p95Ms: p95, drift: psi === null ? null : { feature: 'income', score: psi, statistic: 'psi' }, fallbackRate: 0, errorRate: 0, sourceProblems: [], budgets });
  return { name: 'prod', state: h.state, checks: h.checks };
}

const MIN = 60_000;

describe('BreachNotifier', () => {
  it('notifies a breach after two polls in a row, naming the budget and the measurement', () => {
    const n = new BreachNotifier();
    assert.equal(n.observe('a', status(80), 0), undefined, 'one slow poll is not enough');
    assert.equal(n.observe('a', status(10), 1000), undefined);
    assert.equal(n.observe('a', status(80), 2000), undefined);
    const notice = n.observe('a', status(80), 3000);
    assert.deepEqual(notice?.budgets, ['latency_p95_ms']);
    assert.equal(notice?.message, 'prod breaches its p95 latency budget: p95 80.0 ms > 50.0 ms budget');
    assert.equal(n.observe('a', status(80), 4000), undefined, 'once per breach');
    assert.equal(n.observe('b', status(80), 4000), undefined);
    assert.ok(n.observe('b', status(80), 5000), 'per deployment');
  });

  it('does not notify a budget again within the cool-down after it recovered, and again after it', () => {
    const n = new BreachNotifier({ cooldownMs: 10 * MIN });
    n.observe('a', status(80), 0);
    assert.ok(n.observe('a', status(80), 1000));
    n.observe('a', status(10), 2 * MIN);
    n.observe('a', status(80), 3 * MIN);
    assert.equal(n.observe('a', status(80), 4 * MIN), undefined, 'flapping within the cool-down');
    n.observe('a', status(10), 5 * MIN);
    n.observe('a', status(80), 16 * MIN);
    assert.ok(n.observe('a', status(80), 17 * MIN), 'ten minutes after it recovered');
  });

  it('notifies a second budget breached while the first still is, once the deployment\'s cool-down has passed', () => {
    const n = new BreachNotifier({ cooldownMs: 10 * MIN });
    n.observe('a', status(80), 0);
    assert.deepEqual(n.observe('a', status(80), 1000)?.budgets, ['latency_p95_ms']);
    n.observe('a', status(80, 0.4), 2 * MIN);
    assert.equal(n.observe('a', status(80, 0.4), 3 * MIN), undefined, 'at most one notification per deployment in the cool-down');
    const later = n.observe('a', status(80, 0.4), 12 * MIN);
    assert.deepEqual(later?.budgets, ['drift_psi']);
    assert.equal(later?.message, 'prod breaches its drift (PSI) budget: drift (psi) of income 0.400 > 0.200 budget');
    const both = new BreachNotifier();
    both.observe('c', status(80, 0.4), 0);
    assert.equal(both.observe('c', status(80, 0.4), 1000)?.message, 'prod breaches its p95 latency and drift (PSI) budgets: p95 80.0 ms > 50.0 ms budget; drift (psi) of income 0.400 > 0.200 budget');
  });

  it('says nothing while muted, and an unreachable poll neither continues nor ends a breach', () => {
    const n = new BreachNotifier();
    n.observe('a', status(80), 0, true);
    assert.equal(n.observe('a', status(80), 1000, true), undefined);
    const m = new BreachNotifier();
    m.observe('a', status(80), 0);
    assert.equal(m.observe('a', status(80, 0.05, false), 1000), undefined);
    assert.ok(m.observe('a', status(80), 2000), 'the unreachable poll did not reset the streak');
    m.forget('a');
    assert.equal(m.observe('a', status(80), 3000), undefined, 'forgotten: starts over');
  });
});
