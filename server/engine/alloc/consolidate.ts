/**
 * Binpack's last step: fewer nodes in use. The least loaded nodes whose tasks were all placed in
 * this call by binpack jobs (not `current` ones, which are pinned) are emptied when every one of
 * their tasks fits on another node already in use (through the same filter as any placement).
 * Nothing is unplaced and no empty node is opened; bounded, so it costs little when nothing moves.
 */
import type { Context } from './compiledInput';
import { BINPACK, findBest } from './search';
import type { AllocState } from './state';

const D = 5;
/** Nodes tried per allocation. */
const ATTEMPTS = 24;

function movable(ctx: Context, st: AllocState, v: number): boolean {
  return st.current[v] === 0 && ctx.jobs[ctx.taskJob[v]].binpack;
}

/** Load of a node: the sum over dimensions of its used share. */
function load(ctx: Context, st: AllocState, i: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += (ctx.cap[i * D + d] - st.free[i * D + d]) * ctx.invCap[i * D + d];
  return s;
}

/** `placed`: the tasks this call placed (the only ones that may move). */
export function consolidate(ctx: Context, st: AllocState, placed: readonly number[]): void {
  const seen = new Set<number>();
  const candidates: { i: number; load: number }[] = [];
  for (const k of placed) {
    const i = st.nodeOf[k];
    if (i < 0 || seen.has(i)) continue;
    seen.add(i);
    if (st.nodeTasks[i].every((v) => movable(ctx, st, v))) candidates.push({ i, load: load(ctx, st, i) });
  }
  if (candidates.length === 0) return;
  candidates.sort((a, b) => a.load - b.load || a.i - b.i);
  for (const { i } of candidates.slice(0, ATTEMPTS)) {
    const tasks = [...st.nodeTasks[i]].sort((a, b) => ctx.share[b] - ctx.share[a] || a - b);
    if (tasks.length === 0) continue;
    const mark = st.mark();
    for (const v of tasks) st.remove(v);
    let ok = true;
    for (const v of tasks) {
      const j = findBest(ctx, st, v, BINPACK, i);
      if (j < 0 || st.nodeTasks[j].length === 0) {
        ok = false;
        break;
      }
      st.place(v, j, false);
    }
    if (ok) st.commit();
    else st.rollback(mark);
  }
}
