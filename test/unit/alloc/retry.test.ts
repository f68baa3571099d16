/**
 * No task ends without a node while a node has room for it. The improvement phase may trade one
 * task for another (first fit places as many on fewer nodes), and the node swap and consolidation
 * then move tasks off nodes: room can open for a task after it failed. Found by the failover
 * property test (fast-check seed -2115010781), shrunk by hand to this instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, simulateFailover } from '../../../server/engine/alloc';
import { job, node, placements, task } from './fixtures';

const ranges = [{ from: 8000, to: 8003 }];
const input = {
  nodes: [
    node('n0', 3, 1024, 1024, { attributes: { rack: 'r1' } }),
    node('n1', 1, 1024, 1024, { ports: ranges }),
    node('n2', 4, 4096, 2048, { ports: ranges }),
    node('n3', 7, 1024, 2048, { ports: ranges, attributes: { zone: 'b' } }),
    node('n4', 6, 1024, 2048, { ports: ranges }),
    node('n5', 5, 3072, 1024, { ports: ranges, attributes: { zone: 'b' } }),
  ],
  jobs: [
    job('j0', [task('j0', 't1', 3, 512, 1024, { instances: 3 }), task('j0', 't3', 2, 256, 256, { instances: 2, dynamicPorts: 1 })]),
    job('j1', [task('j1', 't0', 1, 1024, 256, { instances: 2, priority: 200, dynamicPorts: 1, fixedPorts: [8001] })]),
  ],
};

test('when n1 and n3 fail, every lost task finds a node: t1-2 takes the room the later steps left on n4', () => {
  const plan = allocate(input);
  const report = simulateFailover(input, plan, { tolerate: 2, domains: [], suggest: false });
  const scenario = report.scenarios.find((s) => s.lost.join('+') === 'n1+n3');
  assert.ok(scenario, 'no n1+n3 scenario');
  assert.deepEqual(scenario.unplaced, []);
  assert.deepEqual(
    scenario.moves.find((m) => m.task === 'j0/t1-2'),
    { task: 'j0/t1-2', from: 'n3', to: 'n4' },
  );
  // The same from scratch: the survivors kept, the lost nodes down.
  const survivors = new Map(Object.entries(placements(plan)).filter(([, n]) => n !== 'n1' && n !== 'n3'));
  const again = allocate({ ...input, current: survivors, down: new Set(['n1', 'n3']) });
  assert.equal(placements(again)['j0/t1-2'], 'n4');
});
