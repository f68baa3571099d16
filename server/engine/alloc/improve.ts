/**
 * The improvement phase of binpack, run for a priority class only when the greedy pass left one of
 * its binpack tasks unplaced, before any lower class is placed (so lower priorities never take
 * room from higher ones). Participants: the class's tasks of binpack jobs placed in this call (not
 * `current` ones, which are pinned) or left unplaced. Three steps, each keeping the better result:
 * (a) the class again with first fit instead of best fit, in the same order (kept when it places
 *     more, or as many on fewer nodes);
 * (b) small classes: branch and bound over the participants' nodes, within a work budget
 *     (exact when it finishes), starting from the best so far;
 * (c) relocation: for each task still unplaced, move one or two lower-or-equal-priority tasks
 *     placed in this call off a node to other nodes to make room.
 * Every placement goes through the same filter as the greedy pass (dimensions, ports, constraints,
 * dependencies placed), so nothing breaks a rule; the count of placed participants never drops.
 */
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { BINPACK, FIRST_FIT, countChecks, failedCount, findBest, fixedPortsFree, resourcesFit } from './search';
import { type AllocState, PLACED, UNPLACED } from './state';

/**
 * Branch and bound: node feasibility checks per class, and the largest class it is tried on. The
 * plan runs on every keystroke and in every failover scenario: 50,000 checks keep a 50-task job's
 * edit under 50 ms and still reach the exact optimum on the quality test's instances (250,000 did
 * no better there and cost twice as much per edit).
 */
const SEARCH_BUDGET = 50_000;
const SEARCH_MAX_TASKS = 48;
/** Classes up to this size try first fit even when best fit placed everything (fewer nodes?). */
export const SMALL_CLASS = 48;
/** Relocation attempts per class, and candidate nodes examined per unplaced task. */
const RELOCATION_BUDGET = 2_000;
const NODES_PER_TASK = 24;

function depsPlaced(ctx: Context, st: AllocState, k: number): boolean {
  for (const h of ctx.groups[ctx.taskGroup[k]].deps) if (st.groupPlaced[h] !== ctx.groups[h].members.length) return false;
  return true;
}

function placedCount(st: AllocState, parts: readonly number[]): number {
  let n = 0;
  for (const k of parts) if (st.status[k] === PLACED) n++;
  return n;
}

/** `tasks`: the class's tasks processed by the greedy pass, in placement order. */
export function improveClass(ctx: Context, st: AllocState, tasks: readonly number[]): void {
  st.readsAll();
  const parts = tasks.filter((k) => ctx.jobs[ctx.taskJob[k]].binpack && ctx.cyclic[ctx.taskGroup[k]] === 0 && st.current[k] === 0);
  if (parts.length === 0) return;
  firstFitPass(ctx, st, parts);
  if (placedCount(st, parts) < parts.length && parts.length <= SEARCH_MAX_TASKS) branchAndBound(ctx, st, parts);
  relocateAll(ctx, st, parts);
  for (const k of parts) if (st.status[k] !== PLACED) st.setStatus(k, UNPLACED);
}

/**
 * (a) The same order with first fit; kept only when it places more, or as many on fewer nodes.
 * Also tried for small binpack classes where everything was placed (see allocate.ts).
 */
export function firstFitPass(ctx: Context, st: AllocState, tasks: readonly number[]): void {
  const parts = tasks.filter((k) => ctx.jobs[ctx.taskJob[k]].binpack && ctx.cyclic[ctx.taskGroup[k]] === 0 && st.current[k] === 0);
  if (parts.length === 0) return;
  const before = placedCount(st, parts);
  // With every participant placed, first fit can only win on nodes, and only by emptying a node
  // that runs participants alone (the others stay where they are): without one, nothing to gain.
  if (before === parts.length && (!runsAlone(st, parts) || firstFitLoses(ctx, st, parts))) return;
  const nodesBefore = st.nodesUsed();
  const mark = st.mark();
  for (const k of parts) st.remove(k);
  for (const k of parts) {
    if (!depsPlaced(ctx, st, k)) continue;
    const i = findBest(ctx, st, k, FIRST_FIT);
    if (i >= 0) st.place(k, i, false);
  }
  const after = placedCount(st, parts);
  if (after > before || (after === before && st.nodesUsed() < nodesBefore)) {
    st.commit();
    st.moved++;
  } else st.rollback(mark);
}

/** Does some node run only tasks of `tasks` (all placed)? */
function runsAlone(st: AllocState, tasks: readonly number[]): boolean {
  const member = tasks.length > 16 ? new Set(tasks) : undefined;
  for (const k of tasks) {
    let alone = true;
    for (const v of st.nodeTasks[st.nodeOf[k]]) {
      if (member !== undefined ? member.has(v) : tasks.includes(v)) continue;
      alone = false;
      break;
    }
    if (alone) return true;
  }
  return false;
}

/**
 * With every participant placed: does first fit (as firstFitPass runs it) end on as many nodes or
 * more, or leave one unplaced? Worked out on copies of the touched nodes' free capacity, without
 * changing the state, when it can be: no participant with fixed ports or counting constraints,
 * none depending on a participant's group. Else false (the pass itself has to tell).
 */
function firstFitLoses(ctx: Context, st: AllocState, parts: readonly number[]): boolean {
  const groups = new Set<number>();
  for (const k of parts) groups.add(ctx.taskGroup[k]);
  for (const k of parts) {
    const group = ctx.groups[ctx.taskGroup[k]];
    if (ctx.fixed[k].length > 0 || group.dynamic.length > 0) return false;
    for (const h of group.deps) if (groups.has(h)) return false;
  }
  // Free capacity of the nodes touched, with every participant removed.
  const free = new Map<number, Float64Array>();
  const partsOn = new Map<number, number>();
  const touch = (i: number): Float64Array => {
    let f = free.get(i);
    if (f === undefined) free.set(i, (f = st.free.slice(i * D, i * D + D)));
    return f;
  };
  for (const k of parts) {
    const i = st.nodeOf[k];
    const f = touch(i);
    for (let d = 0; d < D; d++) f[d] += ctx.dem[k * D + d];
    partsOn.set(i, (partsOn.get(i) ?? 0) + 1);
  }
  const nodesBefore = st.nodesUsed();
  let used = nodesBefore;
  for (const [i, n] of partsOn) if (st.nodeTasks[i].length === n) used--;
  const opened = new Set<number>();
  // Every node up to the last one first fit took was read (scenarioCache.ts).
  let last = -1;
  for (const k of parts) {
    // Dependencies outside the participants do not move: placed now, placed then.
    if (!depsPlaced(ctx, st, k)) {
      st.readsUpTo(last);
      return true;
    }
    const cands = ctx.groups[ctx.taskGroup[k]].cands;
    const t = k * D;
    let at = -1;
    for (let ci = 0; ci < cands.length && at < 0; ci++) {
      const i = cands[ci];
      if (st.down[i] === 1) continue;
      const f = free.get(i);
      const o = f === undefined ? i * D : 0;
      const room = f === undefined ? st.free : f;
      let fits = true;
      for (let d = 0; d < D; d++) if (room[o + d] < ctx.dem[t + d]) fits = false;
      if (fits) at = i;
    }
    if (at < 0) {
      st.readsAll();
      return true;
    }
    if (at > last) last = at;
    const f = touch(at);
    for (let d = 0; d < D; d++) f[d] -= ctx.dem[t + d];
    if (st.nodeTasks[at].length === (partsOn.get(at) ?? 0) && !opened.has(at)) {
      opened.add(at);
      used++;
    }
  }
  st.readsUpTo(last);
  return used >= nodesBefore;
}

/** (b) Depth first over the participants in order, each to a feasible node (binpack's preference first) or nowhere. */
function branchAndBound(ctx: Context, st: AllocState, parts: readonly number[]): void {
  const n = parts.length;
  const best = Int32Array.from(parts, (k) => (st.status[k] === PLACED ? st.nodeOf[k] : -1));
  let bestCount = placedCount(st, parts);
  for (const k of parts) st.remove(k);
  const assign = new Int32Array(n).fill(-1);
  const symmetric = parts.every((k) => ctx.fixed[k].length === 0);
  let budget = SEARCH_BUDGET;
  const N = ctx.nodes.length;
  const maxFree = new Float64Array(D);

  const bound = (at: number, placed: number): number => {
    maxFree.fill(0);
    for (let i = 0; i < N; i++) {
      if (st.down[i] === 1) continue;
      for (let d = 0; d < D; d++) if (st.free[i * D + d] > maxFree[d]) maxFree[d] = st.free[i * D + d];
    }
    budget -= N;
    let possible = 0;
    for (let p = at; p < n; p++) {
      let fits = true;
      for (let d = 0; d < D; d++) if (ctx.dem[parts[p] * D + d] > maxFree[d]) fits = false;
      if (fits) possible++;
    }
    return placed + possible;
  };

  const search = (at: number, placed: number): void => {
    if (placed > bestCount) {
      bestCount = placed;
      best.set(assign);
    }
    if (at === n || budget <= 0 || bestCount === n) return;
    if (placed + (n - at) <= bestCount || bound(at, placed) <= bestCount) return;
    const k = parts[at];
    if (depsPlaced(ctx, st, k)) {
      for (const i of feasible(ctx, st, k, symmetric)) {
        st.place(k, i, false);
        assign[at] = i;
        search(at + 1, placed + 1);
        st.remove(k);
        assign[at] = -1;
        if (budget <= 0 || bestCount === n) return;
      }
    }
    search(at + 1, placed);
  };
  search(0, 0);
  parts.forEach((k, p) => {
    if (best[p] >= 0) st.place(k, best[p], false);
  });
}

/** Feasible nodes for task k, best fit first; nodes identical to one already listed are skipped. */
function feasible(ctx: Context, st: AllocState, k: number, symmetric: boolean): number[] {
  const group = ctx.groups[ctx.taskGroup[k]];
  const checks = countChecks(ctx, st, k);
  const dom = ctx.domDim[k];
  const out: { i: number; used: boolean; room: number }[] = [];
  const seen = new Set<string>();
  const plain = symmetric && group.constraints.length === 0;
  for (const i of group.cands) {
    if (st.down[i] === 1 || !resourcesFit(ctx, st, k, i) || !fixedPortsFree(ctx, st, k, i)) continue;
    if (checks.n > 0 && failedCount(checks, i) >= 0) continue;
    if (plain) {
      const key = `${ctx.cap.subarray(i * D, i * D + D).join()}|${st.free.subarray(i * D, i * D + D).join()}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push({ i, used: st.nodeTasks[i].length > 0, room: st.free[i * D + dom] });
  }
  // The binpack preference (search.ts): used nodes first, then the least room left, then name.
  out.sort((a, b) => (a.used === b.used ? a.room - b.room || a.i - b.i : a.used ? -1 : 1));
  return out.map((x) => x.i);
}

interface Site {
  readonly node: number;
  readonly deficit: number;
  readonly need: Float64Array;
  readonly mandatory: number[];
  readonly pool: number[];
}

function movable(ctx: Context, st: AllocState, k: number, v: number): boolean {
  return st.current[v] === 0 && ctx.jobs[ctx.taskJob[v]].binpack && ctx.effPrio[v] <= ctx.effPrio[k] && ctx.taskGroup[v] !== ctx.taskGroup[k];
}

/** (c) For each unplaced participant, in order: a node now free, else relocation. */
function relocateAll(ctx: Context, st: AllocState, parts: readonly number[]): void {
  let budget = RELOCATION_BUDGET;
  // A failed attempt for one instance predicts the next of the same group, unless something moved.
  const failedAt = new Map<number, number>();
  let version = 0;
  for (const k of parts) {
    if (st.status[k] === PLACED || !depsPlaced(ctx, st, k)) continue;
    const i = findBest(ctx, st, k, BINPACK);
    if (i >= 0) {
      st.place(k, i, false);
      version++;
      continue;
    }
    const g = ctx.taskGroup[k];
    if (budget <= 0 || failedAt.get(g) === version) continue;
    const spent = { attempts: 0 };
    if (relocate(ctx, st, k, budget, spent)) version++;
    else failedAt.set(g, version);
    budget -= spent.attempts;
  }
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

/** Moves `set` off `node` to other nodes and places k there, or changes nothing and returns false. */
function moveAndPlace(ctx: Context, st: AllocState, k: number, set: readonly number[], node: number): boolean {
  const mark = st.mark();
  for (const v of set) st.remove(v);
  const order = [...set].sort((a, b) => ctx.share[b] - ctx.share[a] || a - b);
  for (const v of order) {
    const j = findBest(ctx, st, v, BINPACK, node);
    if (j < 0) {
      st.rollback(mark);
      return false;
    }
    st.place(v, j, false);
  }
  if (!resourcesFit(ctx, st, k, node) || !fixedPortsFree(ctx, st, k, node)) {
    st.rollback(mark);
    return false;
  }
  st.place(k, node, false);
  st.commit();
  return true;
}

function relocate(ctx: Context, st: AllocState, k: number, budget: number, spent: { attempts: number }): boolean {
  for (const site of sites(ctx, st, k)) {
    const { node, need, mandatory, pool } = site;
    const rest = pool.filter((v) => !mandatory.includes(v));
    const sets: number[][] = [];
    if (mandatory.length > 0 && covers(ctx, mandatory, need)) sets.push(mandatory);
    for (const a of rest) if (covers(ctx, [...mandatory, a], need)) sets.push([...mandatory, a]);
    for (let x = 0; x < rest.length; x++) {
      for (let y = x + 1; y < rest.length; y++) {
        if (ctx.taskGroup[rest[x]] === ctx.taskGroup[rest[y]]) continue;
        const s = [...mandatory, rest[x], rest[y]];
        if (covers(ctx, s, need)) sets.push(s);
      }
    }
    // Fewest moves first, then the smallest tasks to move (they find a new node most easily).
    const size = (set: readonly number[]): number => set.reduce((s, v) => s + ctx.share[v], 0);
    sets.sort((a, b) => a.length - b.length || size(a) - size(b) || lexicographic(a, b));
    for (const set of sets) {
      if (spent.attempts >= budget) return false;
      spent.attempts++;
      if (moveAndPlace(ctx, st, k, set, node)) return true;
    }
  }
  return false;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
