/**
 * The allocator's compiled view of an input, built once per call: nodes sorted by name, tasks by
 * id (both deduplicated so that any permutation of the input gives the same view), resources in
 * typed arrays, task groups (the instances of one task of one job, a Marathon app) with their
 * dependencies, order keys, compiled constraints and statically filtered candidate nodes.
 * Nothing here depends on `current` or `down`: those belong to the state.
 * What depends on the nodes alone is kept per nodes array (nodeTables.ts), and the task side of
 * the last input on the same nodes is reused where the next input provably agrees with it.
 */
import type { Constraint, TaskInstance } from '../model';
import { type CompiledConstraint, Dyn, type FieldTable, staticAccepts } from './constraints';
import { D, type NodeTables, nodeTablesOf, quantity, type Universe } from './nodeTables';
import { analyzeDependencies, type DependencyAnalysis } from './order';
import { inRanges, uniquePorts } from './ports';
import { type GroupTask, type OrderHint, type TaskGroups, groupsOf, sameInstance, sameItems, sameNumbers, sameShape, tasksById } from './taskGroups';
import { dependenciesOf, everySameConstraints } from './inputReuse';
import type { AllocationInput } from './types';

// Dimensions in typed arrays: cpus, mem, disk, gpus, then the port count. D (their number) lives
// in nodeTables.ts; import it from there: a re-export here compiles to a getter, read in the
// allocator's hottest loops.
export const PORTS = 4;
export const RESOURCE_KEYS = ['cpus', 'mem', 'disk', 'gpus'] as const;

export interface JobInfo {
  readonly name: string;
  readonly binpack: boolean;
  readonly preemption: boolean;
}

/** A GROUP_BY constraint of a group: which nodes make up its groups of values. */
export interface GroupByUniverse {
  readonly field: number;
  /** 1 for nodes that pass the group's static constraints and can hold an instance when empty. */
  readonly member: Uint8Array;
  /** Member nodes per value (down nodes included; the state discounts them). */
  readonly nodesPerValue: Int32Array;
}

export interface GroupInfo {
  readonly job: number;
  readonly task: string;
  /** Task indices, ascending (id order). */
  readonly members: number[];
  readonly deps: number[];
  readonly constraints: readonly CompiledConstraint[];
  /** Valid constraints with a counting part, and the state slot holding their counts. */
  readonly dynamic: readonly CompiledConstraint[];
  readonly dynamicSlot: Int32Array;
  /** Per entry of `dynamic`: index into `universes` for GROUP_BY, else -1. */
  readonly dynamicUniverse: Int32Array;
  /** Counting slots of this group (one per field). */
  readonly slots: readonly number[];
  /** Up-or-down nodes passing every static constraint, ascending (name order). */
  readonly cands: Int32Array;
  /** The same as a mask over nodes; undefined when every node is a candidate. */
  readonly candMask: Uint8Array | undefined;
}

/**
 * Everything but the scratch arrays is read only, and may be shared with other contexts of the
 * same nodes (see nodeTables.ts) or of an input that agrees with this one (see `Previous`).
 */
export interface Context extends Pick<NodeTables, 'nodes' | 'nodeIndex' | 'cap' | 'invCap' | 'ranges' | 'integralCap'> {
  readonly tasks: readonly TaskInstance[];
  readonly taskIndex: ReadonlyMap<string, number>;
  readonly dem: Float64Array;
  readonly fixed: readonly (readonly number[])[];
  readonly taskGroup: Int32Array;
  readonly taskJob: Int32Array;
  readonly effPrio: Float64Array;
  readonly level: Int32Array;
  readonly jobs: readonly JobInfo[];
  readonly groups: readonly GroupInfo[];
  readonly cyclic: Uint8Array;
  /** Per group: the names of the tasks of its dependency cycle (sorted), when cyclic. */
  readonly cycleNames: readonly (readonly string[] | undefined)[];
  readonly fields: readonly FieldTable[];
  /** Field of each counting slot. */
  readonly slotField: Int32Array;
  readonly universes: readonly GroupByUniverse[];
  /** Scratch, per task, written by computeShares for the tasks a run orders. Never shared. */
  readonly share: Float64Array;
  readonly domDim: Uint8Array;
  /** Scratch, per node, for one phase at a time (repack.ts). Never shared. */
  readonly nodeScratch: Float64Array;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const NONE: readonly CompiledConstraint[] = Object.freeze([]);
const NO_INTS = new Int32Array(0);
const NO_SLOTS: readonly number[] = Object.freeze([]);

/**
 * The task side of the last context compiled on the same nodes. The next input reuses what it
 * provably agrees on (checked here, element by element, never assumed): an editor's edit changes
 * one task of thousands, and the id order, the groups, the dependencies and the compiled
 * constraints stay.
 */
interface Previous extends TaskGroups, OrderHint {
  readonly tasks: readonly TaskInstance[];
  readonly taskJob: Int32Array;
  readonly dem: Float64Array;
  readonly fixed: readonly (readonly number[])[];
  readonly effPrio: Float64Array;
  readonly level: Int32Array;
  /** Per group: its first member's dependsOn, which `deps` resolves. */
  readonly dependsOn: readonly (readonly string[])[];
  readonly deps: readonly number[][];
  readonly groupPrio: Float64Array;
  readonly analysis: DependencyAnalysis;
  readonly cycleNames: readonly (readonly string[] | undefined)[];
  /** Per group: its first member's constraints, which `compiled` compiles. */
  readonly constraintsOf: readonly (readonly Constraint[])[];
  readonly compiled: CompiledGroups;
}

const previousOf = new WeakMap<NodeTables, Previous>();

export function createContext(input: AllocationInput): Context {
  const shared = nodeTablesOf(input.nodes);
  const prev = previousOf.get(shared);
  const N = shared.nodes.length;

  // Jobs: one per name, settings from the first in a canonical order.
  const jobsSorted = [...input.jobs].sort(
    (a, b) => byString(a.name, b.name) || byString(a.strategy, b.strategy) || Number(a.preemption) - Number(b.preemption),
  );
  const jobs: JobInfo[] = [];
  const jobIndex = new Map<string, number>();
  for (const j of jobsSorted) {
    if (jobIndex.has(j.name)) continue;
    jobIndex.set(j.name, jobs.length);
    jobs.push({ name: j.name, binpack: j.strategy !== 'spread', preemption: j.preemption });
  }

  // Tasks by id; duplicate ids keep the first by a canonical key.
  const { tasks, taskJob, order, all, jobOf } = tasksById(input, jobIndex, prev);
  const T = tasks.length;
  // The same ids, jobs and task names in the same places as the previous input: the same groups.
  const same = prev !== undefined && sameShape(prev, tasks, taskJob) ? prev : undefined;
  const taskGroups = same ?? groupsOf(tasks, taskJob, jobs.length);
  const { taskGroup, groupTasks } = taskGroups;
  const dem = new Float64Array(T * D);
  const fixed: (readonly number[])[] = [];
  // An instance the input shares with the previous one (an untouched task), or one equal to it (a
  // task an edit above only moved), has the same row.
  const prevTasks = same?.tasks ?? [];
  const prevDem = same?.dem;
  const prevFixed = same?.fixed ?? [];
  // The groups with a member that is not the previous input's object (with the same groups): an
  // unchanged group's dependencies, priority and constraints are its previous ones, and only the
  // others are read again (reading every group's first member cost more than the rest).
  const touched: number[] = [];
  const isTouched = new Uint8Array(same === undefined ? 0 : groupTasks.length);
  for (let k = 0; k < T; k++) {
    const t = tasks[k];
    if (same !== undefined && prevTasks[k] !== t && isTouched[taskGroup[k]] === 0) {
      isTouched[taskGroup[k]] = 1;
      touched.push(taskGroup[k]);
    }
    if (prevDem !== undefined && prevTasks[k] !== undefined && sameInstance(prevTasks[k], t)) {
      fixed.push(prevFixed[k]);
      for (let d = 0; d < D; d++) dem[k * D + d] = prevDem[k * D + d];
      continue;
    }
    const f = uniquePorts(t.ports.fixed);
    fixed.push(f);
    const r = t.resources;
    const o = k * D;
    dem[o] = quantity(r.cpus);
    dem[o + 1] = quantity(r.mem);
    dem[o + 2] = quantity(r.disk);
    dem[o + 3] = quantity(r.gpus);
    dem[o + 4] = quantity(t.ports.dynamic) + f.length;
  }

  // Dependencies between groups of the same job; unknown names are ignored (the rules report them).
  const G = groupTasks.length;
  const firstOf = (g: number): TaskInstance => tasks[groupTasks[g].members[0]];
  const prevDependsOn = same?.dependsOn ?? [];
  const { dependsOn, deps } = same !== undefined && touched.every((g) => sameItems(prevDependsOn[g], firstOf(g).dependsOn)) ? same : dependenciesOf(taskGroups, firstOf, same);
  const prioOf = (g: number): number => {
    let p = -Infinity;
    for (const k of groupTasks[g].members) if (tasks[k].priority > p) p = tasks[k].priority;
    return Number.isFinite(p) ? p : 0;
  };
  let groupPrio: Float64Array;
  if (same !== undefined) {
    groupPrio = same.groupPrio.slice();
    for (const g of touched) groupPrio[g] = prioOf(g);
  } else {
    groupPrio = new Float64Array(G);
    for (let g = 0; g < G; g++) groupPrio[g] = prioOf(g);
  }
  const reuse = same !== undefined && deps === same.deps && sameNumbers(same.groupPrio, groupPrio) ? same : undefined;
  const analysis = reuse?.analysis ?? analyzeDependencies(deps, groupPrio);
  const cycleNames = reuse?.cycleNames ?? namesOfCycles(analysis, (h) => groupTasks[h].task);

  // Constraints: the previous input's when every group's constraints, dependencies and, where
  // constrained, demand are the same (equal constraints as new objects too: compiling reads no span).
  let constraintsOf: (readonly Constraint[])[];
  if (same !== undefined) {
    constraintsOf = same.constraintsOf.slice();
    for (const g of touched) constraintsOf[g] = firstOf(g).constraints;
  } else constraintsOf = groupTasks.map((_, g) => firstOf(g).constraints);
  const compiled =
    same === undefined || deps !== same.deps || !everySameConstraints(touched, constraintsOf, same.constraintsOf, groupTasks, dem, same.dem)
      ? compileGroups(shared, groupTasks, deps, constraintsOf, dem, same?.compiled.groups)
      : same.compiled;

  // The same groups and dependency analysis: the same order keys.
  let effPrio: Float64Array;
  let level: Int32Array;
  if (reuse !== undefined) ({ effPrio, level } = reuse);
  else {
    effPrio = new Float64Array(T);
    level = new Int32Array(T);
    for (let k = 0; k < T; k++) {
      effPrio[k] = analysis.effectivePriority[taskGroup[k]];
      level[k] = analysis.level[taskGroup[k]];
    }
  }
  // Kept only for nodes seen before: a one-off input (a capacity suggestion's enlarged cluster, a
  // fresh copy) leaves nothing behind to outlive its context.
  if (shared.uses > 1) previousOf.set(shared, { ...taskGroups, tasks, taskJob, order, all, jobOf, dem, fixed, effPrio, level, dependsOn, deps, groupPrio, analysis, cycleNames, constraintsOf, compiled });
  return {
    nodes: shared.nodes,
    nodeIndex: shared.nodeIndex,
    cap: shared.cap,
    invCap: shared.invCap,
    ranges: shared.ranges,
    tasks,
    taskIndex: taskGroups.taskIndex,
    dem,
    fixed,
    taskGroup,
    taskJob,
    effPrio,
    level,
    jobs,
    groups: compiled.groups,
    cyclic: analysis.cyclic,
    cycleNames,
    fields: compiled.fields,
    slotField: compiled.slotField,
    universes: compiled.universes,
    integralCap: shared.integralCap,
    share: new Float64Array(T),
    domDim: new Uint8Array(T),
    nodeScratch: new Float64Array(N),
  };
}

interface CompiledGroups {
  readonly groups: readonly GroupInfo[];
  readonly fields: readonly FieldTable[];
  readonly slotField: Int32Array;
  readonly universes: readonly GroupByUniverse[];
}

/**
 * Constraints compiled per group: field indices are this context's (in order of first use), the
 * tables, static parts, candidates and universes shared per nodes (nodeTables.ts). An
 * unconstrained group is the previous input's (`old`) when its members and dependencies are.
 */
function compileGroups(
  shared: NodeTables,
  groupTasks: readonly GroupTask[],
  deps: readonly number[][],
  constraintsOf: readonly (readonly Constraint[])[],
  dem: Float64Array,
  old: readonly GroupInfo[] | undefined,
): CompiledGroups {
  shared.turn();
  const fields: FieldTable[] = [];
  const fieldIndex = new Map<string, number>();
  const fieldOf = (name: string): number => {
    let f = fieldIndex.get(name);
    if (f === undefined) {
      f = fields.length;
      fields.push(shared.table(name));
      fieldIndex.set(name, f);
    }
    return f;
  };
  const slotField: number[] = [];
  const universes: GroupByUniverse[] = [];
  const universeByKey = new Map<string, GroupByUniverse>();
  const groups = groupTasks.map((gt, g): GroupInfo => {
    const given = constraintsOf[g];
    if (given.length === 0) {
      // Most groups: every node a candidate, nothing to count (shared empty tables).
      const was = old?.[g];
      if (was !== undefined && was.constraints === NONE && was.members === gt.members && was.deps === deps[g] && was.cands === shared.all) return was;
      return { job: gt.job, task: gt.task, members: gt.members, deps: deps[g], constraints: NONE, dynamic: NONE, dynamicSlot: NO_INTS, dynamicUniverse: NO_INTS, slots: NO_SLOTS, cands: shared.all, candMask: undefined };
    }
    const keys = given.map((c) => JSON.stringify([c.field, c.operator, c.value ?? null]));
    const constraints: CompiledConstraint[] = given.map((c, i) => {
      const field = fieldOf(c.field);
      const { dyn, n, valid, staticOk } = shared.staticPart(keys[i], c);
      return { source: c, field, operator: c.operator, dyn, n, valid, staticOk };
    });
    const signature = keys.sort(byString).join('\n');
    const found = shared.candidatesOf(signature, (i) => constraints.every((c) => staticAccepts(fields, c, i)));
    const cands = found.cands;
    const dynamic = constraints.filter((c) => c.valid && c.dyn !== Dyn.None);
    const slotOfField = new Map<number, number>();
    const dynamicSlot = new Int32Array(dynamic.length);
    const dynamicUniverse = new Int32Array(dynamic.length).fill(-1);
    dynamic.forEach((c, i) => {
      let s = slotOfField.get(c.field);
      if (s === undefined) {
        s = slotField.length;
        slotField.push(c.field);
        slotOfField.set(c.field, s);
      }
      dynamicSlot[i] = s;
      if (c.dyn === Dyn.GroupBy) {
        dynamicUniverse[i] = universes.length;
        // The same field, candidates and demand give the same universe (tables shared, read only).
        const k = gt.members[0];
        const o = k * D;
        // A demand that fits on every candidate gives the universe of every such demand.
        let within = true;
        for (let d = 0; d < D; d++) if (dem[o + d] > found.minCap[d]) within = false;
        const key = `${c.source.field}|${signature}|${within ? 'within' : `${dem[o]},${dem[o + 1]},${dem[o + 2]},${dem[o + 3]},${dem[o + 4]}`}`;
        let u = universeByKey.get(key);
        if (u === undefined) {
          const { member, nodesPerValue } = shared.universe(key, () => groupByUniverse(fields[c.field], cands, shared.cap, dem, k));
          universeByKey.set(key, (u = { field: c.field, member, nodesPerValue }));
        }
        universes.push(u);
      }
    });
    return { job: gt.job, task: gt.task, members: gt.members, deps: deps[g], constraints, dynamic, dynamicSlot, dynamicUniverse, slots: [...slotOfField.values()], cands, candMask: found.mask };
  });
  return { groups, fields, slotField: Int32Array.from(slotField), universes };
}

function groupByUniverse(table: FieldTable, cands: Int32Array, cap: Float64Array, dem: Float64Array, k: number): Universe {
  const member = new Uint8Array(table.valueOf.length);
  const nodesPerValue = new Int32Array(table.values.length);
  for (const i of cands) {
    const v = table.valueOf[i];
    if (v < 0) continue;
    let fits = true;
    for (let d = 0; d < D; d++) if (cap[i * D + d] < dem[k * D + d]) fits = false;
    if (!fits) continue;
    member[i] = 1;
    nodesPerValue[v]++;
  }
  return { member, nodesPerValue };
}

/** True when the node can hold the task's fixed ports at all (every one inside a range). */
export function fixedPortsInRange(ctx: Context, k: number, node: number): boolean {
  for (const p of ctx.fixed[k]) if (!inRanges(ctx.ranges[node], p)) return false;
  return true;
}

/**
 * Dominant share of each listed task against `totals`, the total capacity of the up nodes
 * (AllocState.upTotals), and the dimension it is dominant in (cpus first on ties). Written into
 * ctx.share and ctx.domDim.
 */
export function computeShares(ctx: Context, totals: Float64Array, list: Iterable<number>): void {
  for (const k of list) {
    let best = 0;
    let dim = 0;
    for (let d = 0; d < D; d++) {
      const x = ctx.dem[k * D + d];
      if (x <= 0) continue;
      const s = totals[d] > 0 ? x / totals[d] : Infinity;
      if (s > best) {
        best = s;
        dim = d;
      }
    }
    ctx.share[k] = best;
    ctx.domDim[k] = dim;
  }
}

/** The order key comparison: effective priority desc, level asc, dominant share desc, id asc. */
export function compareTasks(ctx: Context, a: number, b: number): number {
  return ctx.effPrio[b] - ctx.effPrio[a] || ctx.level[a] - ctx.level[b] || ctx.share[b] - ctx.share[a] || a - b;
}

/**
 * Per group in a cycle, the sorted task names of its cycle: one array per cycle, shared by its
 * groups (a cycle through 10,000 tasks is 10,000 names, not 10,000 copies of them).
 */
function namesOfCycles(analysis: DependencyAnalysis, taskOf: (group: number) => string): (readonly string[] | undefined)[] {
  const named = new Map<readonly number[], readonly string[]>();
  const out: (readonly string[] | undefined)[] = [];
  for (let g = 0; g < analysis.cyclic.length; g++) {
    if (analysis.cyclic[g] !== 1) {
      out.push(undefined);
      continue;
    }
    const scc = analysis.component[g];
    let names = named.get(scc);
    if (names === undefined) named.set(scc, (names = Object.freeze(scc.map(taskOf).sort(byString))));
    out.push(names);
  }
  return out;
}
