/**
 * The improvement phase of binpack, run only when the greedy pass left tasks unplaced.
 * Repair by relocation: for an unplaced task, find a node where moving one or two tasks placed in
 * this call (not `current` ones, of binpack jobs, of the same or lower priority, of other task
 * groups) to other nodes makes room, and do it. A move is a removal then a placement through the
 * same filter as any placement, so no constraint, dimension or port is ever broken, and nothing
 * placed is ever unplaced. Bounded by a work budget so large overloaded instances stay fast.
 */
import { type Context, D } from './context';
import { BINPACK, countChecks, failedCount, findBest, fixedPortsFree, resourcesFit } from './search';
import type { AllocState } from './state';

/** Relocation attempts (each costs one node search per moved task) per improvement phase. */
const ATTEMPT_BUDGET = 4000;
/** Candidate nodes examined per unplaced task, fewest missing resources first. */
const NODES_PER_TASK = 24;

export interface Budget {
  attempts: number;
}

export function createBudget(): Budget {
  return { attempts: ATTEMPT_BUDGET };
}

function movable(ctx: Context, st: AllocState, k: number, v: number): boolean {
  return (
    st.current[v] === 0 &&
    ctx.jobs[ctx.taskJob[v]].binpack &&
    ctx.effPrio[v] <= ctx.effPrio[k] &&
    ctx.taskGroup[v] !== ctx.taskGroup[k]
  );
}

interface Site {
  readonly node: number;
  readonly deficit: number;
  readonly need: Float64Array;
  readonly mandatory: number[];
  readonly pool: number[];
}

function sites(ctx: Context, st: AllocState, k: number): Site[] {
  const checks = countChecks(ctx, st, k);
  const t = k * D;
  const out: Site[] = [];
  for (const i of ctx.groups[ctx.taskGroup[k]].cands) {
    if (st.down[i] === 1) continue;
    if (checks.n > 0 && failedCount(checks, i) >= 0) continue;
    let ok = true;
    for (let d = 0; d < D; d++) if (ctx.cap[i * D + d] < ctx.dem[t + d]) ok = false;
    if (!ok) continue;
    const pool = st.nodeTasks[i].filter((v) => movable(ctx, st, k, v)).sort((a, b) => a - b);
    const mandatory: number[] = [];
    const h = st.holders[i];
    for (const p of ctx.fixed[k]) {
      if (!ctx.ranges[i].some((r) => r.from <= p && p <= r.to)) ok = false;
      const holder = h?.get(p);
      if (holder === undefined) continue;
      if (!pool.includes(holder)) ok = false;
      else if (!mandatory.includes(holder)) mandatory.push(holder);
    }
    if (!ok) continue;
    const need = new Float64Array(D);
    let deficit = 0;
    for (let d = 0; d < D; d++) {
      need[d] = ctx.dem[t + d] - st.free[i * D + d];
      let avail = 0;
      for (const v of pool) avail += ctx.dem[v * D + d];
      if (need[d] > avail) ok = false;
      if (need[d] > 0) deficit += need[d] * ctx.invCap[i * D + d];
    }
    if (ok) out.push({ node: i, deficit, need, mandatory, pool });
  }
  out.sort((a, b) => a.deficit - b.deficit || a.node - b.node);
  return out.slice(0, NODES_PER_TASK);
}

function covers(ctx: Context, set: readonly number[], need: Float64Array): boolean {
  for (let d = 0; d < D; d++) {
    if (need[d] <= 0) continue;
    let s = 0;
    for (const v of set) s += ctx.dem[v * D + d];
    if (s < need[d]) return false;
  }
  return true;
}

/** Moves `set` off `node` to other nodes, or leaves everything as it was and returns false. */
function relocate(ctx: Context, st: AllocState, set: readonly number[], node: number): boolean {
  for (const v of set) st.remove(v);
  const order = [...set].sort((a, b) => ctx.share[b] - ctx.share[a] || a - b);
  const moved: number[] = [];
  for (const v of order) {
    const j = findBest(ctx, st, v, BINPACK, node);
    if (j < 0) {
      for (const m of moved) st.remove(m);
      for (const s of set) st.place(s, node, false);
      return false;
    }
    st.place(v, j, false);
    moved.push(v);
  }
  return true;
}

/** Tries to make room for unplaced task k by relocation; places it and returns true on success. */
export function repair(ctx: Context, st: AllocState, k: number, budget: Budget): boolean {
  for (const site of sites(ctx, st, k)) {
    const { node, need, mandatory, pool } = site;
    const rest = pool.filter((v) => !mandatory.includes(v));
    const sets: number[][] = [];
    if (mandatory.length > 0 && covers(ctx, mandatory, need)) sets.push(mandatory);
    for (const a of rest) {
      const s = [...mandatory, a];
      if (covers(ctx, s, need)) sets.push(s);
    }
    for (let x = 0; x < rest.length; x++) {
      for (let y = x + 1; y < rest.length; y++) {
        if (ctx.taskGroup[rest[x]] === ctx.taskGroup[rest[y]]) continue;
        const s = [...mandatory, rest[x], rest[y]];
        if (covers(ctx, s, need)) sets.push(s);
      }
    }
    // Fewest moves first, then the smallest tasks to move (they find a new node most easily).
    sets.sort((a, b) => a.length - b.length || size(ctx, a) - size(ctx, b) || lexicographic(a, b));
    for (const set of sets) {
      if (budget.attempts <= 0) return false;
      budget.attempts--;
      if (!relocate(ctx, st, set, node)) continue;
      if (resourcesFit(ctx, st, k, node) && fixedPortsFree(ctx, st, k, node)) {
        st.place(k, node, false);
        return true;
      }
      // Cannot happen (the set covers the deficit), but stay safe: the moves are kept, harmlessly.
    }
  }
  return false;
}

function size(ctx: Context, set: readonly number[]): number {
  let s = 0;
  for (const v of set) s += ctx.share[v];
  return s;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
