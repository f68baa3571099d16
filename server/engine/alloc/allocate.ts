/**
 * allocate(): one deterministic function from nodes, jobs and the current state to a plan.
 *
 * 1. Keep `current` placements whose node is up and where they still fit (resources, ports,
 *    constraints other than GROUP_BY), in the order below; they are pinned.
 * 2. Place every other task in order (order.ts): blocked when a dependency is not placed or in a
 *    cycle; else the best node (search.ts); else, when its job allows, preempt strictly
 *    lower-priority tasks (preempt.ts), which are queued again; else unplaced.
 * 3. When a binpack task of a priority class is left unplaced, the improvement phase (improve.ts);
 *    small classes also try first fit for fewer nodes. At the end, two binpack steps for fewer
 *    nodes in use, moving only tasks placed in this call: the node swap (repack.ts) moves the task
 *    sets of several used nodes onto one empty larger node, then consolidation (consolidate.ts)
 *    empties lightly loaded nodes into nodes already in use. When these steps moved anything, the
 *    tasks still without a node are tried once more, in order (`retryFailed`).
 * 4. Dynamic port numbers, lowest free first, and the plan.
 */
import { type Context, compareTasks, computeShares, createContext } from './compiledInput';
import { D } from './nodeTables';
import { consolidate } from './consolidate';
import { repack } from './repack';
import { Heap } from './heap';
import { firstFitPass, improveClass, SMALL_CLASS } from './improve';
import { findPreemption } from './preempt';
import { assignDynamicPorts } from './ports';
import { BINPACK, SPREAD, countChecks, failedCount, findBest, fixedPortsFree, resourcesFit } from './search';
import { PlanHints, type PlanMemo } from './planHints';
import { downKey } from './taskMatch';
import { AllocState, BLOCKED, blockers, downMask, PLACED, UNPLACED } from './state';
import type { AllocationInput, Plan, PlanNode, TaskResult } from './types';

/** `ctx`: createContext(input), when the caller compiled it already (to share it with simulateFailover). */
export function allocate(input: AllocationInput, ctx: Context = createContext(input)): Plan {
  return allocateState(input, ctx).plan;
}

/**
 * allocate(), with the state it ends in (which the failover simulator can start from). `replay`:
 * record the greedy pass for the next call on an edited input, and take `previous` (such a record)
 * as hints (planHints.ts); not with running placements, which the greedy pass would start from.
 */
export function allocateState(
  input: AllocationInput,
  ctx: Context,
  replay?: { readonly previous: PlanMemo | undefined },
): { plan: Plan; st: AllocState; memo: PlanMemo | undefined; hints: PlanHints | undefined } {
  const st = new AllocState(ctx, downMask(ctx, input.down));
  const pending = placeCurrents(ctx, st, input.current);
  const hints = replay !== undefined && (input.current === undefined || input.current.size === 0) ? new PlanHints(ctx, st, input.nodes, downKey(input.down), replay.previous) : undefined;
  runQueue(ctx, st, pending, hints);
  return { plan: toPlan(ctx, st), st, memo: hints?.memo(), hints };
}


/** May the task stay on this node (a `current` placement)? */
export function keepable(ctx: Context, st: AllocState, k: number, node: number): boolean {
  if (st.down[node] === 1) return false;
  if (!binaryHas(ctx.groups[ctx.taskGroup[k]].cands, node)) return false;
  if (!resourcesFit(ctx, st, k, node) || !fixedPortsFree(ctx, st, k, node)) return false;
  const checks = countChecks(ctx, st, k, true);
  return checks.n === 0 || failedCount(checks, node) < 0;
}

function binaryHas(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return true;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Phase 1. Returns the tasks left to place (every task not kept). */
export function placeCurrents(ctx: Context, st: AllocState, current: ReadonlyMap<string, string> | undefined): number[] {
  const T = ctx.tasks.length;
  const target = new Int32Array(T).fill(-1);
  const kept: number[] = [];
  if (current !== undefined) {
    for (const [id, nodeName] of current) {
      const k = ctx.taskIndex.get(id);
      const i = ctx.nodeIndex.get(nodeName);
      if (k === undefined || i === undefined || st.down[i] === 1) continue;
      target[k] = i;
      kept.push(k);
    }
  }
  computeShares(ctx, st.upTotals(), kept);
  kept.sort((a, b) => compareTasks(ctx, a, b));
  for (const k of kept) if (keepable(ctx, st, k, target[k])) st.place(k, target[k], true);
  const pending: number[] = [];
  for (let k = 0; k < T; k++) if (st.status[k] !== PLACED) pending.push(k);
  return pending;
}

export function depsPlaced(ctx: Context, st: AllocState, k: number): boolean {
  for (const h of ctx.groups[ctx.taskGroup[k]].deps) if (st.groupPlaced[h] !== ctx.groups[h].members.length) return false;
  return true;
}

/**
 * Phases 2 and 3 over the given tasks (none of them placed). Statuses end in the state.
 * The improvement phase of a priority class runs when its greedy pass is over, before the next
 * (lower) class starts, and only when one of its binpack tasks was left unplaced.
 */
export function runQueue(ctx: Context, st: AllocState, queue: number[], hints?: PlanHints): void {
  computeShares(ctx, st.upTotals(), queue);
  hints?.arrange(queue);
  queue.sort((a, b) => compareTasks(ctx, a, b));
  // Evicted tasks queued again, in placement order.
  const requeued = new Heap((a, b) => compareTasks(ctx, a, b) < 0);
  let qi = 0;
  let classPriority = NaN;
  const classTasks: number[] = [];
  let improve = false;
  const removalsBefore = st.removals;
  const endClass = (): void => {
    if (improve) improveClass(ctx, st, classTasks);
    else if (classTasks.length <= SMALL_CLASS) firstFitPass(ctx, st, classTasks);
    classTasks.length = 0;
    improve = false;
  };
  while (qi < queue.length || requeued.size > 0) {
    const k = requeued.size > 0 && (qi >= queue.length || compareTasks(ctx, requeued.peek(), queue[qi]) < 0) ? requeued.pop() : queue[qi++];
    if (ctx.effPrio[k] !== classPriority) {
      endClass();
      classPriority = ctx.effPrio[k];
    }
    classTasks.push(k);
    if (ctx.cyclic[ctx.taskGroup[k]] === 1 || !depsPlaced(ctx, st, k)) {
      st.setStatus(k, BLOCKED);
      hints?.blocked(k);
      continue;
    }
    const job = ctx.jobs[ctx.taskJob[k]];
    const mode = job.binpack ? BINPACK : SPREAD;
    const node = hints === undefined ? findBest(ctx, st, k, mode) : hints.place(k, mode);
    if (node >= 0) {
      st.place(k, node, false);
      continue;
    }
    if (job.preemption && st.preempted[k] === 0) {
      st.readsAll();
      const p = findPreemption(ctx, st, k);
      if (p !== undefined) {
        st.markPreempted(k);
        computeShares(ctx, st.upTotals(), p.victims);
        for (const v of p.victims) {
          st.addEviction(v, k);
          st.remove(v);
          requeued.push(v);
        }
        st.place(k, p.node, false);
        continue;
      }
    }
    st.setStatus(k, UNPLACED);
    if (job.binpack) improve = true;
  }
  endClass();
  repack(ctx, st, queue);
  consolidate(ctx, st, queue);
  // Nothing moved off a node since the greedy pass began: no room opened for a failed task.
  if (st.removals > removalsBefore) retryFailed(ctx, st, queue);
}

/**
 * The steps after the greedy pass (improvement, which may trade one task for another; the node
 * swap; consolidation) move tasks off nodes and may leave room where a task found none. One more
 * pass over the tasks of this call left without a node, in order, places each that now fits (a
 * dependency placed here unblocks its dependants after it): no task ends without a node while one
 * has room for it. The tasks: those of `queue` and the evicted ones (some were `current`).
 */
function retryFailed(ctx: Context, st: AllocState, queue: readonly number[]): void {
  const failed: number[] = [];
  for (const k of queue) if (st.status[k] !== PLACED) failed.push(k);
  for (const e of st.evictions) if (st.status[e.task] !== PLACED) failed.push(e.task);
  const order = [...new Set(failed)].sort((a, b) => compareTasks(ctx, a, b));
  for (const k of order) {
    if (ctx.cyclic[ctx.taskGroup[k]] === 1 || !depsPlaced(ctx, st, k)) continue;
    const node = findBest(ctx, st, k, ctx.jobs[ctx.taskJob[k]].binpack ? BINPACK : SPREAD);
    if (node >= 0) st.place(k, node, false);
    else if (st.status[k] === BLOCKED) st.setStatus(k, UNPLACED);
  }
}

const NO_PORTS: readonly number[] = Object.freeze([]);

/** What a plan reads of the state it was made from, copied: the failover scenarios change the state after (and restore it). */
interface PlanState {
  readonly status: Uint8Array;
  readonly nodeOf: Int32Array;
  readonly free: Float64Array;
  readonly groupPlaced: Int32Array;
}

/**
 * The plan of the state `st` ends in. Its tasks and nodes (a map of every task, dynamic port
 * numbers, a record per node) are built when first read, from a copy of the state: the diagnostics
 * of an edit read neither unless some task is left without a node (`placedAll`), and building them
 * for 5,000 tasks on 1,000 nodes was about a sixth of a keystroke's plan.
 */
export function toPlan(ctx: Context, st: AllocState): Plan {
  const state: PlanState = { status: st.status.slice(), nodeOf: st.nodeOf.slice(), free: st.free.slice(), groupPlaced: st.groupPlaced.slice() };
  const placedAll = state.status.every((s) => s === PLACED);
  const evicted = st.evictions.map((e) => ({ task: ctx.tasks[e.task].id, from: ctx.nodes[e.from].name, by: ctx.tasks[e.by].id }));
  let body: Pick<Plan, 'tasks' | 'nodes'> | undefined;
  return {
    get tasks() {
      return (body ??= planBody(ctx, state)).tasks;
    },
    get nodes() {
      return (body ??= planBody(ctx, state)).nodes;
    },
    evicted,
    placedAll,
  };
}

function planBody(ctx: Context, st: PlanState): Pick<Plan, 'tasks' | 'nodes'> {
  const T = ctx.tasks.length;
  const N = ctx.nodes.length;
  // Per node, its tasks in index order and the fixed ports they hold.
  const nodeTasks: number[][] = Array.from({ length: N }, () => []);
  for (let k = 0; k < T; k++) if (st.status[k] === PLACED) nodeTasks[st.nodeOf[k]].push(k);
  const ports: (readonly number[])[] = new Array<readonly number[]>(T).fill(NO_PORTS);
  const nodes: PlanNode[] = ctx.nodes.map((n, i) => {
    let taken: Set<number> | undefined;
    let withPorts: number[] | undefined;
    for (const k of nodeTasks[i]) {
      if (ctx.dem[k * D + 4] > 0) (withPorts ??= []).push(k);
      for (const p of ctx.fixed[k]) (taken ??= new Set<number>()).add(p);
    }
    if (withPorts !== undefined) {
      taken ??= new Set<number>();
      for (const k of withPorts) if (ctx.fixed[k].length > 0) ports[k] = [...new Set(ctx.tasks[k].ports.fixed)];
      const withDynamic = withPorts.filter((k) => ctx.tasks[k].ports.dynamic > 0);
      const assigned = assignDynamicPorts(ctx.ranges[i], taken, withDynamic.map((k) => ctx.tasks[k].ports.dynamic));
      withDynamic.forEach((k, at) => (ports[k] = ports[k].length === 0 ? assigned[at] : [...ports[k], ...assigned[at]]));
    }
    const o = i * D;
    return {
      name: n.name,
      capacity: n.resources,
      allocated: { cpus: ctx.cap[o] - st.free[o], mem: ctx.cap[o + 1] - st.free[o + 1], disk: ctx.cap[o + 2] - st.free[o + 2], gpus: ctx.cap[o + 3] - st.free[o + 3] },
      portsUsed: taken === undefined || taken.size === 0 ? NO_PORTS : [...taken].sort((a, b) => a - b),
    };
  });
  // The tasks without ports on one node share one result (results are read-only).
  const placedOn = new Array<TaskResult | undefined>(N);
  const tasks = new Map<string, TaskResult>();
  for (let k = 0; k < T; k++) {
    const id = ctx.tasks[k].id;
    if (st.status[k] === PLACED) {
      const i = st.nodeOf[k];
      if (ports[k] === NO_PORTS) tasks.set(id, (placedOn[i] ??= { kind: 'placed', node: ctx.nodes[i].name, ports: NO_PORTS }));
      else tasks.set(id, { kind: 'placed', node: ctx.nodes[i].name, ports: ports[k] });
      continue;
    }
    const by = blockers(ctx, st.groupPlaced, k);
    tasks.set(id, by !== undefined ? { kind: 'blocked', blockedBy: by } : { kind: 'unplaced' });
  }
  return { tasks, nodes };
}
