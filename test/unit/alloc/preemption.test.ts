/** Preemption of strictly lower priorities, and `current` placements. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../../../server/engine/alloc';
import { Gi, job, node, placements, statusOf, task } from './fixtures';

describe('current placements', () => {
  it('keeps them where they are when the node is up and they fit, before anything new', () => {
    const nodes = [node('n1', 4, 4 * Gi, 4 * Gi), node('n2', 4, 4 * Gi, 4 * Gi)];
    const jobs = [job('j', [task('j', 'a', 1, Gi, Gi), task('j', 'b', 3, Gi, Gi)])];
    const plan = allocate({ nodes, jobs, current: new Map([['j/a', 'n2']]) });
    assert.deepEqual(placements(plan), { 'j/a': 'n2', 'j/b': 'n2' });
  });

  it('moves them when their node is down, unknown, or they no longer fit', () => {
    const nodes = [node('n1', 4, 4 * Gi, 4 * Gi), node('n2', 1, 4 * Gi, 4 * Gi)];
    const jobs = [job('j', [task('j', 'a', 2, Gi, Gi), task('j', 'b', 1, Gi, Gi), task('j', 'c', 1, Gi, Gi)])];
    const current = new Map([
      ['j/a', 'n2'],
      ['j/b', 'gone'],
      ['j/c', 'n1'],
      ['j/nope', 'n1'],
    ]);
    const plan = allocate({ nodes, jobs, current, down: new Set(['n1']) });
    assert.deepEqual(placements(plan), { 'j/b': 'n2' });
    assert.equal(statusOf(plan, 'j/a'), 'unplaced');
    assert.equal(statusOf(plan, 'j/c'), 'unplaced');
  });

  it('keeps a running dependent when its dependency is lost (dependencies order new placements only)', () => {
    const nodes = [node('n1', 2, 2 * Gi, 2 * Gi), node('n2', 2, 2 * Gi, 2 * Gi)];
    const jobs = [job('j', [task('j', 'api', 1, Gi, Gi, { dependsOn: ['db'] }), task('j', 'db', 4, Gi, Gi)])];
    const plan = allocate({ nodes, jobs, current: new Map([['j/api', 'n1']]) });
    assert.equal(statusOf(plan, 'j/api'), 'placed');
    assert.equal(statusOf(plan, 'j/db'), 'unplaced');
  });
});

describe('preemption', () => {
  const nodes = [node('n1', 2, 2 * Gi, 2 * Gi)];

  it('evicts strictly lower priority only, and queues the evicted again', () => {
    const jobs = [job('hi', [task('hi', 'a', 2, Gi, Gi, { priority: 200 })], { preemption: true }), job('lo', [task('lo', 'b', 2, Gi, Gi, { priority: 100 })])];
    const plan = allocate({ nodes, jobs, current: new Map([['lo/b', 'n1']]) });
    assert.deepEqual(placements(plan), { 'hi/a': 'n1' });
    assert.deepEqual(plan.evicted, [{ task: 'lo/b', from: 'n1', by: 'hi/a' }]);
    assert.equal(statusOf(plan, 'lo/b'), 'unplaced');
  });

  it('never evicts equal or higher priority', () => {
    for (const p of [200, 300]) {
      const jobs = [job('hi', [task('hi', 'a', 2, Gi, Gi, { priority: 200 })], { preemption: true }), job('lo', [task('lo', 'b', 2, Gi, Gi, { priority: p })])];
      const plan = allocate({ nodes, jobs, current: new Map([['lo/b', 'n1']]) });
      assert.deepEqual(plan.evicted, []);
      assert.equal(statusOf(plan, 'hi/a'), 'unplaced');
    }
  });

  it('does nothing when the job does not allow preemption', () => {
    const jobs = [job('hi', [task('hi', 'a', 2, Gi, Gi, { priority: 200 })]), job('lo', [task('lo', 'b', 2, Gi, Gi, { priority: 100 })])];
    const plan = allocate({ nodes, jobs, current: new Map([['lo/b', 'n1']]) });
    assert.deepEqual(plan.evicted, []);
  });

  it('chooses the node with the fewest evictions, then the lowest evicted priorities, then the name', () => {
    const three = [node('n1', 2, 4 * Gi, 4 * Gi), node('n2', 2, 4 * Gi, 4 * Gi), node('n3', 2, 4 * Gi, 4 * Gi)];
    const jobs = [
      job('hi', [task('hi', 'a', 2, Gi, Gi, { priority: 500 })], { preemption: true }),
      job('lo', [task('lo', 'small', 1, Gi, Gi, { priority: 10, instances: 2 }), task('lo', 'big', 2, Gi, Gi, { priority: 20, instances: 2 })]),
    ];
    const current = new Map([
      ['lo/small-0', 'n1'],
      ['lo/small-1', 'n1'],
      ['lo/big-0', 'n2'],
      ['lo/big-1', 'n3'],
    ]);
    const plan = allocate({ nodes: three, jobs, current });
    // n1 needs two evictions; n2 and n3 one each (priority 20): n2 by name.
    assert.deepEqual(plan.evicted, [{ task: 'lo/big-0', from: 'n2', by: 'hi/a' }]);
    assert.deepEqual(placements(plan)['hi/a'], 'n2');
  });

  it('evicted tasks may land elsewhere', () => {
    const two = [node('n1', 2, 2 * Gi, 2 * Gi), node('n2', 1, 2 * Gi, 2 * Gi)];
    const jobs = [job('hi', [task('hi', 'a', 1.5, Gi, Gi, { priority: 200 })], { preemption: true }), job('lo', [task('lo', 'b', 1, Gi, Gi, { priority: 100 })])];
    // b runs on n1, so a (1.5 cpus) fits nowhere; evicting b makes room, and b then fits on n2.
    const plan = allocate({ nodes: two, jobs, current: new Map([['lo/b', 'n1']]), down: new Set() });
    assert.deepEqual(placements(plan), { 'hi/a': 'n1', 'lo/b': 'n2' });
  });

  it('uses the effective priority: a dependency of a high-priority task is not evicted for it', () => {
    const jobs = [job('j', [task('j', 'api', 1, Gi, Gi, { priority: 500, dependsOn: ['db'] }), task('j', 'db', 2, Gi, Gi, { priority: 1 })], { preemption: true })];
    const plan = allocate({ nodes, jobs, current: new Map([['j/db', 'n1']]) });
    assert.deepEqual(plan.evicted, []);
    assert.equal(statusOf(plan, 'j/db'), 'placed');
  });
});
