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
import { EMPTY_MAY_FIT, NodeOrder, USED_MAY_FIT } from '../../../server/engine/alloc/nodeOrder';
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
              const nodeOrder = st.orderOf(op.dim);
              const order = nodeOrder.nodes();
              const up = order.filter((i) => st.down[i] === 0);
              const expected = up.slice().sort((a, b) => st.free[a * D + op.dim] - st.free[b * D + op.dim] || a - b);
              assert.deepEqual(up, expected, `order of dimension ${op.dim}`);
              assert.equal(new Set(order).size, NODES, 'every node once');
              // A block's summary never rules out an up node it holds: asked with that node's own
              // free capacity, it says a node of its kind (used or empty) may fit.
              for (const b of nodeOrder.blocks) {
                for (const i of b.nodes) {
                  if (st.down[i] === 1) continue;
                  const f = Array.from({ length: D }, (_, d) => st.free[i * D + d]) as [number, number, number, number, number];
                  const kind = st.nodeTasks[i].length > 0 ? USED_MAY_FIT : EMPTY_MAY_FIT;
                  assert.ok((nodeOrder.blockFits(b, ...f, true) & kind) !== 0, `block summary rules out node ${i}`);
                }
              }
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

describe('a node order in small blocks', () => {
  it('stays sorted, and its summaries bound every node, as nodes change, move and blocks split or empty', () => {
    const N = 30;
    // Mostly the sorted dimension, on few values, so that nodes crowd into one block and split it.
    const dimArb = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(D - 1) });
    const changeArb = fc.record({ node: fc.nat(N - 1), dim: dimArb, free: fc.integer({ min: 0, max: 3 }), used: fc.boolean() });
    let splits = 0;
    let emptied = 0;
    assertProperty(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.array(changeArb, { minLength: 1, maxLength: 200 }), (blockSize, crowd, random) => {
        // Crowding: every node in turn becomes the largest, so each lands at the end of the last
        // block, which splits again and again, and the blocks it left empty.
        const changes = crowd ? [...Array.from({ length: N }, (_, node) => ({ node, dim: 0, free: 9, used: node % 2 === 0 })), ...random] : random;
        const free = new Float64Array(N * D).map((_, x) => x % 4);
        const nodeTasks: number[][] = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? [i] : []));
        const order = new NodeOrder(free, 0, nodeTasks, blockSize);
        let blocks = order.blocks.length;
        for (const c of changes) {
          free[c.node * D + c.dim] = c.free;
          nodeTasks[c.node] = c.used ? [c.node] : [];
          order.update(c.node);
          if (order.blocks.length > blocks) splits++;
          if (order.blocks.length < blocks) emptied++;
          blocks = order.blocks.length;
          const all = order.nodes();
          assert.deepEqual(all, Array.from({ length: N }, (_, i) => i).sort((a, b) => free[a * D] - free[b * D] || a - b));
          assert.ok(order.blocks.every((b) => b.nodes.length > 0 && b.nodes.length <= 2 * blockSize), 'blocks are neither empty nor too large');
          for (const b of order.blocks) {
            for (const i of b.nodes) {
              const f = Array.from({ length: D }, (_, d) => free[i * D + d]) as [number, number, number, number, number];
              assert.ok((order.blockFits(b, ...f, true) & (nodeTasks[i].length > 0 ? USED_MAY_FIT : EMPTY_MAY_FIT)) !== 0, `node ${i} ruled out`);
            }
          }
          // firstWith: the first node with at least the amount, by key.
          const amount = c.free;
          const at = order.firstWith(amount);
          const expected = all.findIndex((i) => free[i * D] >= amount);
          const flat = at === order.blocks.length ? -1 : order.blocks.slice(0, at).reduce((s, b) => s + b.nodes.length, 0) + order.firstOffset;
          assert.equal(flat, expected, `firstWith(${amount})`);
        }
      }),
      { numRuns: 300, seed: 5 },
    );
    assert.ok(splits > 100, `blocks split ${splits} times`);
    assert.ok(emptied > 100, `blocks emptied ${emptied} times`);
    console.log(`# small blocks: ${splits} splits, ${emptied} emptied`);
  });
});
