/** Strategies, priorities and dependencies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../../../server/engine/alloc';
import { Gi, job, node, placements, task } from './fixtures';

describe('strategies', () => {
  const nodes = [node('n1', 4, 8 * Gi, 8 * Gi), node('n2', 4, 8 * Gi, 8 * Gi), node('n3', 2, 4 * Gi, 4 * Gi)];

  it('binpack: best fit, then as few nodes as the tasks fit on', () => {
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 1, Gi, Gi, { instances: 3 })])] });
    // Best fit alone fills n3 (left fullest: 1 of 2 cpus, then 0) and puts the third on n1 (a tie
    // with n2, by name): two nodes. Consolidation then empties the less loaded node onto one
    // already in use, so all three share n1, one node in all.
    assert.deepEqual(placements(plan), { 'j/a-0': 'n1', 'j/a-1': 'n1', 'j/a-2': 'n1' });
  });

  it('binpack: best fit on the dominant dimension when consolidation cannot empty a node', () => {
    // a (3 cpus) leaves no room for b beside it on n1 or n2; b (2 cpus) fits exactly on n3, the
    // node left fullest, rather than on the empty n2 (left with 2 of 4).
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 3, Gi, Gi), task('j', 'b', 2, Gi, Gi)])] });
    assert.deepEqual(placements(plan), { 'j/a': 'n1', 'j/b': 'n3' });
  });

  it('binpack prefers a node already in use over an empty one that would be left fuller', () => {
    const plan = allocate({ nodes: [node('big', 8, 8 * Gi, 8 * Gi), node('small', 1, Gi, Gi)], jobs: [job('j', [task('j', 'a', 4, Gi, Gi), task('j', 'b', 1, 512, 512)])] });
    assert.deepEqual(placements(plan), { 'j/a': 'big', 'j/b': 'big' });
  });

  it('spread: the least allocated node (lowest largest share after placement)', () => {
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 1, Gi, Gi, { instances: 4 })], { strategy: 'spread' })] });
    // 1/4 on n1 or n2 (n1 by name), then n2; then 2/4 on n1 or n2 against 1/2 on n3: a tie, n1 by
    // name; then n2 (2/4) and n3 (1/2) tie against n1 (3/4): n2.
    assert.deepEqual(placements(plan), { 'j/a-0': 'n1', 'j/a-1': 'n2', 'j/a-2': 'n1', 'j/a-3': 'n2' });
  });

  it('is per job', () => {
    const plan = allocate({
      nodes,
      jobs: [job('packed', [task('packed', 'a', 1, Gi, Gi, { instances: 2 })]), job('spread', [task('spread', 'b', 0.5, Gi, Gi, { instances: 2 })], { strategy: 'spread' })],
    });
    const p = placements(plan);
    assert.equal(p['packed/a-0'], p['packed/a-1']);
    assert.notEqual(p['spread/b-0'], p['spread/b-1']);
  });
});

describe('priorities', () => {
  it('places higher priority first, across jobs', () => {
    const plan = allocate({
      nodes: [node('n1', 2, 2 * Gi, 2 * Gi)],
      jobs: [job('low', [task('low', 'big', 2, Gi, Gi, { priority: 10 })]), job('high', [task('high', 'small', 1, Gi, Gi, { priority: 500 })])],
    });
    assert.deepEqual(placements(plan), { 'high/small': 'n1' });
    assert.equal(plan.tasks.get('low/big')?.kind, 'unplaced');
  });

  it('places larger dominant share first within a priority', () => {
    const plan = allocate({ nodes: [node('n1', 2, 2 * Gi, 2 * Gi)], jobs: [job('j', [task('j', 'a', 1, Gi, Gi), task('j', 'b', 2, Gi, Gi)])] });
    // b (2 cpus, the whole cluster) first; a does not fit after it.
    assert.deepEqual(placements(plan), { 'j/b': 'n1' });
  });
});

describe('dependencies', () => {
  it('places a dependency before its dependents, even when it is smaller', () => {
    const plan = allocate({
      nodes: [node('n1', 2, 2 * Gi, 2 * Gi)],
      jobs: [job('j', [task('j', 'api', 2, Gi, Gi, { dependsOn: ['db'] }), task('j', 'db', 1, Gi, Gi)])],
    });
    // By size alone api would go first and db would not fit; db goes first, api no longer fits.
    assert.deepEqual(placements(plan), { 'j/db': 'n1' });
    assert.deepEqual(plan.tasks.get('j/api'), { kind: 'unplaced' });
  });

  it('a dependency inherits its dependents\' priority, so it is not starved by other work', () => {
    const plan = allocate({
      nodes: [node('n1', 2, 2 * Gi, 2 * Gi)],
      jobs: [
        job('j', [task('j', 'api', 1, Gi, Gi, { priority: 500, dependsOn: ['db'] }), task('j', 'db', 1, Gi, Gi, { priority: 1 })]),
        job('other', [task('other', 'batch', 1, Gi, Gi, { priority: 200 })]),
      ],
    });
    assert.deepEqual(placements(plan), { 'j/api': 'n1', 'j/db': 'n1' });
  });

  it('blocks a task until every instance of its dependency is placed, naming it', () => {
    const plan = allocate({
      nodes: [node('n1', 2.5, 4 * Gi, 4 * Gi)],
      jobs: [job('j', [task('j', 'db', 1, Gi, Gi, { instances: 3 }), task('j', 'api', 0.5, 512, 512, { dependsOn: ['db', 'cache'] }), task('j', 'cache', 0.1, 1, 1)])],
    });
    assert.deepEqual(plan.tasks.get('j/api'), { kind: 'blocked', blockedBy: ['db'] });
  });

  it('blocks the tasks of a cycle, naming the cycle, and their dependents; never loops', () => {
    const plan = allocate({
      nodes: [node('n1', 8, 8 * Gi, 8 * Gi)],
      jobs: [
        job('j', [
          task('j', 'a', 1, 1, 1, { dependsOn: ['b'] }),
          task('j', 'b', 1, 1, 1, { dependsOn: ['c'] }),
          task('j', 'c', 1, 1, 1, { dependsOn: ['a'] }),
          task('j', 'd', 1, 1, 1, { dependsOn: ['a'] }),
          task('j', 'self', 1, 1, 1, { dependsOn: ['self'] }),
          task('j', 'free', 1, 1, 1),
        ]),
      ],
    });
    for (const t of ['a', 'b', 'c']) assert.deepEqual(plan.tasks.get(`j/${t}`), { kind: 'blocked', blockedBy: ['a', 'b', 'c'] });
    assert.deepEqual(plan.tasks.get('j/d'), { kind: 'blocked', blockedBy: ['a'] });
    assert.deepEqual(plan.tasks.get('j/self'), { kind: 'blocked', blockedBy: ['self'] });
    assert.equal(plan.tasks.get('j/free')?.kind, 'placed');
  });

  it('a cycle through 10,000 tasks: blocked, naming the cycle once (one list shared by its tasks, not 10,000 copies)', () => {
    const n = 10_000;
    const tasks = Array.from({ length: n }, (_, i) => task('j', `t${i}`, 0.01, 1, 1, { dependsOn: [`t${(i + 1) % n}`] }));
    const plan = allocate({ nodes: [node('n1', 8, 8 * Gi, 8 * Gi)], jobs: [job('j', tasks)] });
    const first = plan.tasks.get('j/t0');
    assert.ok(first?.kind === 'blocked');
    assert.equal(first.blockedBy.length, n);
    for (let i = 1; i < n; i++) {
      const r = plan.tasks.get(`j/t${i}`);
      assert.ok(r?.kind === 'blocked' && r.blockedBy === first.blockedBy, `t${i}`);
    }
  });

  it('ignores unknown dependency names and names of other jobs\' tasks', () => {
    const plan = allocate({
      nodes: [node('n1', 8, 8 * Gi, 8 * Gi)],
      jobs: [job('j', [task('j', 'a', 1, 1, 1, { dependsOn: ['nope', 'x'] })]), job('k', [task('k', 'x', 100, 1, 1)])],
    });
    assert.equal(plan.tasks.get('j/a')?.kind, 'placed');
  });
});
