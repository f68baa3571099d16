/**
 * Binpack's node swap, run at the end of a call before consolidation. Best fit opens the smallest
 * empty node that fits a task, so a plan can end on many small nodes while large ones stay empty.
 * Here an empty up node E (largest first: sizes are shares of the whole cluster's capacity, so the
 * order is computed once per cluster, nodeTables.ts) takes over the whole task sets of several nodes in use
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
import { D, nodeSizes } from './nodeTables';
import { countChecks, failedCount, fixedPortsFree, resourcesFit } from './search';
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
  // Per node: 1 while a source, 2 once emptied by the swap, 0 otherwise.
  const isSource = new Uint8Array(N);
  const sources: number[] = [];
  for (const k of placed) {
    const i = st.nodeOf[k];
    if (i < 0 || isSource[i] === 1 || !isSourceNode(ctx, st, i)) continue;
    isSource[i] = 1;
    sources.push(i);
  }
  // Node sizes against the whole cluster's capacity (the sum of shares over dimensions; fixed per
  // cluster, so the nodes come sorted by size once, not per call).
  const { size, invTotal, bySize } = nodeSizes(ctx.cap);
  // Scratch (per node, written before read): what a source uses of it.
  const usedSize = ctx.nodeScratch;
  // The first pass tries every node empty when it began (largest first, along bySize); each later
  // one the nodes the pass before emptied.
  let emptied: number[] | undefined;
  for (let pass = 0; pass < PASSES; pass++) {
    // Sources least used first; their use does not change within a pass (sets move out in full).
    // The live sources are order[start..]: a fill takes sets from the front part it walked, and
    // packs what it kept there to the right (a cost of the walk, not of every source).
    const order = sources.filter((i) => isSource[i] === 1);
    let start = 0;
    if (order.length < 2) break;
    for (const i of order) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (ctx.cap[i * D + d] - st.free[i * D + d]) * invTotal[d];
      usedSize[i] = s;
    }
    order.sort((a, b) => usedSize[a] - usedSize[b] || a - b);
    // An empty node smaller than the two least used sources together cannot take two sets, nor
    // one with less, in some dimension, than the two smallest uses of it together.
    const least = usedSize[order[0]] + usedSize[order[1]] - EPSILON;
    const uses = smallestUses(ctx, st, order);
    const candidates = emptied === undefined ? bySize : emptied.sort((a, b) => size[b] - size[a] || a - b);
    const first = emptied === undefined;
    emptied = [];
    const opened: number[] = [];
    for (let c = 0; c < candidates.length && order.length - start >= 2; c++) {
      const e = candidates[c];
      if (size[e] < least) break;
      if (first && (st.down[e] === 1 || st.nodeTasks[e].length > 0 || isSource[e] !== 0)) continue;
      if (below(ctx.cap, e, uses.pair)) continue;
      const filled = fill(ctx, st, e, order, start, usedSize, size[e], uses.one);
      if (filled === undefined) continue;
      for (const i of filled.taken) {
        isSource[i] = 2;
        emptied.push(i);
      }
      let to = filled.end;
      for (let j = filled.end - 1; j >= start; j--) if (isSource[order[j]] === 1) order[--to] = order[j];
      start = to;
      opened.push(e);
    }
    if (emptied.length === 0) break;
    for (const e of opened) {
      isSource[e] = 1;
      sources.push(e);
    }
  }
}

/**
 * Moves whole task sets of `order[start..]`'s nodes onto the empty node e, in order, skipping sets
 * that do not fit. Keeps the result and returns the emptied nodes, and where its walk of `order`
 * ended, when there are at least two; else
 * changes nothing and returns undefined. `room`: e's size (e is empty); a node using more than
 * what is left of it cannot fit, nor can any after it; nor can any once e has less than `one`
 * (the least use of a source) left in some dimension. A dry run on resources and static filters
 * alone first: without two sets that fit there, nothing is moved.
 */
function fill(ctx: Context, st: AllocState, e: number, order: readonly number[], start: number, usedSize: Float64Array, room: number, one: Float64Array): { taken: number[]; end: number } | undefined {
  const left = st.free.slice(e * D, e * D + D);
  let fits = 0;
  let dryRoom = room;
  for (let j = start; j < order.length; j++) {
    const i = order[j];
    if (usedSize[i] > dryRoom + EPSILON) break;
    if (!sumFits(ctx, st, i, left) || !staticOk(ctx, st, i, e)) continue;
    for (let d = 0; d < D; d++) left[d] -= ctx.cap[i * D + d] - st.free[i * D + d];
    dryRoom -= usedSize[i];
    if (++fits === 2 || below(left, 0, one)) break;
  }
  if (fits < 2) return undefined;
  const mark = st.mark();
  const taken: number[] = [];
  const free = st.free.subarray(e * D, e * D + D);
  let end = start;
  for (; end < order.length; end++) {
    const i = order[end];
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
    // No source left has room on e in some dimension: the walk ends here.
    if (ok && below(st.free, e, one)) {
      end++;
      break;
    }
  }
  if (taken.length >= 2) {
    st.commit();
    return { taken, end };
  }
  st.rollback(mark);
  return undefined;
}

/**
 * Per dimension, the least use of one source of `order` (`one`) and the two least together
 * (`pair`), each less a slack for rounding: a node with less room than `one` in some dimension
 * takes no set, with less than `pair` no two.
 */
function smallestUses(ctx: Context, st: AllocState, order: readonly number[]): { one: Float64Array; pair: Float64Array } {
  const one = new Float64Array(D);
  const pair = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let a = Infinity;
    let b = Infinity;
    for (const i of order) {
      const u = ctx.cap[i * D + d] - st.free[i * D + d];
      if (u < a) [a, b] = [u, a];
      else if (u < b) b = u;
    }
    one[d] = a - EPSILON * Math.max(1, a);
    pair[d] = a + b - EPSILON * Math.max(1, a + b);
  }
  return { one, pair };
}

/** Has node e (from `room`, D values per node) less than `floor` in some dimension? */
function below(room: Float64Array, e: number, floor: Float64Array): boolean {
  for (let d = 0; d < D; d++) if (room[e * D + d] < floor[d]) return true;
  return false;
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
