/**
 * The allocator's compiled view of an input, built once per call: nodes sorted by name, tasks by
 * id (both deduplicated so that any permutation of the input gives the same view), resources in
 * typed arrays, task groups (the instances of one task of one job, a Marathon app) with their
 * dependencies, order keys, compiled constraints and statically filtered candidate nodes.
 * Nothing here depends on `current` or `down`: those belong to the state.
 */
import type { ClusterNode, PortRange, TaskInstance } from '../model';
import { type CompiledConstraint, Dyn, type FieldTable, FieldRegistry, staticAccepts } from './constraints';
import { analyzeDependencies } from './order';
import { inRanges, mergeRanges, rangesSize, uniquePorts } from './ports';
import type { AllocationInput } from './types';

/** Dimensions in typed arrays: cpus, mem, disk, gpus, then the port count. */
export const D = 5;
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

export interface Context {
  readonly nodes: readonly ClusterNode[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly cap: Float64Array;
  /** 1 / capacity, 0 where the capacity is 0. */
  readonly invCap: Float64Array;
  readonly ranges: readonly (readonly PortRange[])[];
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
  /** Every capacity an integer and their sum exact in doubles (the state then keeps totals incrementally). */
  readonly integralCap: boolean;
  /** Scratch, per task, written by computeShares for the tasks a run orders. */
  readonly share: Float64Array;
  readonly domDim: Uint8Array;
  /** Scratch, per node (two arrays), for one phase at a time (repack.ts). */
  readonly nodeScratch: readonly [Float64Array, Float64Array];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A usable quantity: finite and positive, else 0 (bad input is the rules' business). */
function quantity(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function canonicalNodes(nodes: readonly ClusterNode[]): ClusterNode[] {
  const key = (n: ClusterNode): string =>
    JSON.stringify([n.resources, n.ports, Object.entries(n.attributes).sort((a, b) => byString(a[0], b[0]))]);
  const sorted = [...nodes].sort((a, b) => byString(a.name, b.name) || (a.name === b.name ? byString(key(a), key(b)) : 0));
  return sorted.filter((n, i) => i === 0 || sorted[i - 1].name !== n.name);
}

const NONE: readonly CompiledConstraint[] = Object.freeze([]);
const NO_INTS = new Int32Array(0);
const NO_SLOTS: readonly number[] = Object.freeze([]);

interface Entry {
  readonly task: TaskInstance;
  readonly job: number;
}

export function createContext(input: AllocationInput): Context {
  const nodes = canonicalNodes(input.nodes);
  const N = nodes.length;
  const nodeIndex = new Map<string, number>();
  const cap = new Float64Array(N * D);
  const invCap = new Float64Array(N * D);
  const ranges: PortRange[][] = [];
  nodes.forEach((n, i) => {
    nodeIndex.set(n.name, i);
    const merged = mergeRanges(n.ports);
    ranges.push(merged);
    const r = n.resources;
    const values = [r.cpus, r.mem, r.disk, r.gpus, rangesSize(merged)];
    for (let d = 0; d < D; d++) {
      const v = quantity(values[d]);
      cap[i * D + d] = v;
      invCap[i * D + d] = v > 0 ? 1 / v : 0;
    }
  });

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
  const entries: Entry[] = [];
  for (const j of input.jobs) for (const t of j.tasks) entries.push({ task: t, job: jobIndex.get(j.name) as number });
  const taskKey = (e: Entry): string => JSON.stringify([e.job, e.task]);
  entries.sort((a, b) => byString(a.task.id, b.task.id) || (a.task.id === b.task.id ? byString(taskKey(a), taskKey(b)) : 0));
  const unique = entries.filter((e, i) => i === 0 || entries[i - 1].task.id !== e.task.id);
  const T = unique.length;
  const tasks = unique.map((e) => e.task);
  const taskIndex = new Map<string, number>();
  const dem = new Float64Array(T * D);
  const fixed: (readonly number[])[] = [];
  const taskJob = new Int32Array(T);
  const taskGroup = new Int32Array(T);
  // Groups by job, then task name.
  const groupKeys = jobs.map(() => new Map<string, number>());
  const groupTasks: { job: number; task: string; members: number[] }[] = [];
  for (let k = 0; k < T; k++) {
    const e = unique[k];
    const t = e.task;
    taskIndex.set(t.id, k);
    taskJob[k] = e.job;
    const f = uniquePorts(t.ports.fixed);
    fixed.push(f);
    const r = t.resources;
    const o = k * D;
    dem[o] = quantity(r.cpus);
    dem[o + 1] = quantity(r.mem);
    dem[o + 2] = quantity(r.disk);
    dem[o + 3] = quantity(r.gpus);
    dem[o + 4] = quantity(t.ports.dynamic) + f.length;
    const keys = groupKeys[e.job];
    let g = keys.get(t.task);
    if (g === undefined) {
      g = groupTasks.length;
      keys.set(t.task, g);
      groupTasks.push({ job: e.job, task: t.task, members: [] });
    }
    taskGroup[k] = g;
    groupTasks[g].members.push(k);
  }

  // Dependencies between groups of the same job; unknown names are ignored (the rules report them).
  const G = groupTasks.length;
  const deps: number[][] = groupTasks.map((gt) => {
    const first = tasks[gt.members[0]];
    const out = new Set<number>();
    for (const name of first.dependsOn) {
      const d = groupKeys[gt.job].get(name);
      if (d !== undefined) out.add(d);
    }
    return [...out].sort((a, b) => a - b);
  });
  const groupPrio = new Float64Array(G);
  groupTasks.forEach((gt, g) => {
    let p = -Infinity;
    for (const k of gt.members) if (tasks[k].priority > p) p = tasks[k].priority;
    groupPrio[g] = Number.isFinite(p) ? p : 0;
  });
  const analysis = analyzeDependencies(deps, groupPrio);
  const cycleNames = groupTasks.map((_, g) =>
    analysis.cyclic[g] === 1 ? analysis.component[g].map((h) => groupTasks[h].task).sort(byString) : undefined,
  );

  // Constraints.
  const registry = new FieldRegistry(nodes);
  const candsBySignature = new Map<string, { cands: Int32Array; mask: Uint8Array | undefined }>();
  const slotField: number[] = [];
  const universes: GroupByUniverse[] = [];
  const universeByKey = new Map<string, GroupByUniverse>();
  let unconstrained: { cands: Int32Array; mask: Uint8Array | undefined } | undefined;
  const groups: GroupInfo[] = groupTasks.map((gt, g) => {
    const first = tasks[gt.members[0]];
    if (first.constraints.length === 0) {
      // Most groups: every node a candidate, nothing to count (shared empty tables).
      if (unconstrained === undefined) unconstrained = { cands: Int32Array.from({ length: N }, (_, i) => i), mask: undefined };
      return { job: gt.job, task: gt.task, members: gt.members, deps: deps[g], constraints: NONE, dynamic: NONE, dynamicSlot: NO_INTS, dynamicUniverse: NO_INTS, slots: NO_SLOTS, cands: unconstrained.cands, candMask: undefined };
    }
    const constraints = first.constraints.map((c) => registry.compile(c));
    const signature = constraints
      .map((c) => JSON.stringify([c.source.field, c.source.operator, c.source.value ?? null]))
      .sort(byString)
      .join('\n');
    let found = candsBySignature.get(signature);
    if (found === undefined) {
      const list: number[] = [];
      for (let i = 0; i < N; i++) if (constraints.every((c) => staticAccepts(registry.fields, c, i))) list.push(i);
      let mask: Uint8Array | undefined;
      if (list.length < N) {
        mask = new Uint8Array(N);
        for (const i of list) mask[i] = 1;
      }
      found = { cands: Int32Array.from(list), mask };
      candsBySignature.set(signature, found);
    }
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
        const key = `${c.field}|${signature}|${dem.subarray(k * D, k * D + D).join()}`;
        let u = universeByKey.get(key);
        if (u === undefined) universeByKey.set(key, (u = groupByUniverse(c.field, registry.fields[c.field], cands, cap, dem, k)));
        universes.push(u);
      }
    });
    return {
      job: gt.job,
      task: gt.task,
      members: gt.members,
      deps: deps[g],
      constraints,
      dynamic,
      dynamicSlot,
      dynamicUniverse,
      slots: [...slotOfField.values()],
      cands,
      candMask: found.mask,
    };
  });

  let capSum = 0;
  let integralCap = true;
  for (const v of cap) {
    capSum += v;
    if (!Number.isInteger(v)) integralCap = false;
  }
  if (!(capSum <= Number.MAX_SAFE_INTEGER)) integralCap = false;

  const effPrio = new Float64Array(T);
  const level = new Int32Array(T);
  for (let k = 0; k < T; k++) {
    effPrio[k] = analysis.effectivePriority[taskGroup[k]];
    level[k] = analysis.level[taskGroup[k]];
  }
  return {
    nodes,
    nodeIndex,
    cap,
    invCap,
    ranges,
    tasks,
    taskIndex,
    dem,
    fixed,
    taskGroup,
    taskJob,
    effPrio,
    level,
    jobs,
    groups,
    cyclic: analysis.cyclic,
    cycleNames,
    fields: registry.fields,
    slotField: Int32Array.from(slotField),
    universes,
    integralCap,
    share: new Float64Array(T),
    domDim: new Uint8Array(T),
    nodeScratch: [new Float64Array(N), new Float64Array(N)],
  };
}

function groupByUniverse(
  field: number,
  table: FieldTable,
  cands: Int32Array,
  cap: Float64Array,
  dem: Float64Array,
  k: number,
): GroupByUniverse {
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
  return { field, member, nodesPerValue };
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
