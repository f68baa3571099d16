/** The seven Marathon operators, the `hostname` field, and Marathon's rule for missing attributes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate, type AllocationInput } from '../../../server/engine/alloc';
import type { ConstraintOperator } from '../../../server/engine/model';
import { Gi, job, node, placements, statusOf, task } from './fixtures';

/** Three zones, two racks; node4 has no attributes. Binpack would put everything on node1. */
function zoned(constraints: readonly (readonly [string, ConstraintOperator, string?])[], instances: number): AllocationInput {
  const nodes = [
    node('node1', 8, 8 * Gi, 8 * Gi, { attributes: { zone: 'a', rack: 'r1' } }),
    node('node2', 8, 8 * Gi, 8 * Gi, { attributes: { zone: 'b', rack: 'r2' } }),
    node('node3', 8, 8 * Gi, 8 * Gi, { attributes: { zone: 'c', rack: 'r1' } }),
    node('node4', 8, 8 * Gi, 8 * Gi),
  ];
  return { nodes, jobs: [job('j', [task('j', 'api', 1, Gi, Gi, { instances, constraints })])] };
}

function nodesOf(input: AllocationInput): string[] {
  return Object.values(placements(allocate(input))).sort();
}

describe('constraints', () => {
  it('UNIQUE: every instance on a distinct value; nodes without the attribute fail', () => {
    const plan = allocate(zoned([['zone', 'UNIQUE']], 4));
    assert.deepEqual(Object.values(placements(plan)).sort(), ['node1', 'node2', 'node3']);
    assert.equal(statusOf(plan, 'j/api-3'), 'unplaced');
  });

  it('UNIQUE on hostname: one per node, the node name is the value', () => {
    assert.deepEqual(nodesOf(zoned([['hostname', 'UNIQUE']], 4)), ['node1', 'node2', 'node3', 'node4']);
  });

  it('CLUSTER with a value: all on that value', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'CLUSTER', 'b']], 3)), ['node2', 'node2', 'node2']);
  });

  it('CLUSTER without a value: all on the value of the first placed', () => {
    // rack r1 is node1 and node3; UNIQUE hostname forces two nodes, CLUSTER keeps them in one rack.
    assert.deepEqual(nodesOf(zoned([['rack', 'CLUSTER'], ['hostname', 'UNIQUE']], 3)), ['node1', 'node3']);
  });

  it('GROUP_BY: spread evenly over the values', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'GROUP_BY']], 6)), ['node1', 'node1', 'node2', 'node2', 'node3', 'node3']);
  });

  it('GROUP_BY with a number of groups larger than the values: one per value, the rest wait', () => {
    const plan = allocate(zoned([['rack', 'GROUP_BY', '3']], 3));
    assert.deepEqual(Object.values(placements(plan)).sort(), ['node1', 'node2']);
  });

  it('LIKE / UNLIKE: full-match regular expressions', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE', '[ab]'], ['hostname', 'UNIQUE']], 3)), ['node1', 'node2']);
    // "a" does not match "[ab]c" as a whole, nor does a prefix match: full match only.
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE', 'a|c'], ['hostname', 'UNIQUE']], 3)), ['node1', 'node3']);
    assert.deepEqual(nodesOf(zoned([['rack', 'LIKE', 'r'], ['hostname', 'UNIQUE']], 3)), []);
  });

  it('UNLIKE: a node without the attribute satisfies it (Marathon)', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'UNLIKE', 'a|b'], ['hostname', 'UNIQUE']], 3)), ['node3', 'node4']);
  });

  it('every other operator fails on a node without the attribute (Marathon)', () => {
    for (const op of ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'MAX_PER', 'IS'] as const) {
      const value = op === 'LIKE' ? '.*' : op === 'MAX_PER' ? '9' : op === 'IS' ? 'x' : undefined;
      const nodes = nodesOf(zoned([['hostname', 'LIKE', 'node4'], ['zone', op, value]], 1));
      assert.deepEqual(nodes, [], op);
    }
  });

  it('MAX_PER n: at most n per value', () => {
    assert.deepEqual(nodesOf(zoned([['rack', 'MAX_PER', '2']], 5)), ['node1', 'node1', 'node2', 'node2']);
  });

  it('IS: equal values (numbers compare as numbers, as Marathon formats scalars)', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'IS', 'c']], 2)), ['node3', 'node3']);
    const nodes = [node('n1', 4, Gi, Gi, { attributes: { gen: '2' } }), node('n2', 4, Gi, Gi, { attributes: { gen: '3' } })];
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 1, 1, 1, { constraints: [['gen', 'IS', '3.0']] })])] });
    assert.deepEqual(placements(plan), { 'j/a': 'n2' });
  });

  it('LIKE / UNLIKE match in linear time: "(a+)+" against 40 a and a ! (catastrophic backtracking elsewhere)', () => {
    const rack = `${'a'.repeat(40)}!`;
    const nodes = [node('n1', 4, Gi, Gi, { attributes: { rack } }), node('n2', 4, Gi, Gi, { attributes: { rack: 'aaaa' } })];
    const plan = allocate({ nodes, jobs: [job('j', [task('j', 'a', 1, 1, 1, { constraints: [['rack', 'LIKE', '(a+)+']] }), task('j', 'b', 1, 1, 1, { constraints: [['rack', 'UNLIKE', '(a+)+']] })])] });
    assert.deepEqual(placements(plan), { 'j/a': 'n2', 'j/b': 'n1' });
  });

  it('a pattern RE2 refuses (a backreference, a lookahead) fails everywhere (the rules report it)', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE', '(a)\\1']], 1)), []);
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE', '(?=a)a']], 1)), []);
    assert.deepEqual(nodesOf(zoned([['zone', 'UNLIKE', '(?!a).']], 1)), []);
  });

  it('a bad regular expression or a missing value fails everywhere (the rules report it)', () => {
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE', '[']], 1)), []);
    assert.deepEqual(nodesOf(zoned([['zone', 'UNLIKE', '(']], 1)), []);
    assert.deepEqual(nodesOf(zoned([['zone', 'LIKE']], 1)), []);
    assert.deepEqual(nodesOf(zoned([['zone', 'MAX_PER', 'two']], 1)), []);
  });

  it('applies among the instances of one task only', () => {
    const input = zoned([], 0);
    const tasks = [task('j', 'a', 1, Gi, Gi, { constraints: [['hostname', 'UNIQUE']] }), task('j', 'b', 1, Gi, Gi, { constraints: [['hostname', 'UNIQUE']] })];
    const plan = allocate({ ...input, jobs: [job('j', tasks)] });
    assert.deepEqual(placements(plan), { 'j/a': 'node1', 'j/b': 'node1' });
  });
});
