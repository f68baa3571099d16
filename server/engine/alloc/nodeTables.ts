/**
 * What createContext derives from the cluster's nodes alone, kept per `nodes` array so that the
 * next input on the same cluster (the editor's next keystroke: the check is memoised, so an
 * unchanged cluster is the same array) skips it: canonical order, capacities, merged port ranges,
 * field tables, the static part of compiled constraints, candidate lists and GROUP_BY universes.
 * Everything handed out is shared between contexts and read only; the allocator never writes
 * into it (its scratch arrays are allocated per context). Nodes are values: an input never
 * changes a node or its array after the call (the model's types are readonly); an array whose
 * elements were swapped anyway is noticed and compiled afresh.
 */
import type { ClusterNode, Constraint, PortRange } from '../model';
import { type CompiledConstraint, type FieldTable, FieldRegistry } from './constraints';
import { mergeRanges, rangesSize } from './ports';

/** Dimensions in typed arrays: cpus, mem, disk, gpus, then the port count. */
export const D = 5;

/** A compiled constraint less its field index (which is the context's own). */
export type StaticPart = Pick<CompiledConstraint, 'dyn' | 'n' | 'valid' | 'staticOk'>;

export interface Candidates {
  /** Up-or-down nodes passing every static constraint, ascending. */
  readonly cands: Int32Array;
  /** The same as a mask over nodes; undefined when every node is a candidate. */
  readonly mask: Uint8Array | undefined;
  /** Per dimension, the least capacity of a candidate (Infinity: none): a demand within it fits on every candidate. */
  readonly minCap: Float64Array;
}

export interface Universe {
  readonly member: Uint8Array;
  readonly nodesPerValue: Int32Array;
}

/**
 * Values by key, kept while a compiled input uses them: `turn` before compiling an input's
 * constraints drops whatever the previous compilation did not use, so memory follows the input,
 * not the session.
 */
class Memo<V> {
  private previous = new Map<string, V>();
  private current = new Map<string, V>();

  get(key: string, make: () => V): V {
    let v = this.current.get(key);
    if (v === undefined) {
      v = this.previous.get(key) ?? make();
      this.current.set(key, v);
    }
    return v;
  }

  turn(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

/** Node sizes: the sum over dimensions of a node's share of the whole cluster's capacity. */
export interface NodeSizes {
  readonly size: Float64Array;
  /** Per dimension, 1 / the cluster's total (0 where it is 0): a share is an amount times this. */
  readonly invTotal: Float64Array;
  /** Every node, largest first (then by index). */
  readonly bySize: Int32Array;
}

const sizesOf = new WeakMap<Float64Array, NodeSizes>();

/**
 * The sizes of the nodes whose capacities are `cap` (a NodeTables' array, shared by the contexts
 * of the same nodes): computed when first asked (the node swap, repack.ts, is the only reader) and
 * kept while the tables live.
 */
export function nodeSizes(cap: Float64Array): NodeSizes {
  let sizes = sizesOf.get(cap);
  if (sizes) return sizes;
  const N = cap.length / D;
  const totals = new Float64Array(D);
  for (let i = 0; i < N * D; i++) totals[i % D] += cap[i];
  const invTotal = totals.map((t) => (t > 0 ? 1 / t : 0));
  const size = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += cap[i * D + d] * invTotal[d];
    size[i] = s;
  }
  const bySize = new Int32Array(N).map((_, i) => i).sort((a, b) => size[b] - size[a] || a - b);
  sizes = { size, invTotal, bySize };
  sizesOf.set(cap, sizes);
  return sizes;
}

export class NodeTables {
  /** Sorted by name, one per name. */
  readonly nodes: readonly ClusterNode[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly cap: Float64Array;
  /** 1 / capacity, 0 where the capacity is 0. */
  readonly invCap: Float64Array;
  readonly ranges: readonly (readonly PortRange[])[];
  /** Every capacity an integer and their sum exact in doubles (the state then keeps totals incrementally). */
  readonly integralCap: boolean;
  /** Every node, ascending: the candidates of an unconstrained group. */
  readonly all: Int32Array;
  /** How many inputs asked for these tables (nodeTablesOf counts). */
  uses = 0;
  private readonly tables = new Memo<FieldTable>();
  private readonly statics = new Memo<StaticPart>();
  private readonly candidates = new Memo<Candidates>();
  private readonly universes = new Memo<Universe>();

  constructor(input: readonly ClusterNode[]) {
    const nodes = canonicalNodes(input);
    const N = nodes.length;
    const nodeIndex = new Map<string, number>();
    const cap = new Float64Array(N * D);
    const invCap = new Float64Array(N * D);
    const ranges: PortRange[][] = [];
    const all = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      const n = nodes[i];
      all[i] = i;
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
    }
    let capSum = 0;
    let integralCap = true;
    for (const v of cap) {
      capSum += v;
      if (!Number.isInteger(v)) integralCap = false;
    }
    if (!(capSum <= Number.MAX_SAFE_INTEGER)) integralCap = false;
    this.nodes = nodes;
    this.nodeIndex = nodeIndex;
    this.cap = cap;
    this.invCap = invCap;
    this.ranges = ranges;
    this.integralCap = integralCap;
    this.all = all;
  }

  /** Called before compiling an input's constraints: what the previous compilation used stays, the rest goes. */
  turn(): void {
    this.tables.turn();
    this.statics.turn();
    this.candidates.turn();
    this.universes.turn();
  }

  table(name: string): FieldTable {
    return this.tables.get(name, () => {
      const registry = new FieldRegistry(this.nodes);
      return registry.fields[registry.field(name)];
    });
  }

  /** `key` identifies the constraint (field, operator, value); the registry's compile decides. */
  staticPart(key: string, c: Constraint): StaticPart {
    return this.statics.get(key, () => {
      const { dyn, n, valid, staticOk } = new FieldRegistry(this.nodes).compile(c);
      return { dyn, n, valid, staticOk };
    });
  }

  /** `signature` identifies a set of constraints; `accepts` is their static verdict on a node. */
  candidatesOf(signature: string, accepts: (node: number) => boolean): Candidates {
    return this.candidates.get(signature, () => {
      const N = this.nodes.length;
      const list: number[] = [];
      for (let i = 0; i < N; i++) if (accepts(i)) list.push(i);
      let mask: Uint8Array | undefined;
      if (list.length < N) {
        mask = new Uint8Array(N);
        for (const i of list) mask[i] = 1;
      }
      const minCap = new Float64Array(D).fill(Infinity);
      for (const i of list) for (let d = 0; d < D; d++) minCap[d] = Math.min(minCap[d], this.cap[i * D + d]);
      return { cands: Int32Array.from(list), mask, minCap };
    });
  }

  /** `key` identifies the field, the candidates and the demand. */
  universe(key: string, make: () => Universe): Universe {
    return this.universes.get(key, make);
  }
}

const byNodes = new WeakMap<readonly ClusterNode[], { readonly elements: readonly ClusterNode[]; readonly tables: NodeTables }>();

/** The tables of this array of nodes: the previous call's when the array (and its elements) is the same. */
export function nodeTablesOf(nodes: readonly ClusterNode[]): NodeTables {
  const known = byNodes.get(nodes);
  if (known !== undefined && sameElements(known.elements, nodes)) {
    known.tables.uses++;
    return known.tables;
  }
  const tables = new NodeTables(nodes);
  tables.uses = 1;
  byNodes.set(nodes, { elements: [...nodes], tables });
  return tables;
}

function sameElements(a: readonly ClusterNode[], b: readonly ClusterNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A usable quantity: finite and positive, else 0 (bad input is the rules' business). */
export function quantity(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function canonicalNodes(nodes: readonly ClusterNode[]): ClusterNode[] {
  const key = (n: ClusterNode): string =>
    JSON.stringify([n.resources, n.ports, Object.entries(n.attributes).sort((a, b) => byString(a[0], b[0]))]);
  const sorted = [...nodes].sort((a, b) => byString(a.name, b.name) || (a.name === b.name ? byString(key(a), key(b)) : 0));
  return sorted.filter((n, i) => i === 0 || sorted[i - 1].name !== n.name);
}
