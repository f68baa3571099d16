/**
 * Strongly connected components of a dependency graph, by an iterative Tarjan (an explicit stack:
 * a chain 50,000 deep does not overflow the call stack), in time linear in nodes + edges. Used by
 * the allocator's order (alloc/order.ts) and the dependency rule (rules/dependencies.ts).
 */

export interface Components {
  /** The components, each sorted, in Tarjan's emission order: a component after every one it depends on. */
  readonly sccs: readonly (readonly number[])[];
  /** Per node: the index of its component in `sccs`. */
  readonly sccOf: Int32Array;
}

/** `deps[v]` lists the nodes v depends on (its edges), each in 0..deps.length-1. */
export function stronglyConnected(deps: readonly (readonly number[])[]): Components {
  const n = deps.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const sccs: number[][] = [];
  const sccOf = new Int32Array(n);
  let counter = 0;
  /** The depth-first path: node and next edge per frame, in two parallel stacks. */
  const frameNode: number[] = [];
  const frameEdge: number[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frameNode.push(root);
    frameEdge.push(0);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frameNode.length > 0) {
      const top = frameNode.length - 1;
      const v = frameNode[top];
      const edges = deps[v];
      const i = frameEdge[top];
      if (i < edges.length) {
        frameEdge[top] = i + 1;
        const w = edges[i];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frameNode.push(w);
          frameEdge.push(0);
        } else if (onStack[w] === 1 && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      frameNode.pop();
      frameEdge.pop();
      if (frameNode.length > 0) {
        const parent = frameNode[frameNode.length - 1];
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
  return { sccs, sccOf };
}

/** Is the component a cycle: more than one node, or one that depends on itself? */
export function isCycle(deps: readonly (readonly number[])[], scc: readonly number[]): boolean {
  return scc.length > 1 || (scc.length === 1 && deps[scc[0]].includes(scc[0]));
}
