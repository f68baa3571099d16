/**
 * Plain first-fit-decreasing, the baseline the allocator is measured against: tasks by decreasing
 * dominant share (of the cluster's total), ties by id; each into the first node by name where
 * cpus, mem, disk, gpus and the port count fit. No constraints, priorities or dependencies.
 */
import type { AllocationInput } from '../../../server/engine/alloc';

export interface FfdResult {
  readonly placed: number;
  readonly nodesUsed: number;
  /** task id → node name. */
  readonly assignment: Map<string, string>;
}

interface Flat {
  readonly names: string[];
  readonly free: Float64Array;
  readonly ids: string[];
  readonly dem: Float64Array;
  readonly order: number[];
}

function portCount(ranges: readonly { from: number; to: number }[]): number {
  let n = 0;
  for (const r of ranges) if (r.to >= r.from) n += r.to - r.from + 1;
  return n;
}

function flatten(input: AllocationInput): Flat {
  const nodes = [...input.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = nodes.map((n) => n.name);
  const free = new Float64Array(nodes.length * 5);
  nodes.forEach((n, i) => {
    const r = n.resources;
    free.set([r.cpus, r.mem, r.disk, r.gpus, portCount(n.ports)], i * 5);
  });
  const tasks = input.jobs.flatMap((j) => j.tasks).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = tasks.map((t) => t.id);
  const dem = new Float64Array(tasks.length * 5);
  tasks.forEach((t, k) => {
    const r = t.resources;
    dem.set([r.cpus, r.mem, r.disk, r.gpus, t.ports.dynamic + t.ports.fixed.length], k * 5);
  });
  const totals = new Float64Array(5);
  for (let i = 0; i < nodes.length; i++) for (let d = 0; d < 5; d++) totals[d] += free[i * 5 + d];
  const share = tasks.map((_, k) => {
    let s = 0;
    for (let d = 0; d < 5; d++) if (dem[k * 5 + d] > 0) s = Math.max(s, totals[d] > 0 ? dem[k * 5 + d] / totals[d] : Infinity);
    return s;
  });
  const order = tasks.map((_, k) => k).sort((a, b) => share[b] - share[a] || a - b);
  return { names, free, ids, dem, order };
}

function fits(free: Float64Array, i: number, dem: Float64Array, k: number): boolean {
  const o = i * 5;
  const t = k * 5;
  return free[o] >= dem[t] && free[o + 1] >= dem[t + 1] && free[o + 2] >= dem[t + 2] && free[o + 3] >= dem[t + 3] && free[o + 4] >= dem[t + 4];
}

function take(free: Float64Array, i: number, dem: Float64Array, k: number, sign: number): void {
  for (let d = 0; d < 5; d++) free[i * 5 + d] -= sign * dem[k * 5 + d];
}

export function firstFitDecreasing(input: AllocationInput): FfdResult {
  const { names, free, ids, dem, order } = flatten(input);
  const assignment = new Map<string, string>();
  const used = new Uint8Array(names.length);
  for (const k of order) {
    for (let i = 0; i < names.length; i++) {
      if (!fits(free, i, dem, k)) continue;
      take(free, i, dem, k, 1);
      assignment.set(ids[k], names[i]);
      used[i] = 1;
      break;
    }
  }
  let nodesUsed = 0;
  for (const u of used) nodesUsed += u;
  return { placed: assignment.size, nodesUsed, assignment };
}

/**
 * The failover baseline: for every node, take its tasks (from an FFD assignment) and re-place them
 * first-fit on the other nodes, then undo. Returns how many tasks found no node, over all scenarios.
 */
export function firstFitFailover(input: AllocationInput, assignment: ReadonlyMap<string, string>): number {
  const { names, free, ids, dem, order } = flatten(input);
  const nodeOf = new Int32Array(ids.length).fill(-1);
  const index = new Map(names.map((n, i) => [n, i]));
  const byNode: number[][] = names.map(() => []);
  ids.forEach((id, k) => {
    const n = assignment.get(id);
    if (n === undefined) return;
    const i = index.get(n) as number;
    nodeOf[k] = i;
    take(free, i, dem, k, 1);
    byNode[i].push(k);
  });
  const rank = new Int32Array(ids.length);
  order.forEach((k, r) => (rank[k] = r));
  let lost = 0;
  for (let x = 0; x < names.length; x++) {
    const tasks = [...byNode[x]].sort((a, b) => rank[a] - rank[b]);
    const moved: [number, number][] = [];
    for (const k of tasks) {
      let placed = false;
      for (let i = 0; i < names.length; i++) {
        if (i === x || !fits(free, i, dem, k)) continue;
        take(free, i, dem, k, 1);
        moved.push([k, i]);
        placed = true;
        break;
      }
      if (!placed) lost++;
    }
    for (const [k, i] of moved) take(free, i, dem, k, -1);
  }
  return lost;
}
