/**
 * The placement order (SPEC.md §3): priority high first, then dependencies, then larger dominant
 * share, then id. Dependencies are a sort key too: a task's level is one more than its deepest
 * dependency's, and a dependency inherits the highest priority of its dependents, so ordering by
 * (effective priority desc, level asc, share desc, id asc) always puts dependencies first and
 * never starves one behind unrelated work. Being a pure key, the order of any subset of tasks is
 * the same as their order within the whole, which the failover simulator relies on.
 */

export interface DependencyAnalysis {
  /** Per group: in a dependency cycle (or depends on itself). */
  readonly cyclic: Uint8Array;
  /** Per group: the groups of its strongly connected component (itself alone when not cyclic). */
  readonly component: readonly (readonly number[])[];
  readonly level: Int32Array;
  readonly effectivePriority: Float64Array;
}

/** `deps[g]` lists the groups g depends on (known names only). Iterative Tarjan; never recurses. */
export function analyzeDependencies(deps: readonly (readonly number[])[], priority: ArrayLike<number>): DependencyAnalysis {
  const n = deps.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const sccs: number[][] = [];
  const sccOf = new Int32Array(n);
  let counter = 0;
  const work: { v: number; i: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work.push({ v: root, i: 0 });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const v = frame.v;
      const edges = deps[v];
      if (frame.i < edges.length) {
        const w = edges[frame.i++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push({ v: w, i: 0 });
        } else if (onStack[w] === 1 && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === index[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          sccOf[w] = sccs.length;
          scc.push(w);
        } while (w !== v);
        scc.sort((a, b) => a - b);
        sccs.push(scc);
      }
    }
  }

  const cyclic = new Uint8Array(n);
  const component: (readonly number[])[] = new Array<readonly number[]>(n);
  for (const scc of sccs) {
    const selfLoop = scc.length === 1 && deps[scc[0]].includes(scc[0]);
    for (const g of scc) {
      component[g] = scc;
      if (scc.length > 1 || selfLoop) cyclic[g] = 1;
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
