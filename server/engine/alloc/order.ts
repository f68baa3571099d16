/**
 * The placement order (SPEC.md §3): priority high first, then dependencies, then larger dominant
 * share, then id. Dependencies are a sort key too: a task's level is one more than its deepest
 * dependency's, and a dependency inherits the highest priority of its dependents, so ordering by
 * (effective priority desc, level asc, share desc, id asc) always puts dependencies first and
 * never starves one behind unrelated work. Being a pure key, the order of any subset of tasks is
 * the same as their order within the whole, which the failover simulator relies on.
 */
import { isCycle, stronglyConnected } from '../util/stronglyConnected';

export interface DependencyAnalysis {
  /** Per group: in a dependency cycle (or depends on itself). */
  readonly cyclic: Uint8Array;
  /** Per group: the groups of its strongly connected component (itself alone when not cyclic). */
  readonly component: readonly (readonly number[])[];
  readonly level: Int32Array;
  readonly effectivePriority: Float64Array;
}

/** `deps[g]` lists the groups g depends on (known names only). Iterative (stronglyConnected.ts); never recurses. */
export function analyzeDependencies(deps: readonly (readonly number[])[], priority: ArrayLike<number>): DependencyAnalysis {
  const n = deps.length;
  const { sccs, sccOf } = stronglyConnected(deps);
  const cyclic = new Uint8Array(n);
  const component: (readonly number[])[] = new Array<readonly number[]>(n);
  for (const scc of sccs) {
    const cycle = isCycle(deps, scc);
    for (const g of scc) {
      component[g] = scc;
      if (cycle) cyclic[g] = 1;
    }
  }

  // Tarjan emits a component after every component it depends on: levels in emission order.
  const level = new Int32Array(n);
  for (const scc of sccs) {
    let l = 0;
    for (const g of scc) {
      for (const d of deps[g]) if (sccOf[d] !== sccOf[g] && level[d] + 1 > l) l = level[d] + 1;
    }
    for (const g of scc) level[g] = l;
  }

  // Dependents first: reverse emission order.
  const effectivePriority = new Float64Array(n);
  for (let g = 0; g < n; g++) effectivePriority[g] = priority[g];
  for (let s = sccs.length - 1; s >= 0; s--) {
    const scc = sccs[s];
    let p = -Infinity;
    for (const g of scc) if (effectivePriority[g] > p) p = effectivePriority[g];
    for (const g of scc) {
      effectivePriority[g] = p;
      for (const d of deps[g]) if (effectivePriority[d] < p) effectivePriority[d] = p;
    }
  }
  return { cyclic, component, level, effectivePriority };
}
