/**
 * The allocator's mutable state: free capacity per node and dimension, where each task is, fixed
 * ports held per node, and per task group the instance counts per constraint value.
 * Integer arithmetic on integer inputs only (Float64Array holds integers exactly up to 2^53).
 *
 * A journal makes changes revertible in time proportional to what changed (mark, then rollback),
 * and nests: the failover simulator places a plan once, then runs every scenario against it and
 * rolls back in between; the improvement phase tries alternatives and rolls back the worse ones.
 */
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { NodeOrder } from './nodeOrder';
import type { ReadLog } from './scenarioReads';

/** Node orders are sorted again, not updated node by node, when more than 1/RESORT_SHARE of the nodes changed. */
const RESORT_SHARE = 4;

export const PENDING = 0;
export const PLACED = 1;
export const BLOCKED = 2;
export const UNPLACED = 3;

const OP_PLACE = 0;
const OP_REMOVE = 1;
const OP_STATUS = 2;
const OP_PREEMPTED = 3;
const OP_DOWN = 4;
const OP_EVICT = 5;

export interface EvictionRecord {
  readonly task: number;
  readonly from: number;
  readonly by: number;
}

export class AllocState {
  /** Removals so far (moves, evictions, tries undone): room may have opened since a task failed. */
  removals = 0;
  /** Times a phase kept a move of placed tasks (first fit's pass; planHints.ts stops its hints). */
  moved = 0;
  /** While a failover scenario runs: what it reads (scenarioReads.ts). */
  reads: ReadLog | undefined = undefined;
  readonly free: Float64Array;
  readonly down: Uint8Array;
  readonly nodeOf: Int32Array;
  readonly status: Uint8Array;
  /** 1 when placed as a kept `current` placement: pinned (only preemption removes it). */
  readonly current: Uint8Array;
  /** 1 once the task has used its one preemption of this call. */
  readonly preempted: Uint8Array;
  readonly nodeTasks: number[][];
  /** Per node: fixed port → task holding it. */
  readonly holders: (Map<number, number> | undefined)[];
  readonly groupPlaced: Int32Array;
  /** Per counting slot (group × field): placed instances per value. */
  readonly counts: Int32Array[];
  /** Per GROUP_BY universe: member nodes per value that are up. */
  readonly upNodes: Int32Array[];
  readonly evictions: EvictionRecord[] = [];
  /** Per dimension, nodes by free capacity: built on first use, then kept up to date. */
  private readonly orders: (NodeOrder | undefined)[] = [undefined, undefined, undefined, undefined, undefined];

  /** Undo records, flat: op, a, b, c per record. Undefined while not journaling. */
  private journal: number[] | undefined;
  /** Open marks: journaling stops when the last one is rolled back or committed. */
  private depth = 0;
  /** Nodes running at least one task. */
  private used = 0;
  /** Total capacity of the up nodes per dimension; recomputed when not valid. */
  private readonly totals = new Float64Array(D);
  private totalsValid = false;
  /** While true, place and remove leave the node orders alone (see pauseOrders). */
  private ordersPaused = false;
  /**
   * Up nodes whose free capacity changed since the node orders were last brought up to date (on
   * the next orderOf). A plan that keeps its previous choices (planHints.ts) places thousands of tasks
   * between two searches: the orders are then sorted again once, not updated on every placement.
   */
  private readonly stale: number[] = [];
  private readonly isStale: Uint8Array;

  constructor(readonly ctx: Context, down: Uint8Array) {
    const N = ctx.nodes.length;
    const T = ctx.tasks.length;
    const G = ctx.groups.length;
    this.free = Float64Array.from(ctx.cap);
    this.down = Uint8Array.from(down);
    this.isStale = new Uint8Array(N);
    this.nodeOf = new Int32Array(T).fill(-1);
    this.status = new Uint8Array(T);
    this.current = new Uint8Array(T);
    this.preempted = new Uint8Array(T);
    this.nodeTasks = Array.from({ length: N }, () => []);
    this.holders = new Array<Map<number, number> | undefined>(N).fill(undefined);
    this.groupPlaced = new Int32Array(G);
    this.counts = Array.from(ctx.slotField, (f) => new Int32Array(ctx.fields[f].values.length));
    this.upNodes = ctx.universes.map((u) => {
      const up = Int32Array.from(u.nodesPerValue);
      const valueOf = ctx.fields[u.field].valueOf;
      for (let i = 0; i < N; i++) if (down[i] === 1 && u.member[i] === 1) up[valueOf[i]]--;
      return up;
    });
  }

  place(k: number, node: number, current: boolean): void {
    const ctx = this.ctx;
    this.record(OP_PLACE, k, this.status[k], 0);
    const o = node * D;
    const t = k * D;
    for (let d = 0; d < D; d++) this.free[o + d] -= ctx.dem[t + d];
    if (this.down[node] === 0 && !this.ordersPaused) this.staleOrders(node);
    const fixed = ctx.fixed[k];
    if (fixed.length > 0) {
      let h = this.holders[node];
      if (h === undefined) h = this.holders[node] = new Map();
      for (const p of fixed) h.set(p, k);
    }
    const list = this.nodeTasks[node];
    if (list.length === 0) this.used++;
    list.push(k);
    this.nodeOf[k] = node;
    this.status[k] = 1;
    this.current[k] = current ? 1 : 0;
    this.count(k, node, 1);
  }

  remove(k: number): void {
    const ctx = this.ctx;
    const node = this.nodeOf[k];
    if (node < 0) return;
    this.removals++;
    this.record(OP_REMOVE, k, node, this.current[k]);
    const o = node * D;
    const t = k * D;
    for (let d = 0; d < D; d++) this.free[o + d] += ctx.dem[t + d];
    if (this.down[node] === 0 && !this.ordersPaused) this.staleOrders(node);
    const h = this.holders[node];
    if (h !== undefined) for (const p of ctx.fixed[k]) if (h.get(p) === k) h.delete(p);
    const list = this.nodeTasks[node];
    const at = list.indexOf(k);
    list[at] = list[list.length - 1];
    list.pop();
    if (list.length === 0) this.used--;
    this.nodeOf[k] = -1;
    this.status[k] = 0;
    this.current[k] = 0;
    this.count(k, node, -1);
  }

  setStatus(k: number, status: number): void {
    this.record(OP_STATUS, k, this.status[k], 0);
    this.status[k] = status;
  }

  markPreempted(k: number): void {
    this.record(OP_PREEMPTED, k, this.preempted[k], 0);
    this.preempted[k] = 1;
  }

  /**
   * Marks a node down and shrinks the GROUP_BY universes. Its tasks are removed after (cheaper:
   * the node orders skip down nodes) or were before.
   */
  setDown(node: number): void {
    if (this.down[node] === 1) return;
    this.record(OP_DOWN, node, 0, 0);
    this.down[node] = 1;
    const ctx = this.ctx;
    this.updateTotals(node, -1);
    ctx.universes.forEach((u, ui) => {
      if (u.member[node] === 1) this.upNodes[ui][ctx.fields[u.field].valueOf[node]]--;
    });
  }

  private setUp(node: number): void {
    this.down[node] = 0;
    this.staleOrders(node);
    const ctx = this.ctx;
    this.updateTotals(node, 1);
    ctx.universes.forEach((u, ui) => {
      if (u.member[node] === 1) this.upNodes[ui][ctx.fields[u.field].valueOf[node]]++;
    });
  }

  private count(k: number, node: number, delta: number): void {
    const ctx = this.ctx;
    const g = ctx.taskGroup[k];
    this.groupPlaced[g] += delta;
    for (const s of ctx.groups[g].slots) {
      const v = ctx.fields[ctx.slotField[s]].valueOf[node];
      if (v >= 0) this.counts[s][v] += delta;
    }
  }

  /** The run reads more of the state than a log's ranges can say (see ReadLog). */
  readsAll(): void {
    if (this.reads !== undefined) this.reads.all = true;
  }

  /** The run read which nodes are empty (see ReadLog.empties). */
  readsEmpties(): void {
    if (this.reads !== undefined) this.reads.empties = true;
  }

  /** The run read every node with an index up to `node` (see ReadLog.upTo). */
  readsUpTo(node: number): void {
    if (this.reads !== undefined && node > this.reads.upTo) this.reads.upTo = node;
  }

  /** Starts journaling (if not yet) and returns a mark to roll back to. */
  mark(): number {
    if (this.journal === undefined) this.journal = [];
    this.depth++;
    return this.journal.length;
  }

  /** Keeps the changes made since the mark (an outer mark can still undo them). */
  commit(): void {
    if (--this.depth === 0) this.journal = undefined;
  }

  /** Undoes every change made since the mark, newest first, and closes the mark. */
  rollback(mark: number): void {
    const j = this.journal;
    if (j === undefined) throw new Error('AllocState.rollback without mark');
    this.journal = undefined;
    while (j.length > mark) {
      const c = j.pop() as number;
      const b = j.pop() as number;
      const a = j.pop() as number;
      const op = j.pop() as number;
      switch (op) {
        case OP_PLACE:
          this.remove(a);
          this.status[a] = b;
          break;
        case OP_REMOVE:
          this.place(a, b, c === 1);
          break;
        case OP_STATUS:
          this.status[a] = b;
          break;
        case OP_PREEMPTED:
          this.preempted[a] = b;
          break;
        case OP_DOWN:
          this.setUp(a);
          break;
        default:
          this.evictions.pop();
      }
    }
    this.journal = --this.depth === 0 ? undefined : j;
  }

  /**
   * Turns the state allocate() ended in into the one phase 1 builds from its plan (every placement
   * kept as `current`): placements stay, every other task is pending again, no task has used its
   * preemption and no eviction is recorded. Not while journaling.
   */
  keepAllAsCurrent(): void {
    if (this.journal !== undefined) throw new Error('AllocState.keepAllAsCurrent while journaling');
    for (let k = 0; k < this.status.length; k++) {
      const placed = this.status[k] === PLACED;
      this.current[k] = placed ? 1 : 0;
      if (!placed) this.status[k] = PENDING;
    }
    this.preempted.fill(0);
    this.evictions.length = 0;
  }

  addEviction(task: number, by: number): void {
    this.evictions.push({ task, from: this.nodeOf[task], by });
    this.record(OP_EVICT, 0, 0, 0);
  }

  private record(op: number, a: number, b: number, c: number): void {
    if (this.journal !== undefined) this.journal.push(op, a, b, c);
  }

  /**
   * Until resumeOrders, place and remove (rollbacks too) leave the node orders alone: for moving a
   * set of tasks from one node to another without asking for an order meanwhile.
   */
  pauseOrders(): void {
    this.ordersPaused = true;
  }

  /** Brings the node orders up to date for `nodes`, every node changed since pauseOrders. */
  resumeOrders(nodes: readonly number[]): void {
    this.ordersPaused = false;
    for (const i of nodes) if (this.down[i] === 0) this.staleOrders(i);
  }

  private staleOrders(node: number): void {
    if (this.isStale[node] === 1) return;
    this.isStale[node] = 1;
    this.stale.push(node);
  }

  /** Nodes by free capacity in dimension d. */
  orderOf(d: number): NodeOrder {
    const stale = this.stale;
    if (stale.length > 0) {
      // Few changed nodes move into place; many, and sorting again costs less.
      const resort = stale.length * RESORT_SHARE > this.isStale.length;
      for (const o of this.orders) {
        if (o === undefined) continue;
        if (resort) o.rebuild();
        else for (const i of stale) o.update(i);
      }
      for (const i of stale) this.isStale[i] = 0;
      stale.length = 0;
    }
    let o = this.orders[d];
    if (o === undefined) o = this.orders[d] = new NodeOrder(this.free, d, this.nodeTasks);
    return o;
  }

  /** Number of nodes running at least one task. */
  nodesUsed(): number {
    return this.used;
  }

  /** Total capacity of the up nodes per dimension (read only; valid until the next setDown). */
  upTotals(): Float64Array {
    if (!this.totalsValid) {
      const { cap, nodes } = this.ctx;
      const totals = this.totals;
      totals.fill(0);
      for (let i = 0; i < nodes.length; i++) if (this.down[i] === 0) for (let d = 0; d < D; d++) totals[d] += cap[i * D + d];
      this.totalsValid = true;
    }
    return this.totals;
  }

  /** A node went down (-1) or up (+1): exact in place on integer capacities, else recomputed. */
  private updateTotals(node: number, sign: number): void {
    if (!this.totalsValid) return;
    if (!this.ctx.integralCap) {
      this.totalsValid = false;
      return;
    }
    for (let d = 0; d < D; d++) this.totals[d] += sign * this.ctx.cap[node * D + d];
  }
}

export function downMask(ctx: Context, down: ReadonlySet<string> | undefined): Uint8Array {
  const mask = new Uint8Array(ctx.nodes.length);
  if (down !== undefined) for (const name of down) {
    const i = ctx.nodeIndex.get(name);
    if (i !== undefined) mask[i] = 1;
  }
  return mask;
}

/**
 * Dependency task names (sorted) that keep task k from being placed, or undefined (`groupPlaced`:
 * the state's, or a copy). For a task in a cycle, the cycle's names: one array shared by its tasks.
 */
export function blockers(ctx: Context, groupPlaced: Int32Array, k: number): readonly string[] | undefined {
  const g = ctx.taskGroup[k];
  const cycle = ctx.cycleNames[g];
  if (cycle !== undefined) return cycle;
  const names = ctx.groups[g].deps.filter((h) => groupPlaced[h] !== ctx.groups[h].members.length).map((h) => ctx.groups[h].task);
  return names.length > 0 ? names.sort() : undefined;
}
