/** Every dimension is a filter: cpus, mem, disk, gpus, dynamic and fixed ports; integer accounting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, explainTask } from '../../../server/engine/alloc';
import { Gi, job, node, placements, statusOf, task } from './fixtures';

describe('dimensions', () => {
  const cases: [string, Parameters<typeof task>, boolean][] = [
    ['cpus', ['j', 'a', 2.5, 1, 1], false],
    ['mem', ['j', 'a', 1, 4 * Gi + 1, 1], false],
    ['disk', ['j', 'a', 1, 1, 10 * Gi + 1], false],
    ['gpus', ['j', 'a', 1, 1, 1, { gpus: 2 }], false],
    ['everything at the limit', ['j', 'a', 2, 4 * Gi, 10 * Gi, { gpus: 1 }], true],
  ];
  for (const [name, args, fits] of cases) {
    it(`${name}: ${fits ? 'fits' : 'does not fit'} on a 2 cpu / 4Gi / 10Gi / 1 gpu node`, () => {
      const plan = allocate({ nodes: [node('n1', 2, 4 * Gi, 10 * Gi, { gpus: 1 })], jobs: [job('j', [task(...args)])] });
      assert.equal(statusOf(plan, 'j/a'), fits ? 'placed' : 'unplaced');
    });
  }

  it('an unplaced task\'s explanation gives, per dimension, the most free of the nodes that lack it', () => {
    // n3 has the disk but not the cpus: the disk report names n2, the most free of the two without it.
    const nodes = [node('n1', 1, 4 * Gi, Gi), node('n2', 1, 4 * Gi, 2 * Gi), node('n3', 1, 4 * Gi, 3 * Gi)];
    const input = { nodes, jobs: [job('j', [task('j', 'a', 2, Gi, 3 * Gi)])] };
    const disk = explainTask(input, allocate(input), 'j/a').dimensions.find((d) => d.dimension === 'disk');
    assert.deepEqual(disk && [disk.nodes, disk.needs, disk.mostFree, disk.mostFreeNode], [2, 3 * Gi, 2 * Gi, 'n2']);
  });

  it('accounts in integers: ten 0.1 cpu tasks fill a 1 cpu node exactly, the eleventh does not fit', () => {
    const plan = allocate({ nodes: [node('n1', 1, Gi, Gi)], jobs: [job('j', [task('j', 'a', 0.1, 1, 1, { instances: 11 })])] });
    const placed = [...plan.tasks.values()].filter((r) => r.kind === 'placed').length;
    assert.equal(placed, 10);
    assert.deepEqual(plan.nodes[0].allocated, { cpus: 1000, mem: 10, disk: 10, gpus: 0 });
  });

  it('fills every dimension of several nodes without overcommitting any', () => {
    const nodes = [node('n1', 2, 2 * Gi, 2 * Gi), node('n2', 2, 2 * Gi, 2 * Gi)];
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 1, Gi, Gi, { instances: 5 })])] });
    for (const n of plan.nodes) {
      assert.ok(n.allocated.cpus <= n.capacity.cpus && n.allocated.mem <= n.capacity.mem && n.allocated.disk <= n.capacity.disk);
    }
    assert.equal([...plan.tasks.values()].filter((r) => r.kind === 'placed').length, 4);
  });
});

describe('ports', () => {
  const ranged = (name: string, from: number, to: number) => node(name, 8, 8 * Gi, 8 * Gi, { ports: [{ from, to }] });

  it('assigns dynamic ports, lowest free first, in id order, across merged ranges', () => {
    const n = node('n1', 8, 8 * Gi, 8 * Gi, { ports: [{ from: 31002, to: 31003 }, { from: 31000, to: 31001 }] });
    const plan = allocate({ nodes: [n], jobs: [job('j', [task('j', 'a', 1, 1, 1, { dynamicPorts: 2 }), task('j', 'b', 1, 1, 1, { dynamicPorts: 1 })])] });
    assert.deepEqual(plan.tasks.get('j/a'), { kind: 'placed', node: 'n1', ports: [31000, 31001] });
    assert.deepEqual(plan.tasks.get('j/b'), { kind: 'placed', node: 'n1', ports: [31002] });
    assert.deepEqual(plan.nodes[0].portsUsed, [31000, 31001, 31002]);
  });

  it('counts dynamic ports as a dimension', () => {
    const plan = allocate({ nodes: [ranged('n1', 31000, 31002)], jobs: [job('j', [task('j', 'a', 0.1, 1, 1, { dynamicPorts: 2, instances: 2 })])] });
    assert.equal(statusOf(plan, 'j/a-0'), 'placed');
    assert.equal(statusOf(plan, 'j/a-1'), 'unplaced');
  });

  it('places a fixed port only inside a range and never twice on a node', () => {
    const plan = allocate({
      nodes: [ranged('n1', 8000, 8100), ranged('n2', 9000, 9100), ranged('n3', 8000, 8100)],
      jobs: [job('j', [task('j', 'web', 0.1, 1, 1, { fixedPorts: [8080], instances: 3 })])],
    });
    assert.deepEqual(placements(plan), { 'j/web-0': 'n1', 'j/web-1': 'n3' });
    assert.equal(statusOf(plan, 'j/web-2'), 'unplaced');
    assert.deepEqual(plan.tasks.get('j/web-0'), { kind: 'placed', node: 'n1', ports: [8080] });
  });

  it('never gives a fixed port away as a dynamic one, whatever the order', () => {
    // The dynamic task comes first (larger), the fixed one wants the lowest port of the range.
    const plan = allocate({
      nodes: [ranged('n1', 31000, 31001)],
      jobs: [job('j', [task('j', 'dyn', 2, 1, 1, { dynamicPorts: 1 }), task('j', 'fix', 0.1, 1, 1, { fixedPorts: [31000] })])],
    });
    assert.deepEqual(plan.tasks.get('j/fix'), { kind: 'placed', node: 'n1', ports: [31000] });
    assert.deepEqual(plan.tasks.get('j/dyn'), { kind: 'placed', node: 'n1', ports: [31001] });
  });

  it('reports a node without ranges as having no ports', () => {
    const plan = allocate({ nodes: [node('n1', 8, Gi, Gi)], jobs: [job('j', [task('j', 'a', 0.1, 1, 1, { dynamicPorts: 1 })])] });
    assert.equal(statusOf(plan, 'j/a'), 'unplaced');
  });
});

describe('dynamic port numbers', () => {
  it('come from the widest range first, leaving single service ports to tasks that name them', () => {
    const n = node('n1', 4, 8 * Gi, 8 * Gi, { ports: [{ from: 5432, to: 5432 }, { from: 31000, to: 31099 }] });
    const plan = allocate({ nodes: [n], jobs: [job('j', [task('j', 'a', 1, Gi, Gi, { dynamicPorts: 2 })])] });
    const r = plan.tasks.get('j/a');
    assert.ok(r?.kind === 'placed');
    assert.deepEqual(r.ports, [31000, 31001]);
  });
});
