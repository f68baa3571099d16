/** The seed's worked example (SPEC.md §3), both variants: the first golden test. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, simulateFailover } from '../../../server/engine/alloc';
import { placements, seedInput } from './fixtures';

describe('seed golden', () => {
  it('places task1→node1, task2→node2, task3→node3', () => {
    for (const preemption of [false, true]) {
      const plan = allocate(seedInput(preemption));
      assert.deepEqual(placements(plan), { 'seed/task1': 'node1', 'seed/task2': 'node2', 'seed/task3': 'node3' });
      assert.deepEqual(plan.evicted, []);
    }
  });

  it('tolerate 0 simulates no node loss: no scenarios, and the job is safe', () => {
    const input = seedInput(false);
    const report = simulateFailover(input, allocate(input), { job: 'seed', tolerate: 0, domains: [] });
    assert.deepEqual(report.scenarios, []);
    assert.equal(report.safe, true);
  });

  it('without preemption, losing node2 leaves task2 without a node (cpus), and the job is not safe', () => {
    const input = seedInput(false);
    const plan = allocate(input);
    const report = simulateFailover(input, plan, { job: 'seed', tolerate: 1, domains: [] });
    assert.equal(report.safe, false);
    assert.equal(report.truncated, false);
    const lose2 = report.scenarios.find((s) => s.kind === 'node' && s.lost.join() === 'node2');
    assert.ok(lose2);
    assert.deepEqual(lose2.moves, []);
    assert.deepEqual(lose2.evicted, []);
    assert.equal(lose2.unplaced.length, 1);
    assert.equal(lose2.unplaced[0].task, 'seed/task2');
    assert.equal(lose2.unplaced[0].from, 'node2');
    assert.match(lose2.unplaced[0].reason, /cpus exhausted on 2 nodes \(needs 2, most free 1 on node1\)/);
  });

  it('with preemption and task2 above task3, losing node2 moves task2 to node3, evicting task3, which has no node', () => {
    const input = seedInput(true);
    const plan = allocate(input);
    const report = simulateFailover(input, plan, { job: 'seed', tolerate: 1, domains: [] });
    const lose2 = report.scenarios.find((s) => s.kind === 'node' && s.lost.join() === 'node2');
    assert.ok(lose2);
    assert.deepEqual(lose2.moves, [{ task: 'seed/task2', from: 'node2', to: 'node3' }]);
    assert.deepEqual(lose2.evicted, [{ task: 'seed/task3', from: 'node3', by: 'seed/task2' }]);
    assert.equal(lose2.unplaced.length, 1);
    assert.equal(lose2.unplaced[0].task, 'seed/task3');
    assert.equal(lose2.unplaced[0].from, 'node3');
    assert.match(lose2.unplaced[0].reason, /^evicted by seed\/task2; cpus exhausted/);
    assert.equal(report.safe, false);
  });

  it('suggests capacity that is verified to make every scenario safe', () => {
    const input = seedInput(false);
    const report = simulateFailover(input, allocate(input), { job: 'seed', tolerate: 1, domains: [] });
    assert.ok(report.suggestion);
    // Apply the suggestion, plan afresh, and check again: safe.
    const added = new Map(report.suggestion.perNode.map((p) => [p.node, p.add]));
    const enlarged = {
      ...input,
      nodes: input.nodes.map((n) => {
        const a = added.get(n.name);
        if (a === undefined) return n;
        const r = n.resources;
        return { ...n, resources: { cpus: r.cpus + a.cpus, mem: r.mem + a.mem, disk: r.disk + a.disk, gpus: r.gpus + a.gpus } };
      }),
    };
    const again = simulateFailover(enlarged, allocate(enlarged), { job: 'seed', tolerate: 1, domains: [] });
    assert.equal(again.safe, true, report.suggestion.summary);
    assert.match(report.suggestion.summary, /^add .* to node/);
  });
});
