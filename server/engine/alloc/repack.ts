/**
 * Binpack's node swap, run at the end of a call before consolidation. Best fit opens the smallest
 * empty node that fits a task, so a plan can end on many small nodes while large ones stay empty.
 * Here an empty up node E (largest first) takes over the whole task sets of several nodes in use
 * (least used first) whose tasks were all placed in this call by binpack jobs (not `current`
 * ones, which are pinned). Every task moves through the same filter as any placement (static
 * candidates, resources, fixed ports, counting constraints); a node's set moves in full or not at
 * all, onto E alone, so nothing is unplaced and dependencies stay placed. E is kept only when it
 * emptied at least two nodes (fewer nodes in use); the pass repeats on the nodes it emptied while
 * it gains (at most PASSES times). Before moving anything, a dry run on resources and static
 * filters tells whether two sets could fit on E at all, and an empty node smaller than the two
 * least used sets together is not tried. It runs in failover scenarios too (they are allocate()
 * calls); there the movable tasks are the lost ones, and with fewer than two nodes running only
 * those it returns after one pass over them, allocating nothing.
 */
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { countChecks, failedCount, fixedPortsFree, resourcesFit } from './search';
import { Heap } from './heap';
import type { AllocState } from './state';

/** Passes over the empty nodes (each after a pass that gained). */
const PASSES = 4;
/** Slack for sums of shares (floating point). */
const EPSILON = 1e-9;

function movable(ctx: Context, st: AllocState, v: number): boolean {
  return st.current[v] === 0 && ctx.jobs[ctx.taskJob[v]].binpack;
}

/** Does task k pass the placement filter on node i (k not placed)? */
function fitsOn(ctx: Context, st: AllocState, k: number, i: number): boolean {
  if (st.down[i] === 1) return false;
  const mask = ctx.groups[ctx.taskGroup[k]].candMask;
  if (mask !== undefined && mask[i] === 0) return false;
  if (!resourcesFit(ctx, st, k, i) || !fixedPortsFree(ctx, st, k, i)) return false;
  const checks = countChecks(ctx, st, k);
  return checks.n === 0 || failedCount(checks, i) < 0;
}

/** Is node i in use with every task movable? */
function isSourceNode(ctx: Context, st: AllocState, i: number): boolean {
  for (const v of st.nodeTasks[i]) if (!movable(ctx, st, v)) return false;
  return true;
}

/** `placed`: the tasks this call placed (the only ones that may move). */
export function repack(ctx: Context, st: AllocState, placed: readonly number[]): void {
  // Two nodes in use with every task movable, at least, or nothing to gain (cheap: no allocation).
  let first = -1;
  let two = false;
  for (const k of placed) {
    const i = st.nodeOf[k];
    if (i < 0 || i === first || !isSourceNode(ctx, st, i)) continue;
    if (first >= 0) {
      two = true;
      break;
    }
    first = i;
  }
  if (!two) return;
  // Which nodes are empty, all of them (the nodes a swap could open).
  st.readsEmpties();
  const N = ctx.nodes.length;
  // 1 for the nodes that are sources now.
  const isSource = new Uint8Array(N);
  const sources: number[] = [];
  for (const k of placed) {
    const i = st.nodeOf[k];
    if (i < 0 || isSource[i] === 1 || !isSourceNode(ctx, st, i)) continue;
    isSource[i] = 1;
    sources.push(i);
  }
  // Node sizes against the up nodes' total capacity (the sum of shares over dimensions).
  const totals = st.upTotals();
  const invTotal = new Float64Array(D);
  for (let d = 0; d < D; d++) invTotal[d] = totals[d] > 0 ? 1 / totals[d] : 0;
  // Scratch (per node, written before read): a node's size, and what a source uses of it.
  const capSize = ctx.nodeScratch[0];
  const usedSize = ctx.nodeScratch[1];
  const sizeOf = (i: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) s += ctx.cap[i * D + d] * invTotal[d];
    return s;
  };
  let empties: number[] = [];
  for (let i = 0; i < N; i++) if (st.down[i] === 0 && st.nodeTasks[i].length === 0) empties.push(i);
  for (let pass = 0; pass < PASSES && empties.length > 0; pass++) {
    // Sources least used first; their use does not change within a pass (sets move out in full).
    let order = keepSources([...sources], isSource);
    if (order.length < 2) break;
    for (const i of order) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (ctx.cap[i * D + d] - st.free[i * D + d]) * invTotal[d];
      usedSize[i] = s;
    }
    order.sort((a, b) => usedSize[a] - usedSize[b] || a - b);
    // An empty node smaller than the two least used sources together cannot take two sets.
    const least = usedSize[order[0]] + usedSize[order[1]] - EPSILON;
    const candidates: number[] = [];
    for (const e of empties) {
      capSize[e] = sizeOf(e);
      if (capSize[e] >= least) candidates.push(e);
    }
    // Largest first (then by index), through a heap: a failover scenario usually stops at the first one.
    const heap = new Heap((a, b) => capSize[a] > capSize[b] || (capSize[a] === capSize[b] && a < b), candidates);
    const emptied: number[] = [];
    const opened: number[] = [];
    while (heap.size > 0 && order.length >= 2) {
      const e = heap.pop();
      const taken = fill(ctx, st, e, order, usedSize, capSize[e]);
      if (taken === undefined) continue;
      for (const i of taken) {
        isSource[i] = 0;
        emptied.push(i);
      }
      order = keepSources(order, isSource);
      opened.push(e);
    }
    if (emptied.length === 0) break;
    for (const e of opened) {
      isSource[e] = 1;
      sources.push(e);
    }
    empties = emptied;
  }
}

/**
 * Moves whole task sets of `order`'s nodes onto the empty node e, in order, skipping sets that do
 * not fit. Keeps the result and returns the emptied nodes when there are at least two; else
 * changes nothing and returns undefined. `room`: e's size (e is empty); a node using more than
 * what is left of it cannot fit, nor can any after it. A dry run on resources and static filters
 * alone first: without two sets that fit there, nothing is moved.
 */
function fill(ctx: Context, st: AllocState, e: number, order: readonly number[], usedSize: Float64Array, room: number): number[] | undefined {
  const left = st.free.slice(e * D, e * D + D);
  let fits = 0;
  let dryRoom = room;
  for (const i of order) {
    if (usedSize[i] > dryRoom + EPSILON) break;
    if (!sumFits(ctx, st, i, left) || !staticOk(ctx, st, i, e)) continue;
    for (let d = 0; d < D; d++) left[d] -= ctx.cap[i * D + d] - st.free[i * D + d];
    dryRoom -= usedSize[i];
    if (++fits === 2) break;
  }
  if (fits < 2) return undefined;
  const mark = st.mark();
  const taken: number[] = [];
  const free = st.free.subarray(e * D, e * D + D);
  for (const i of order) {
    if (usedSize[i] > room + EPSILON) break;
    if (!sumFits(ctx, st, i, free) || !staticOk(ctx, st, i, e)) continue;
    const tasks = [...st.nodeTasks[i]].sort((a, b) => ctx.share[b] - ctx.share[a] || a - b);
    const inner = st.mark();
    let ok = true;
    // Only nodes i and e change here: their places in the node orders are updated once, after.
    st.pauseOrders();
    for (const v of tasks) st.remove(v);
    for (const v of tasks) {
      if (!fitsOn(ctx, st, v, e)) {
        ok = false;
        break;
      }
      st.place(v, e, false);
    }
    if (ok) {
      st.commit();
      taken.push(i);
      room -= usedSize[i];
    } else st.rollback(inner);
    st.resumeOrders([i, e]);
  }
  if (taken.length >= 2) {
    st.commit();
    return taken;
  }
  st.rollback(mark);
  return undefined;
}

/** `order` without the nodes that are no longer sources, in place (a swap runs ~100 times per plan). */
function keepSources(order: number[], isSource: Uint8Array): number[] {
  let n = 0;
  for (const i of order) if (isSource[i] === 1) order[n++] = i;
  order.length = n;
  return order;
}

/** Does node i's used capacity fit in `free` (a node's free capacity) in every dimension? */
function sumFits(ctx: Context, st: AllocState, i: number, free: Float64Array): boolean {
  for (let d = 0; d < D; d++) if (ctx.cap[i * D + d] - st.free[i * D + d] > free[d]) return false;
  return true;
}

/** Do node i's tasks pass e's static candidates and fixed port ranges (each on its own)? */
function staticOk(ctx: Context, st: AllocState, i: number, e: number): boolean {
  for (const v of st.nodeTasks[i]) {
    const mask = ctx.groups[ctx.taskGroup[v]].candMask;
    if (mask !== undefined && mask[e] === 0) return false;
    if (ctx.fixed[v].length > 0 && !fixedPortsFree(ctx, st, v, e)) return false;
  }
  return true;
}
