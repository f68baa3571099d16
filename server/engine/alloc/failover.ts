/**
 * Failover simulation (SPEC.md §3). A scenario loses some nodes; every other placement stays;
 * the lost tasks are placed again by allocate()'s own phases. The contract with the live
 * controller: a scenario equals what allocate({...input, current: plan minus lost, down: lost})
 * gives (`scenarioByAllocate`, the general path). The fast path below gets there incrementally:
 * it keeps the plan's placements once (phase 1 of allocate, with every placement as `current`),
 * then per scenario removes the lost nodes' tasks, runs phases 2–3 on them and on the tasks the
 * plan could not place, reads the result and restores the state. That equals the general path
 * because a valid plan's placements on the surviving nodes are exactly what phase 1 keeps (every
 * subset of a valid placement is valid, and phase 1 keeps valid placements in any order); when
 * the plan is not valid for this input, each scenario takes the general path instead. A plan just
 * made by allocate() on the same compiled input (planAndSimulate) skips phase 1: the state it
 * ended in already holds those placements and only has to mark them `current`.
 * Per scenario the lost nodes go down before their tasks are removed (the node orders then leave
 * them where they are), and every phase that cannot change anything returns early.
 */
import { attributeOf } from '../model';
import { allocate, placeCurrents, runQueue } from './allocate';
import { downMask } from './state';
import type { Context } from './compiledInput';
import { explainIn, explainTask } from './explain';
import type { ReadLog } from './scenarioReads';
import { AllocState, PLACED } from './state';
import type { AllocationInput, FailoverLoss, FailoverMove, FailoverOptions, Plan, ScenarioOutcome, ScenarioSpec } from './types';

const DEFAULT_MAX_SCENARIOS = 20000;

/**
 * Tasks per scenario whose loss is explained in full (in task id order). Explaining costs a pass
 * over every node; a scenario that strands thousands of tasks (a whole zone) would spend seconds
 * on it, so the rest get a short reason. Hover and `explainTask` still explain any task on request.
 */
export const EXPLAINED_PER_SCENARIO = 25;

/** A scan stopped because its caller said so (FailoverOptions.interrupted): it has no result. */
export class Interrupted extends Error {
  constructor() {
    super('the failover scan was interrupted');
    this.name = 'Interrupted';
  }
}

/** Throws Interrupted when the caller asks for the scan to stop. */
export function checkpoint(options: FailoverOptions): void {
  if (options.interrupted?.() === true) throw new Interrupted();
}
const UNEXPLAINED = 'no surviving node has room for it (explained in full for the first tasks of this scenario)';

/** Does no scenario leave a task (of `job`, when given) without a node? */
export function isSafe(input: AllocationInput, scenarios: readonly ScenarioOutcome[], job: string | undefined): boolean {
  if (scenarios.every((s) => s.unplaced.length === 0)) return true;
  if (job === undefined) return false;
  const ids = new Set<string>();
  for (const j of input.jobs) if (j.name === job) for (const t of j.tasks) ids.add(t.id);
  return scenarios.every((s) => s.unplaced.every((u) => !ids.has(u.task)));
}

/** Single nodes, then sets of 2..tolerate nodes (cut at maxScenarios), then failure domains. */
export function enumerateScenarios(
  ctx: Context,
  down: ReadonlySet<string> | undefined,
  options: FailoverOptions,
): { scenarios: ScenarioSpec[]; truncated: boolean } {
  const up = ctx.nodes.filter((n) => down === undefined || !down.has(n.name)).map((n) => n.name);
  // `tolerate: 0` asks for no node-loss scenarios at all (failure domains are asked for apart).
  const singles: ScenarioSpec[] = options.tolerate >= 1 ? up.map((n) => ({ lost: [n], kind: 'node' })) : [];
  const domains: ScenarioSpec[] = [];
  const seen = new Set<string>();
  for (const attribute of options.domains) {
    if (seen.has(attribute)) continue;
    seen.add(attribute);
    const byValue = new Map<string, string[]>();
    for (const n of ctx.nodes) {
      if (down !== undefined && down.has(n.name)) continue;
      const v = attributeOf(n, attribute);
      if (typeof v !== 'string') continue;
      const list = byValue.get(v);
      if (list === undefined) byValue.set(v, [n.name]);
      else list.push(n.name);
    }
    for (const value of [...byValue.keys()].sort()) domains.push({ lost: byValue.get(value) as string[], kind: 'domain', domain: { attribute, value } });
  }
  const max = options.maxScenarios ?? DEFAULT_MAX_SCENARIOS;
  let room = Math.max(0, max - singles.length - domains.length);
  const sets: ScenarioSpec[] = [];
  let truncated = false;
  const tolerate = Math.min(Math.floor(options.tolerate), up.length);
  for (let size = 2; size <= tolerate && !truncated; size++) {
    const idx = Array.from({ length: size }, (_, i) => i);
    for (;;) {
      if (room === 0) {
        truncated = true;
        break;
      }
      sets.push({ lost: idx.map((i) => up[i]), kind: 'set' });
      room--;
      let j = size - 1;
      while (j >= 0 && idx[j] === up.length - size + j) j--;
      if (j < 0) break;
      idx[j]++;
      for (let m = j + 1; m < size; m++) idx[m] = idx[m - 1] + 1;
    }
  }
  return { scenarios: [...singles, ...sets, ...domains], truncated };
}

/** Runs scenarios against one plan; incremental when the plan is valid for the input. */
export class FailoverSimulator {
  private readonly st: AllocState;
  /** Tasks the plan left without a node: every scenario tries them again. */
  readonly pending: readonly number[];
  private readonly exact: boolean;

  /**
   * `planned`: the state allocate(input) ended in when it made `plan` (allocateState); taken over
   * (phase 1 on the plan would rebuild the same placements).
   */
  constructor(
    private readonly ctx: Context,
    private readonly input: AllocationInput,
    private readonly plan: Plan,
    planned?: AllocState,
  ) {
    if (planned !== undefined) {
      planned.keepAllAsCurrent();
      this.st = planned;
      const pending: number[] = [];
      for (let k = 0; k < ctx.tasks.length; k++) if (planned.status[k] !== PLACED) pending.push(k);
      this.pending = pending;
      this.exact = true;
      return;
    }
    const placements = placementsOf(plan);
    this.st = new AllocState(ctx, downMask(ctx, input.down));
    this.pending = placeCurrents(ctx, this.st, placements);
    let kept = 0;
    for (const [id, node] of placements) {
      const k = ctx.taskIndex.get(id);
      if (k !== undefined && this.st.status[k] === PLACED && ctx.nodes[this.st.nodeOf[k]].name === node) kept++;
    }
    this.exact = kept === placements.size;
  }

  /** The state the scenarios start from (the plan's placements); read only. */
  get state(): AllocState | undefined {
    return this.exact ? this.st : undefined;
  }

  /** `reads`: records what the scenario reads of the state (scenarioReads.ts), when given. */
  run(lostNames: readonly string[], reads?: ReadLog): ScenarioOutcome {
    if (!this.exact) {
      if (reads !== undefined) reads.all = true;
      return scenarioByAllocate(this.input, this.plan, lostNames);
    }
    const { ctx, st } = this;
    st.reads = reads;
    const mark = st.mark();
    const lost: number[] = [];
    const from = new Map<number, number>();
    for (const name of lostNames) {
      const i = ctx.nodeIndex.get(name);
      if (i === undefined || st.down[i] === 1) continue;
      st.setDown(i);
      for (const k of [...st.nodeTasks[i]]) {
        from.set(k, i);
        st.remove(k);
        lost.push(k);
      }
    }
    runQueue(ctx, st, [...this.pending, ...lost]);
    const evicted = st.evictions.map((e) => {
      if (!from.has(e.task)) from.set(e.task, e.from);
      return { task: ctx.tasks[e.task].id, from: ctx.nodes[e.from].name, by: ctx.tasks[e.by].id };
    });
    const evictedBy = new Map(st.evictions.map((e) => [e.task, e.by]));
    const moves: FailoverMove[] = [];
    const unplaced: FailoverLoss[] = [];
    let explained = 0;
    for (const k of [...from.keys()].sort((a, b) => a - b)) {
      const task = ctx.tasks[k].id;
      const fromName = ctx.nodes[from.get(k) as number].name;
      if (st.status[k] === PLACED) {
        if (st.nodeOf[k] !== from.get(k)) moves.push({ task, from: fromName, to: ctx.nodes[st.nodeOf[k]].name });
        continue;
      }
      const by = evictedBy.get(k);
      st.readsAll();
      const why = explained++ < EXPLAINED_PER_SCENARIO ? explainIn(ctx, st, k).summary : UNEXPLAINED;
      unplaced.push({ task, from: fromName, reason: by === undefined ? why : `evicted by ${ctx.tasks[by].id}; ${why}` });
    }
    st.rollback(mark);
    st.reads = undefined;
    return { moves, evicted, unplaced };
  }
}

/** A plan's placements: task id → node name. */
export function placementsOf(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of plan.tasks) if (r.kind === 'placed') out.set(id, r.node);
  return out;
}

/** The general path: allocate() with the plan minus the lost nodes as current, and the diff. */
export function scenarioByAllocate(input: AllocationInput, plan: Plan, lostNames: readonly string[]): ScenarioOutcome {
  const lostSet = new Set(lostNames);
  const before = placementsOf(plan);
  const current = new Map<string, string>();
  for (const [id, node] of before) if (!lostSet.has(node)) current.set(id, node);
  const down = new Set([...(input.down ?? []), ...lostNames]);
  const scenarioInput: AllocationInput = { ...input, current, down };
  const after = allocate(scenarioInput);
  const evictedBy = new Map(after.evicted.map((e) => [e.task, e.by]));
  const touched = [...before].filter(([id, node]) => lostSet.has(node) || evictedBy.has(id)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const moves: FailoverMove[] = [];
  const unplaced: FailoverLoss[] = [];
  let explained = 0;
  for (const [task, from] of touched) {
    const r = after.tasks.get(task);
    if (r !== undefined && r.kind === 'placed') {
      if (r.node !== from) moves.push({ task, from, to: r.node });
      continue;
    }
    const by = evictedBy.get(task);
    const why = explained++ < EXPLAINED_PER_SCENARIO ? explainTask(scenarioInput, after, task).summary : UNEXPLAINED;
    unplaced.push({ task, from, reason: by === undefined ? why : `evicted by ${by}; ${why}` });
  }
  return { moves, evicted: after.evicted.map((e) => ({ ...e })), unplaced };
}
