// When to tell people that a deployment breaches a budget, and what to say. A budget counts as breached once it has
// been over its limit for `polls` polls in a row (one slow scrape or one noisy drift window does not count). The
// first poll where some budget of a deployment reaches that is notified, naming the budgets newly breached; a budget
// already notified is not notified again until it has been back within its limit for the cool-down, and one
// deployment raises at most one notification per cool-down. Muted (Don't Show Again), nothing is notified.
import type { BudgetName, DeploymentStatus } from '../../shared/deployments';

export interface BreachNotice {
  /** The budgets newly breached, in the order of the status's checks. */
  budgets: BudgetName[];
  message: string;
}

export const BUDGET_LABEL: Record<BudgetName, string> = {
  latency_p95_ms: 'p95 latency',
  drift_psi: 'drift (PSI)',
  fallback_rate: 'fallback rate',
};

interface Track {
  /** Polls in a row each budget has been over its limit. */
  streak: Map<BudgetName, number>;
  /** When each budget was last notified, and whether it is still in that breach. */
  notified: Map<BudgetName, { at: number; ongoing: boolean }>;
  /** When this deployment last raised a notification. */
  lastAt?: number;
}

export class BreachNotifier {
  private readonly tracks = new Map<string, Track>();
  private readonly polls: number;
  private readonly cooldownMs: number;

  constructor(options: { polls?: number; cooldownMs?: number } = {}) {
    this.polls = options.polls ?? 2;
    this.cooldownMs = options.cooldownMs ?? 10 * 60_000;
  }

  /** Records one poll of deployment `id`; the notification to show now, if any. */
  observe(id: string, status: Pick<DeploymentStatus, 'name' | 'state' | 'checks'>, now: number, muted = false): BreachNotice | undefined {
    let t = this.tracks.get(id);
    if (!t) this.tracks.set(id, (t = { streak: new Map(), notified: new Map() }));
    // An unreachable deployment measured nothing this poll: its breaches neither continue nor end.
    if (status.state === 'unreachable' || status.state === 'unknown') return undefined;
    const over = new Set(status.checks.filter((c) => c.status === 'breach').map((c) => c.budget));
    const fresh: BudgetName[] = [];
    for (const c of status.checks) {
      const budget = c.budget;
      const n = over.has(budget) ? (t.streak.get(budget) ?? 0) + 1 : 0;
      t.streak.set(budget, n);
      const last = t.notified.get(budget);
      if (n === 0) {
        // Back within the budget: the cool-down starts now.
        if (last?.ongoing) t.notified.set(budget, { at: now, ongoing: false });
        continue;
      }
      if (n < this.polls || last?.ongoing) continue;
      if (last && now - last.at < this.cooldownMs) continue;
      fresh.push(budget);
    }
    if (fresh.length === 0 || muted) return undefined;
    if (t.lastAt !== undefined && now - t.lastAt < this.cooldownMs) return undefined;
    t.lastAt = now;
    for (const b of fresh) t.notified.set(b, { at: now, ongoing: true });
    const lines = status.checks.filter((c) => fresh.includes(c.budget)).map((c) => c.message);
    const what = fresh.map((b) => BUDGET_LABEL[b]).join(' and ');
    return { budgets: fresh, message: `${status.name} breaches its ${what} budget${fresh.length > 1 ? 's' : ''}: ${lines.join('; ')}` };
  }

  /** Forgets a deployment that is no longer watched. */
  forget(id: string): void {
    this.tracks.delete(id);
  }
}
