// A multi-step input's state: Back keeps every answer, the counter follows the steps that apply, and an answer given
// against an earlier one is dropped when that changes and it no longer fits, kept when it still does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlowState, type AnswerRules, type FlowStep } from '../../../src/core/scaffold/flowState';

interface Answers {
  kind: 'small' | 'large';
  size: number;
  extra: string;
  label: string;
  note: string;
}

const steps: FlowStep<Answers>[] = [{ id: 'kind' }, { id: 'size' }, { id: 'extra', when: (get) => get('kind') === 'large' }, { id: 'label' }, { id: 'note' }];
const rules: AnswerRules<Answers> = {
  kind: { default: () => 'small' },
  // A size fits its kind; the default follows it.
  size: { dependsOn: ['kind'], default: (get) => (get('kind') === 'large' ? 100 : 1), fits: (size, get) => (get('kind') === 'large' ? size >= 10 : size < 10) },
  // A label names the size; it depends on the size only, and through it on the kind.
  label: { dependsOn: ['size'], default: (get) => `size ${get('size')}`, fits: (label, get) => label.includes(String(get('size'))) },
};

/** Answers the current step and moves on. */
function answer<K extends keyof Answers>(flow: FlowState<Answers>, key: K, value: Answers[K]): void {
  assert.equal(flow.current?.id, key);
  flow.set(key, value);
  flow.next();
}

describe('FlowState', () => {
  test('Back shows each step with its answer, and forward again keeps every later answer', () => {
    const flow = new FlowState(steps, rules);
    answer(flow, 'kind', 'small');
    answer(flow, 'size', 3);
    answer(flow, 'label', 'three (3)');
    assert.equal(flow.current?.id, 'note');
    assert.ok(flow.back());
    assert.equal(flow.current?.id, 'label');
    assert.equal(flow.get('label'), 'three (3)');
    assert.ok(flow.back());
    assert.equal(flow.get('size'), 3);
    assert.ok(flow.back());
    assert.equal(flow.current?.id, 'kind');
    assert.equal(flow.back(), false, 'nothing before the first step');
    // Forward again, answering nothing anew: every answer is where it was.
    flow.next();
    flow.next();
    assert.equal(flow.current?.id, 'label');
    assert.deepEqual([flow.get('kind'), flow.get('size'), flow.get('label')], ['small', 3, 'three (3)']);
  });

  test('the counter counts the steps that apply with the answers so far', () => {
    const flow = new FlowState(steps, rules);
    assert.deepEqual(flow.position(), { step: 1, total: 4 });
    flow.set('kind', 'large');
    assert.deepEqual(flow.position(), { step: 1, total: 5 }, 'a large kind has the extra step');
    flow.next();
    flow.next();
    assert.equal(flow.current?.id, 'extra');
    assert.deepEqual(flow.position(), { step: 3, total: 5 });
    flow.back();
    flow.back();
    flow.set('kind', 'small');
    flow.next();
    flow.next();
    assert.equal(flow.current?.id, 'label', 'the extra step is skipped');
    assert.deepEqual(flow.position(), { step: 3, total: 4 });
    flow.back();
    assert.equal(flow.current?.id, 'size', 'Back skips it too');
  });

  test('changing an answer drops the later answers that no longer fit, and keeps those that do', () => {
    const flow = new FlowState(steps, rules);
    flow.set('kind', 'large');
    flow.set('size', 50);
    flow.set('label', 'fifty (50)');
    flow.set('note', 'kept whatever happens');
    // Still large: nothing changes.
    assert.deepEqual(flow.set('kind', 'large'), []);
    assert.equal(flow.get('size'), 50);
    // Small: 50 does not fit, the default does; the label named the size that went, and goes too.
    assert.deepEqual(flow.set('kind', 'small'), ['size', 'label']);
    assert.equal(flow.answered('size'), false);
    assert.equal(flow.get('size'), 1);
    assert.equal(flow.get('label'), 'size 1');
    assert.equal(flow.get('note'), 'kept whatever happens', 'an answer that depends on nothing stays');
    // A label that still names the new size is kept; one that does not goes.
    flow.set('kind', 'large');
    flow.set('size', 20);
    flow.set('label', '20 or 30');
    assert.deepEqual(flow.set('size', 30), []);
    assert.equal(flow.get('label'), '20 or 30');
    assert.deepEqual(flow.set('size', 40), ['label']);
    assert.equal(flow.get('label'), 'size 40');
  });

  test('an answer that was the default offered follows the default when that moves', () => {
    const flow = new FlowState(steps, rules);
    flow.set('size', 1);
    assert.equal(flow.answered('size'), false, 'the default is not an answer of its own');
    flow.set('kind', 'large');
    assert.equal(flow.get('size'), 100);
    // A value that fits and was chosen stays.
    flow.set('size', 40);
    flow.set('kind', 'large');
    assert.equal(flow.get('size'), 40);
  });

  test('an answer given at the start counts as answered, and drop forgets one with what depends on it', () => {
    const flow = new FlowState(steps, rules, { kind: 'large', size: 12 });
    assert.equal(flow.get('size'), 12);
    flow.set('label', 'twelve (12)');
    assert.deepEqual(flow.drop('size'), ['size', 'label']);
    assert.equal(flow.get('size'), 100);
    assert.deepEqual(flow.drop('size'), [], 'nothing left to drop');
  });

  test('the flow ends after the last step that applies', () => {
    const flow = new FlowState(steps, rules);
    for (let i = 0; i < 4; i++) flow.next();
    const done = flow.current;
    assert.equal(done, undefined);
    assert.ok(flow.back());
    assert.equal(flow.current?.id, 'note');
  });
});
