/**
 * Exact optimum for small instances: the largest number of tasks that can be placed at once
 * (cpus, mem, disk, gpus and the port count; no constraints, priorities or dependencies).
 * Depth-first over tasks (largest first), each to a node or to nowhere, with the bound
 * "placed so far + tasks left ≤ best" and nodes in the same state tried once.
 * Meant for up to ~12 tasks and ~6 nodes (the quality test and benchmark use ≤10 and ≤5).
 */
import type { AllocationInput } from '../../../server/engine/alloc';

const DIMS = 5;

function portCount(ranges: readonly { from: number; to: number }[]): number {
  let n = 0;
  for (const r of ranges) if (r.to >= r.from) n += r.to - r.from + 1;
  return n;
}

export function optimumPlaced(input: AllocationInput): number {
  const nodes = input.nodes;
  const tasks = input.jobs.flatMap((j) => j.tasks);
  const free = nodes.map((n) => [n.resources.cpus, n.resources.mem, n.resources.disk, n.resources.gpus, portCount(n.ports)]);
  const dem = tasks.map((t) => [t.resources.cpus, t.resources.mem, t.resources.disk, t.resources.gpus, t.ports.dynamic + t.ports.fixed.length]);
  const totals = [0, 0, 0, 0, 0];
  for (const f of free) for (let d = 0; d < DIMS; d++) totals[d] += f[d];
  const size = (x: number[]): number => x.reduce((s, v, d) => s + (totals[d] > 0 ? v / totals[d] : v > 0 ? Infinity : 0), 0);
  // Tasks that fit on no empty node can never be placed.
  const placeable = dem.filter((x) => free.some((f) => x.every((v, d) => v <= f[d]))).sort((a, b) => size(b) - size(a));
  let best = 0;
  const n = placeable.length;
  const search = (at: number, placed: number): void => {
    if (placed > best) best = placed;
    if (at === n || placed + (n - at) <= best) return;
    const x = placeable[at];
    const tried = new Set<string>();
    for (const f of free) {
      if (!x.every((v, d) => v <= f[d])) continue;
      const key = f.join(',');
      if (tried.has(key)) continue;
      tried.add(key);
      for (let d = 0; d < DIMS; d++) f[d] -= x[d];
      search(at + 1, placed + 1);
      for (let d = 0; d < DIMS; d++) f[d] += x[d];
      if (best === n) return;
    }
    search(at + 1, placed);
  };
  search(0, 0);
  return best;
}
