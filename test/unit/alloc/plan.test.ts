/**
 * toPlan builds a plan's tasks and nodes when they are first read: they must still be those of the
 * state the plan was made from, whatever happens to that state after (the failover scenarios run
 * on it), and `placedAll` must say what the tasks say.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateState } from '../../../server/engine/alloc/allocate';
import { createContext } from '../../../server/engine/alloc/compiledInput';
import { Gi, job, node, placements, seedInput, task } from './fixtures';

test('a plan read after its state changed is the plan of the state it was made from', () => {
  const input = {
    nodes: [node('n1', 2, 4 * Gi, 4 * Gi, { ports: [{ from: 8000, to: 8009 }] }), node('n2', 2, 4 * Gi, 4 * Gi, { ports: [{ from: 8000, to: 8009 }] })],
    jobs: [job('j', [task('j', 'web', 1, Gi, Gi, { instances: 3, dynamicPorts: 1, fixedPorts: [8000] }), task('j', 'db', 1, Gi, Gi)])],
  };
  const ctx = createContext(input);
  const { plan, st } = allocateState(input, ctx);
  const fresh = allocateState(input, createContext(input)).plan;
  const expected = { placements: placements(fresh), tasks: [...fresh.tasks], nodes: fresh.nodes };
  // Empty every node of the state the plan came from, before the plan is read.
  for (let k = 0; k < ctx.tasks.length; k++) st.remove(k);
  assert.deepEqual(placements(plan), expected.placements);
  assert.deepEqual([...plan.tasks], expected.tasks);
  assert.deepEqual(plan.nodes, expected.nodes);
  assert.ok(plan.nodes.some((n) => n.allocated.cpus > 0 && n.portsUsed.includes(8000)), 'the nodes hold what the plan placed, fixed port included');
  assert.equal(plan.placedAll, false, 'one of the three web instances has no node (port 8000 on two nodes)');
  assert.equal([...plan.tasks.values()].filter((r) => r.kind !== 'placed').length, 1);
});

test('placedAll is true exactly when every task has a node', () => {
  for (const preemption of [false, true]) {
    const plan = allocateState(seedInput(preemption), createContext(seedInput(preemption))).plan;
    assert.equal(plan.placedAll, [...plan.tasks.values()].every((r) => r.kind === 'placed'), `preemption ${preemption}`);
  }
  const full = { nodes: [node('n1', 1, Gi, Gi)], jobs: [job('j', [task('j', 'a', 2, Gi, Gi), task('j', 'b', 1, Gi, Gi, { dependsOn: ['a'] })])] };
  const plan = allocateState(full, createContext(full)).plan;
  assert.equal(plan.placedAll, false);
  assert.deepEqual(plan.tasks.get('j/b'), { kind: 'blocked', blockedBy: ['a'] }, 'b waits for a, which has no node');
});
