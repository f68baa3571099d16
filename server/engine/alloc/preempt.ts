/**
 * Preemption: a task that fits nowhere may evict strictly lower-priority tasks (by effective
 * priority, see order.ts). The node chosen is the one where the fewest evictions make room; ties
 * by the lowest evicted priorities (the highest evicted priority as low as possible, then the
 * next…), then by node name. Within a node, the smallest covering set is found exactly when the
 * number of combinations is small, else greedily by how much of the deficit each victim covers.
 * Instances of the task's own group share its priority, so they are never victims and the
 * counting constraints of the task are not changed by evictions.
 */
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { countChecks, failedCount } from './search';
import type { AllocState } from './state';

export interface Preemption {
  readonly node: number;
  readonly victims: readonly number[];
}

const COMBINATION_BUDGET = 4096;

interface Choice {
  readonly node: number;
  readonly victims: number[];
  /** Victims' effective priorities, descending. */
  readonly prios: number[];
}

function better(a: Choice, b: Choice): boolean {
  if (a.victims.length !== b.victims.length) return a.victims.length < b.victims.length;
  for (let i = 0; i < a.prios.length; i++) if (a.prios[i] !== b.prios[i]) return a.prios[i] < b.prios[i];
  const av = [...a.victims].sort((x, y) => x - y);
  const bv = [...b.victims].sort((x, y) => x - y);
  for (let i = 0; i < av.length; i++) if (av[i] !== bv[i]) return av[i] < bv[i];
  return a.node < b.node;
}

function choice(ctx: Context, node: number, victims: number[]): Choice {
  const prios = victims.map((v) => ctx.effPrio[v]).sort((x, y) => y - x);
  return { node, victims, prios };
}

export function findPreemption(ctx: Context, st: AllocState, k: number): Preemption | undefined {
  const cands = ctx.groups[ctx.taskGroup[k]].cands;
  const checks = countChecks(ctx, st, k);
  const prio = ctx.effPrio[k];
  const t = k * D;
  let best: Choice | undefined;
  for (const i of cands) {
    if (st.down[i] === 1) continue;
    if (checks.n > 0 && failedCount(checks, i) >= 0) continue;
    let possible = true;
    for (let d = 0; d < D; d++) if (ctx.cap[i * D + d] < ctx.dem[t + d]) possible = false;
    if (!possible) continue;
    const pool = st.nodeTasks[i].filter((v) => ctx.effPrio[v] < prio).sort((a, b) => ctx.effPrio[a] - ctx.effPrio[b] || a - b);
    // Fixed ports: each must be in a range; a holder must be evictable and is then mandatory.
    const mandatory: number[] = [];
    const h = st.holders[i];
    for (const p of ctx.fixed[k]) {
      if (!ctx.ranges[i].some((r) => r.from <= p && p <= r.to)) possible = false;
      const holder = h?.get(p);
      if (holder === undefined) continue;
      if (!pool.includes(holder)) possible = false;
      else if (!mandatory.includes(holder)) mandatory.push(holder);
    }
    if (!possible) continue;
    const need = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      need[d] = ctx.dem[t + d] - st.free[i * D + d];
      for (const m of mandatory) need[d] -= ctx.dem[m * D + d];
    }
    const rest = pool.filter((v) => !mandatory.includes(v));
    const extra = coveringSet(ctx, rest, need);
    if (extra === undefined) continue;
    if (mandatory.length + extra.length === 0) continue; // it fits without evictions: not our case
    const c = choice(ctx, i, [...mandatory, ...extra]);
    if (best === undefined || better(c, best)) best = c;
  }
  return best === undefined ? undefined : { node: best.node, victims: best.victims };
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

function binomial(n: number, r: number): number {
  let x = 1;
  for (let i = 0; i < r; i++) x = (x * (n - i)) / (i + 1);
  return x;
}

/** The smallest subset of `pool` (sorted by priority asc, id) whose removal covers `need`. */
function coveringSet(ctx: Context, pool: readonly number[], need: Float64Array): number[] | undefined {
  if (covers(ctx, [], need)) return [];
  if (!covers(ctx, pool, need)) return undefined;
  let spent = 0;
  for (let size = 1; size <= pool.length; size++) {
    const combos = binomial(pool.length, size);
    if (spent + combos > COMBINATION_BUDGET) return greedyCover(ctx, pool, need);
    spent += combos;
    let best: Choice | undefined;
    const idx = Array.from({ length: size }, (_, i) => i);
    for (;;) {
      const set = idx.map((i) => pool[i]);
      if (covers(ctx, set, need)) {
        const c = choice(ctx, -1, set);
        if (best === undefined || better(c, best)) best = c;
      }
      let j = size - 1;
      while (j >= 0 && idx[j] === pool.length - size + j) j--;
      if (j < 0) break;
      idx[j]++;
      for (let m = j + 1; m < size; m++) idx[m] = idx[m - 1] + 1;
    }
    if (best !== undefined) return best.victims;
  }
  return undefined;
}

/** Largest normalised contribution to the remaining deficit first; ties by priority, then id. */
function greedyCover(ctx: Context, pool: readonly number[], need: Float64Array): number[] | undefined {
  const left = Float64Array.from(need);
  const remaining = [...pool];
  const out: number[] = [];
  while (!covers(ctx, out, need)) {
    let bestAt = -1;
    let bestGain = 0;
    remaining.forEach((v, at) => {
      let gain = 0;
      for (let d = 0; d < D; d++) if (left[d] > 0) gain += Math.min(ctx.dem[v * D + d], left[d]) / need[d];
      if (gain > bestGain) {
        bestGain = gain;
        bestAt = at;
      }
    });
    if (bestAt < 0) return undefined;
    const v = remaining.splice(bestAt, 1)[0];
    out.push(v);
    for (let d = 0; d < D; d++) left[d] -= ctx.dem[v * D + d];
  }
  return out;
}
