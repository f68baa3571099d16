/**
 * The allocator's mutable state: free capacity per node and dimension, where each task is, fixed
 * ports held per node, and per task group the instance counts per constraint value.
 * Integer arithmetic on integer inputs only (Float64Array holds integers exactly up to 2^53).
 *
 * A snapshot makes later changes revertible in time proportional to what changed: the failover
 * simulator places a plan once, then runs every scenario against it and restores in between.
 */
import { type Context, D } from './context';

export const PENDING = 0;
export const PLACED = 1;
export const BLOCKED = 2;
export const UNPLACED = 3;

export interface EvictionRecord {
  readonly task: number;
  readonly from: number;
  readonly by: number;
}

interface Snapshot {
  readonly free: Float64Array;
  readonly down: Uint8Array;
  readonly nodeOf: Int32Array;
  readonly status: Uint8Array;
  readonly current: Uint8Array;
  readonly preempted: Uint8Array;
  readonly nodeTasks: readonly (readonly number[])[];
  readonly holders: readonly (ReadonlyMap<number, number> | undefined)[];
  readonly groupPlaced: Int32Array;
  readonly counts: readonly Int32Array[];
  readonly upNodes: readonly Int32Array[];
}

export class AllocState {
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

  private base: Snapshot | undefined;
  private readonly dirtyNodes: number[] = [];
  private readonly dirtyTasks: number[] = [];
  private readonly dirtyGroups: number[] = [];
  private readonly dirtyUniverses: number[] = [];
  private readonly nodeMark: Uint8Array;
  private readonly taskMark: Uint8Array;
  private readonly groupMark: Uint8Array;
  private readonly universeMark: Uint8Array;

  constructor(readonly ctx: Context, down: Uint8Array) {
    const N = ctx.nodes.length;
    const T = ctx.tasks.length;
    const G = ctx.groups.length;
    this.free = Float64Array.from(ctx.cap);
    this.down = Uint8Array.from(down);
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
    this.nodeMark = new Uint8Array(N);
    this.taskMark = new Uint8Array(T);
    this.groupMark = new Uint8Array(G);
    this.universeMark = new Uint8Array(ctx.universes.length);
  }

  place(k: number, node: number, current: boolean): void {
    const ctx = this.ctx;
    this.touchTask(k);
    this.touchNode(node);
    const o = node * D;
    const t = k * D;
    for (let d = 0; d < D; d++) this.free[o + d] -= ctx.dem[t + d];
    const fixed = ctx.fixed[k];
    if (fixed.length > 0) {
      let h = this.holders[node];
      if (h === undefined) h = this.holders[node] = new Map();
      for (const p of fixed) h.set(p, k);
    }
    this.nodeTasks[node].push(k);
    this.nodeOf[k] = node;
    this.status[k] = 1;
    this.current[k] = current ? 1 : 0;
    this.count(k, node, 1);
  }

  remove(k: number): void {
    const ctx = this.ctx;
    const node = this.nodeOf[k];
    if (node < 0) return;
    this.touchTask(k);
    this.touchNode(node);
    const o = node * D;
    const t = k * D;
    for (let d = 0; d < D; d++) this.free[o + d] += ctx.dem[t + d];
    const h = this.holders[node];
    if (h !== undefined) for (const p of ctx.fixed[k]) if (h.get(p) === k) h.delete(p);
    const list = this.nodeTasks[node];
    const at = list.indexOf(k);
    list[at] = list[list.length - 1];
    list.pop();
    this.nodeOf[k] = -1;
    this.status[k] = 0;
    this.current[k] = 0;
    this.count(k, node, -1);
  }

  setStatus(k: number, status: number): void {
    this.touchTask(k);
    this.status[k] = status;
  }

  markPreempted(k: number): void {
    this.touchTask(k);
    this.preempted[k] = 1;
  }

  /** Marks a node down (its tasks must have been removed) and shrinks the GROUP_BY universes. */
  setDown(node: number): void {
    if (this.down[node] === 1) return;
    this.touchNode(node);
    this.down[node] = 1;
    const ctx = this.ctx;
    ctx.universes.forEach((u, ui) => {
      if (u.member[node] === 0) return;
      this.touchUniverse(ui);
      this.upNodes[ui][ctx.fields[u.field].valueOf[node]]--;
    });
  }

  private count(k: number, node: number, delta: number): void {
    const ctx = this.ctx;
    const g = ctx.taskGroup[k];
    this.touchGroup(g);
    this.groupPlaced[g] += delta;
    for (const s of ctx.groups[g].slots) {
      const v = ctx.fields[ctx.slotField[s]].valueOf[node];
      if (v >= 0) this.counts[s][v] += delta;
    }
  }

  /** From now on, every change can be reverted by restore(). */
  snapshot(): void {
    this.base = {
      free: Float64Array.from(this.free),
      down: Uint8Array.from(this.down),
      nodeOf: Int32Array.from(this.nodeOf),
      status: Uint8Array.from(this.status),
      current: Uint8Array.from(this.current),
      preempted: Uint8Array.from(this.preempted),
      nodeTasks: this.nodeTasks.map((l) => l.slice()),
      holders: this.holders.map((h) => (h === undefined ? undefined : new Map(h))),
      groupPlaced: Int32Array.from(this.groupPlaced),
      counts: this.counts.map((c) => Int32Array.from(c)),
      upNodes: this.upNodes.map((c) => Int32Array.from(c)),
    };
    this.evictions.length = 0;
  }

  /** Back to the snapshot, touching only what changed since. */
  restore(): void {
    const b = this.base;
    if (b === undefined) throw new Error('AllocState.restore without snapshot');
    for (const i of this.dirtyNodes) {
      for (let d = 0; d < D; d++) this.free[i * D + d] = b.free[i * D + d];
      this.down[i] = b.down[i];
      this.nodeTasks[i] = b.nodeTasks[i].slice();
      const h = b.holders[i];
      this.holders[i] = h === undefined ? undefined : new Map(h);
      this.nodeMark[i] = 0;
    }
    for (const k of this.dirtyTasks) {
      this.nodeOf[k] = b.nodeOf[k];
      this.status[k] = b.status[k];
      this.current[k] = b.current[k];
      this.preempted[k] = b.preempted[k];
      this.taskMark[k] = 0;
    }
    const ctx = this.ctx;
    for (const g of this.dirtyGroups) {
      this.groupPlaced[g] = b.groupPlaced[g];
      for (const s of ctx.groups[g].slots) this.counts[s].set(b.counts[s]);
      this.groupMark[g] = 0;
    }
    for (const u of this.dirtyUniverses) {
      this.upNodes[u].set(b.upNodes[u]);
      this.universeMark[u] = 0;
    }
    this.dirtyNodes.length = 0;
    this.dirtyTasks.length = 0;
    this.dirtyGroups.length = 0;
    this.dirtyUniverses.length = 0;
    this.evictions.length = 0;
  }

  private touchNode(i: number): void {
    if (this.base !== undefined && this.nodeMark[i] === 0) {
      this.nodeMark[i] = 1;
      this.dirtyNodes.push(i);
    }
  }

  private touchTask(k: number): void {
    if (this.base !== undefined && this.taskMark[k] === 0) {
      this.taskMark[k] = 1;
      this.dirtyTasks.push(k);
    }
  }

  private touchGroup(g: number): void {
    if (this.base !== undefined && this.groupMark[g] === 0) {
      this.groupMark[g] = 1;
      this.dirtyGroups.push(g);
    }
  }

  private touchUniverse(u: number): void {
    if (this.base !== undefined && this.universeMark[u] === 0) {
      this.universeMark[u] = 1;
      this.dirtyUniverses.push(u);
    }
  }

  /** Number of nodes running at least one task. */
  nodesUsed(): number {
    let n = 0;
    for (const l of this.nodeTasks) if (l.length > 0) n++;
    return n;
  }
}
