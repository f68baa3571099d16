/**
 * The state's node orders (state.ts, nodeOrder.ts) are brought up to date only when a search asks
 * for one: node by node after a few changes, sorted again after many. Whatever the way, a search
 * must see the up nodes in (free capacity, index) order. Random sequences of placements, removals,
 * nodes going down, paused moves and rollbacks, with an order read at random points, check that.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { createContext } from '../../../server/engine/alloc';
import { D } from '../../../server/engine/alloc/nodeTables';
import { AllocState } from '../../../server/engine/alloc/state';
import { Gi, node, task } from './fixtures';

const NODES = 12;
const TASKS = 40;

type Op =
  | { readonly kind: 'place'; readonly task: number; readonly node: number }
  | { readonly kind: 'remove'; readonly task: number }
  | { readonly kind: 'down'; readonly node: number }
  | { readonly kind: 'mark' }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'paused'; readonly task: number; readonly node: number }
  | { readonly kind: 'read'; readonly dim: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('place' as const), task: fc.nat(TASKS - 1), node: fc.nat(NODES - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), task: fc.nat(TASKS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('down' as const), node: fc.nat(NODES - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'mark' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('paused' as const), task: fc.nat(TASKS - 1), node: fc.nat(NODES - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), dim: fc.nat(2) }) },
);

describe('node orders brought up to date on demand', () => {
  it('show the up nodes by free capacity, then index, after any sequence of changes', () => {
    // Equal capacities on some nodes, so that ties (broken by index) occur.
    const nodes = Array.from({ length: NODES }, (_, i) => node(`n${String(i).padStart(2, '0')}`, 2 + (i % 3), (4 + (i % 4)) * Gi, 100 * Gi));
    const tasks = Array.from({ length: TASKS }, (_, k) => task('j', `t${k}`, 0.1 * (1 + (k % 5)), (k % 7) * 128, 0)).flat();
    const ctx = createContext({ nodes, jobs: [{ name: 'j', strategy: 'binpack', preemption: false, tasks }] });
    let resorts = 0;
    let updates = 0;
    assertProperty(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
        const st = new AllocState(ctx, new Uint8Array(NODES));
        const marks: number[] = [];
        let changedSinceRead = new Set<number>();
        for (const op of ops) {
          switch (op.kind) {
            case 'place':
              if (st.nodeOf[op.task] < 0 && st.down[op.node] === 0) {
                st.place(op.task, op.node, false);
                changedSinceRead.add(op.node);
              }
              break;
            case 'remove':
              if (st.nodeOf[op.task] >= 0) {
                changedSinceRead.add(st.nodeOf[op.task]);
                st.remove(op.task);
              }
              break;
            case 'down':
              // As a scenario does: the node goes down, then its tasks are removed.
              if (st.down[op.node] === 0) {
                st.setDown(op.node);
                for (const k of [...st.nodeTasks[op.node]]) st.remove(k);
                changedSinceRead.add(op.node);
              }
              break;
            case 'mark':
              marks.push(st.mark());
              break;
            case 'rollback':
              // Undoes everything since the last mark (placements, removals, nodes down).
              if (marks.length > 0) st.rollback(marks.pop() as number);
              for (let i = 0; i < NODES; i++) changedSinceRead.add(i);
              break;
            case 'paused': {
              // The node swap's way: moves with the orders paused, then the two nodes resumed.
              const from = st.nodeOf[op.task];
              if (from < 0 || from === op.node || st.down[op.node] === 1) break;
              st.pauseOrders();
              st.remove(op.task);
              st.place(op.task, op.node, false);
              st.resumeOrders([from, op.node]);
              changedSinceRead.add(from).add(op.node);
              break;
            }
            case 'read': {
              if (changedSinceRead.size * 4 > NODES) resorts++;
              else if (changedSinceRead.size > 0) updates++;
              changedSinceRead = new Set();
              const order = st.orderOf(op.dim).order;
              const up = [...order].filter((i) => st.down[i] === 0);
              const expected = up.slice().sort((a, b) => st.free[a * D + op.dim] - st.free[b * D + op.dim] || a - b);
              assert.deepEqual(up, expected, `order of dimension ${op.dim}`);
              assert.equal(new Set(order).size, NODES, 'every node once');
              break;
            }
          }
        }
      }),
      { numRuns: 800, seed: 3 },
    );
    // Both ways of bringing an order up to date were exercised.
    assert.ok(resorts > 100, `sorted again ${resorts} times`);
    assert.ok(updates > 100, `updated node by node ${updates} times`);
  });
});
