/**
 * A failover scan stops when its caller says so (FailoverOptions.interrupted): asked before each
 * scenario and each round of a capacity suggestion, it throws Interrupted; never asked to stop, it
 * gives the same report as a scan without the question.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, Interrupted, simulateFailover, type FailoverOptions } from '../../../server/engine/alloc';
import { seedInput } from './fixtures';

/** An `interrupted` that says "stop" on its `n`th question, and counts the questions. */
function stopAt(n: number): { interrupted: () => boolean; asked: () => number } {
  let asked = 0;
  return { interrupted: () => ++asked >= n, asked: () => asked };
}

describe('interrupting a failover scan', () => {
  // The seed without preemption is not safe: the scan also computes a capacity suggestion.
  const input = seedInput(false);
  const plan = allocate(input);
  const options: FailoverOptions = { job: 'seed', tolerate: 1, domains: [] };
  const whole = simulateFailover(input, plan, options);

  it('a scan never told to stop reports what a scan without the question does, asking before every scenario and round', () => {
    const never = stopAt(Infinity);
    assert.deepEqual(simulateFailover(input, plan, { ...options, interrupted: never.interrupted }), whole);
    assert.ok(whole.suggestion, 'the seed job needs a suggestion');
    assert.ok(never.asked() > whole.scenarios.length, `asked ${never.asked()} times for ${whole.scenarios.length} scenarios and the suggestion's rounds`);
  });

  it('told to stop before any scenario, between two, or during the suggestion, it throws Interrupted', () => {
    const total = stopAt(Infinity);
    simulateFailover(input, plan, { ...options, interrupted: total.interrupted });
    for (const n of [1, 2, whole.scenarios.length + 1, total.asked()]) {
      const stop = stopAt(n);
      assert.throws(() => simulateFailover(input, plan, { ...options, interrupted: stop.interrupted }), Interrupted, `stopped at question ${n}`);
      assert.equal(stop.asked(), n, 'no question after the stop');
    }
  });
});
