/**
 * Filter and score: the best node for one task in the current state.
 * Filter: the node is up, passes the group's static constraints (pre-filtered candidate list),
 * has every dimension free (cpus, mem, disk, gpus, port count), its fixed ports are inside a range
 * and not held, and the counting constraints (UNIQUE, MAX_PER, CLUSTER, GROUP_BY) accept it.
 * Score: binpack = best fit: the node left fullest on the task's dominant dimension (least room
 * left there after placement), nodes already running something first (classic best fit opens a
 * new bin only when no open one fits; on equal nodes this is what "left fullest" gives anyway).
 * Spread = least allocated: the lowest largest share of any dimension after placement.
 * Ties by name.
 */
import { Dyn } from './constraints';
import type { Context } from './compiledInput';
import { inRanges } from './ports';
import type { AllocState } from './state';

const D = 5;

export const BINPACK = 0;
export const SPREAD = 1;
export const FIRST_FIT = 2;

/** The counting constraints of a task, reduced to comparisons on the count of a node's value. */
export interface CountChecks {
  readonly n: number;
  readonly valueOf: Int32Array[];
  readonly counts: Int32Array[];
  /** 0: count === limit; 1: count < limit; 2: count === limit or limit is 0 (CLUSTER). */
  readonly test: Uint8Array;
  readonly limit: Float64Array;
}

const NO_CHECKS: CountChecks = {
  n: 0,
  valueOf: [],
  counts: [],
  test: new Uint8Array(0),
  limit: new Float64Array(0),
};

/**
 * Prepares the counting checks of a task's group against the state (before scanning nodes).
 * `keeping`: for a kept `current` placement, GROUP_BY is not enforced (it spreads new placements;
 * a running instance is not moved to even out a spread).
 */
export function countChecks(ctx: Context, st: AllocState, k: number, keeping = false): CountChecks {
  const g = ctx.taskGroup[k];
  const group = ctx.groups[g];
  const n = group.dynamic.length;
  if (n === 0) return NO_CHECKS;
  const valueOf: Int32Array[] = [];
  const counts: Int32Array[] = [];
  const test = new Uint8Array(n);
  const limit = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const cc = group.dynamic[c];
    const slot = group.dynamicSlot[c];
    valueOf.push(ctx.fields[cc.field].valueOf);
    const cnt = st.counts[slot];
    counts.push(cnt);
    switch (cc.dyn) {
      case Dyn.Unique:
        test[c] = 0;
        limit[c] = 0;
        break;
      case Dyn.MaxPer:
        test[c] = 1;
        limit[c] = cc.n;
        break;
      case Dyn.Cluster:
        test[c] = 2;
        limit[c] = st.groupPlaced[g];
        break;
      default: {
        if (keeping) {
          test[c] = 1;
          limit[c] = Infinity;
          break;
        }
        // GROUP_BY: only values with the fewest instances, over the values of up member nodes;
        // with fewer such values than the asked number of groups, only values not used yet.
        const up = st.upNodes[group.dynamicUniverse[c]];
        let groups = 0;
        let min = Infinity;
        for (let v = 0; v < up.length; v++) {
          if (up[v] <= 0) continue;
          groups++;
          if (cnt[v] < min) min = cnt[v];
        }
        test[c] = 0;
        limit[c] = groups < cc.n || groups === 0 ? 0 : min;
      }
    }
  }
  return { n, valueOf, counts, test, limit };
}

/** Index of the first counting check the node fails, or -1. */
export function failedCount(checks: CountChecks, node: number): number {
  for (let c = 0; c < checks.n; c++) if (countFails(checks, c, node)) return c;
  return -1;
}

/** Does the node fail counting check c? */
export function countFails(checks: CountChecks, c: number, node: number): boolean {
  const v = checks.valueOf[c][node];
  if (v < 0) return true;
  const cnt = checks.counts[c][v];
  const lim = checks.limit[c];
  const t = checks.test[c];
  return t === 1 ? cnt >= lim : t === 0 ? cnt !== lim : lim !== 0 && cnt !== lim;
}

export function fixedPortsFree(ctx: Context, st: AllocState, k: number, node: number): boolean {
  const fixed = ctx.fixed[k];
  if (fixed.length === 0) return true;
  const h = st.holders[node];
  for (const p of fixed) {
    if (!inRanges(ctx.ranges[node], p)) return false;
    if (h !== undefined && h.has(p)) return false;
  }
  return true;
}

/** Resources (every dimension) fit on the node as it is now. */
export function resourcesFit(ctx: Context, st: AllocState, k: number, node: number): boolean {
  const o = node * D;
  const t = k * D;
  const free = st.free;
  const dem = ctx.dem;
  return free[o] >= dem[t] && free[o + 1] >= dem[t + 1] && free[o + 2] >= dem[t + 2] && free[o + 3] >= dem[t + 3] && free[o + 4] >= dem[t + 4];
}

/**
 * The best node for task k, or -1. `exclude` is a node not to consider (-1 for none).
 * ctx.domDim[k] must be set (computeShares).
 */
export function findBest(ctx: Context, st: AllocState, k: number, mode: number, exclude = -1): number {
  return mode === BINPACK ? bestFit(ctx, st, k, exclude) : scan(ctx, st, k, mode, exclude);
}

/** Binpack through the node order of the dominant dimension (see nodeOrder.ts). */
function bestFit(ctx: Context, st: AllocState, k: number, exclude: number): number {
  const group = ctx.groups[ctx.taskGroup[k]];
  const mask = group.candMask;
  const checks = countChecks(ctx, st, k);
  const hasFixed = ctx.fixed[k].length > 0;
  const free = st.free;
  const down = st.down;
  const t = k * D;
  const dem = ctx.dem;
  const d0 = dem[t];
  const d1 = dem[t + 1];
  const d2 = dem[t + 2];
  const d3 = dem[t + 3];
  const d4 = dem[t + 4];
  const dom = ctx.domDim[k];
  const nodeOrder = st.orderOf(dom);
  const blocks = nodeOrder.blocks;
  const nodeTasks = st.nodeTasks;
  let empty = -1;
  for (let b = nodeOrder.firstWith(dem[t + dom]), first = true; b < blocks.length; b++, first = false) {
    // Block by block: a block where no node can have room is passed over whole (nodeOrder.ts).
    const blk = blocks[b];
    if (nodeOrder.blockFits(blk, d0, d1, d2, d3, d4, empty < 0) === 0) continue;
    const ids = blk.nodes;
    for (let j = first ? nodeOrder.firstOffset : 0; j < ids.length; j++) {
      const i = ids[j];
      if (down[i] === 1 || i === exclude || (mask !== undefined && mask[i] === 0)) continue;
      const o = i * D;
      if (free[o] < d0 || free[o + 1] < d1 || free[o + 2] < d2 || free[o + 3] < d3 || free[o + 4] < d4) continue;
      if (hasFixed && !fixedPortsFree(ctx, st, k, i)) continue;
      if (checks.n > 0 && failedCount(checks, i) >= 0) continue;
      if (nodeTasks[i].length > 0) {
        if (st.reads !== undefined) st.reads.ranges.push(dom, dem[t + dom], free[o + dom], i, d0, d1, d2, d3, d4);
        return i;
      }
      if (empty < 0) empty = i;
    }
  }
  if (st.reads !== undefined) st.reads.ranges.push(dom, dem[t + dom], Infinity, -1, d0, d1, d2, d3, d4);
  return empty;
}

/** Spread (least allocated) and first fit: every candidate node in name order. */
function scan(ctx: Context, st: AllocState, k: number, mode: number, exclude: number): number {
  // Spread scores every candidate; first fit reads them in index order up to the one it takes.
  if (mode !== FIRST_FIT) st.readsAll();
  const cands = ctx.groups[ctx.taskGroup[k]].cands;
  const checks = countChecks(ctx, st, k);
  const hasFixed = ctx.fixed[k].length > 0;
  const free = st.free;
  const down = st.down;
  const invCap = ctx.invCap;
  const t = k * D;
  const dem = ctx.dem;
  const d0 = dem[t];
  const d1 = dem[t + 1];
  const d2 = dem[t + 2];
  const d3 = dem[t + 3];
  const d4 = dem[t + 4];
  let best = -1;
  let bestScore = Infinity;
  for (let ci = 0; ci < cands.length; ci++) {
    const i = cands[ci];
    if (down[i] === 1 || i === exclude) continue;
    const o = i * D;
    if (free[o] < d0 || free[o + 1] < d1 || free[o + 2] < d2 || free[o + 3] < d3 || free[o + 4] < d4) continue;
    if (hasFixed && !fixedPortsFree(ctx, st, k, i)) continue;
    if (checks.n > 0 && failedCount(checks, i) >= 0) continue;
    if (mode === FIRST_FIT) {
      st.readsUpTo(i);
      return i;
    }
    let score = 0;
    for (let d = 0; d < D; d++) {
      const inv = invCap[o + d];
      if (inv === 0) continue;
      const s = 1 - (free[o + d] - dem[t + d]) * inv;
      if (s > score) score = s;
    }
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (mode === FIRST_FIT) st.readsAll();
  return best;
}
