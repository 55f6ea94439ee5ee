// The state of a multi-step input (the quick picks and input boxes of Scaffold ML Feature): the answers given so far,
// and the way taken through the steps, for Back and for the "(3/9)" counter. Going Back and forward again shows every
// step with its answer. An answer given against earlier ones (a target folder named after the feature, a task that
// suits the model) is looked at again when one of those changes: one that no longer fits is dropped, and the step
// offers its default again; one that still fits is kept. An answer that was the default offered is not kept at all:
// it follows the default when that moves. Pure: the editor shows the steps (src/extension/scaffold/steps.ts).

/** Reads an answer, or the default offered when there is none. */
export type AnswerOf<A> = <K extends keyof A>(key: K) => A[K] | undefined;

/** What a flow knows about one answer. Every function may read other answers through `get`. */
export interface AnswerRule<A, K extends keyof A> {
  /** What the step offers when it has no answer (and what it shows first). */
  default?: (get: AnswerOf<A>) => A[K] | undefined;
  /** The answers this one (its default, whether it fits) depends on: when one of them changes, it is looked at again. */
  dependsOn?: readonly (keyof A)[];
  /** Whether a kept answer still fits the answers it depends on (default: it does). */
  fits?: (value: A[K], get: AnswerOf<A>) => boolean;
  /** Whether two answers are the same (default: ===). Giving the same answer again changes nothing. */
  same?: (a: A[K], b: A[K]) => boolean;
}

export type AnswerRules<A> = { [K in keyof A]?: AnswerRule<A, K> };

export interface FlowStep<A> {
  id: string;
  /** Whether the step applies to the answers so far (default: always). Steps that do not are skipped both ways. */
  when?: (get: AnswerOf<A>) => boolean;
}

export class FlowState<A extends object> {
  private readonly answers = new Map<keyof A, unknown>();
  /** The index of the step shown now; steps.length once the flow is complete. */
  private index: number;
  /** The steps answered on the way to this one, in order (Back returns to the last). */
  private readonly path: number[] = [];

  constructor(
    readonly steps: readonly FlowStep<A>[],
    private readonly rules: AnswerRules<A> = {},
    given: Partial<A> = {},
  ) {
    for (const key of Object.keys(given) as (keyof A)[]) if (given[key] !== undefined) this.answers.set(key, given[key]);
    this.index = this.applicableFrom(0);
  }

  /** The answer to `key`, or its default. */
  readonly get: AnswerOf<A> = (key) => (this.answers.has(key) ? (this.answers.get(key) as A[typeof key]) : this.rules[key]?.default?.(this.get));

  /** Whether `key` has an answer of its own (not its default). */
  answered(key: keyof A): boolean {
    return this.answers.has(key);
  }

  /**
   * Answers `key`. When that changes it, the answers depending on it are looked at again: those that no longer fit
   * are dropped, and so on down. Returns the keys dropped.
   */
  set<K extends keyof A>(key: K, value: A[K]): (keyof A)[] {
    const before = this.get(key);
    const fallback = this.rules[key]?.default?.(this.get);
    // The default offered is not an answer of its own: it moves with what it depends on.
    if (fallback !== undefined && this.same(key, value, fallback)) this.answers.delete(key);
    else this.answers.set(key, value);
    return before !== undefined && this.same(key, before, value) ? [] : this.settle(key);
  }

  /** Forgets the answer to `key` (the step offers its default again), and what depended on it. */
  drop(key: keyof A): (keyof A)[] {
    if (!this.answers.delete(key)) return [];
    return [key, ...this.settle(key)];
  }

  private same<K extends keyof A>(key: K, a: A[K], b: A[K]): boolean {
    const same = this.rules[key]?.same;
    return same ? same(a, b) : a === b;
  }

  /** Looks again at the answers that depend on `changed`, and at theirs in turn (every value they read may have moved). */
  private settle(changed: keyof A): (keyof A)[] {
    const dropped: (keyof A)[] = [];
    const queue: (keyof A)[] = [changed];
    const seen = new Set<keyof A>(queue);
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      for (const dependent of Object.keys(this.rules) as (keyof A)[]) {
        const rule = this.rules[dependent];
        if (!rule?.dependsOn?.includes(key)) continue;
        if (this.answers.has(dependent)) {
          const value = this.answers.get(dependent) as A[typeof dependent];
          const fallback = rule.default?.(this.get);
          // One that no longer fits goes; one that the new default equals is that default from now on.
          if ((rule.fits && !rule.fits(value, this.get)) || (fallback !== undefined && this.same(dependent, value, fallback))) {
            this.answers.delete(dependent);
            if (!(fallback !== undefined && this.same(dependent, value, fallback))) dropped.push(dependent);
          }
        }
        if (!seen.has(dependent)) {
          seen.add(dependent);
          queue.push(dependent);
        }
      }
    }
    return dropped;
  }

  // -------------------------------------------------------------------------------------------------------------------
  // the way through the steps

  /** The step to show, or undefined once every step that applies has been answered. */
  get current(): FlowStep<A> | undefined {
    return this.steps[this.index];
  }

  /** After the current step was answered: on to the next one that applies. */
  next(): void {
    if (this.index >= this.steps.length) return;
    this.path.push(this.index);
    this.index = this.applicableFrom(this.index + 1);
  }

  /** Back to the step answered before this one (its answer kept); false when this is the first. */
  back(): boolean {
    for (let i = this.path.pop(); i !== undefined; i = this.path.pop()) {
      if (this.applies(i)) {
        this.index = i;
        return true;
      }
    }
    return false;
  }

  /** Where the current step is: its number, and how many steps the flow has with the answers so far. */
  position(): { step: number; total: number } {
    let after = 0;
    for (let i = this.index + 1; i < this.steps.length; i++) if (this.applies(i)) after++;
    return { step: this.path.length + 1, total: this.path.length + 1 + after };
  }

  private applies(i: number): boolean {
    const step = this.steps[i];
    return step !== undefined && (!step.when || step.when(this.get));
  }

  private applicableFrom(start: number): number {
    let i = start;
    while (i < this.steps.length && !this.applies(i)) i++;
    return i;
  }
}
