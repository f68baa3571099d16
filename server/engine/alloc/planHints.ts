/**
 * The greedy pass of a plan after an edit, with the previous plan's choices as hints. The language
 * server plans again on every keystroke that changes what the allocator reads; an edit to one task
 * usually leaves almost every other choice as it was, but finding that out by searching costs as
 * much as the first plan. Here each task's previous choice is taken without a search when the
 * search provably gives it again; otherwise the task is searched as usual. The result is exactly
 * the plan a fresh call makes: a hint only ever stands in for a search whose outcome it equals.
 *
 * Why a hint holds. Tasks the edit did not touch (`sameTask`, scenarioCache.ts) keep their order
 * relative to each other. Before task k, the previous run's state and this one differ only on
 * `changed` nodes: the previous nodes of the touched or removed tasks, the new nodes of the
 * touched ones, and both nodes of every untouched task whose choice differs; and only in `dirty`
 * task groups (a touched, removed or differently placed member). Best fit walks one node order
 * from the first node with room in the task's dominant dimension to the used node it takes (the
 * range its search recorded, scenarioReads.ts). When k's group and the groups it depends on are clean and
 * no changed node can change that walk, the walk takes the same node. A changed node can only if
 * it was the node taken, or it now lies in the range with room for the task and is in use (a used
 * node wins over the empty one taken when no used node passed) or, when the search took an empty
 * node, is empty and comes before it. (Ports and counting constraints are not checked there: that
 * only searches more often.) Anything else, a spread task (it
 * scores every node), or a run that moves a placed task during the pass (preemption and the
 * improvement phase, which follow a task left without a node, or first fit at the end of a small
 * class keeping its result) stops the hints for the rest of the call.
 */
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { findBest } from './search';
import { hasRoom, inRange, RANGE, ReadLog } from './scenarioReads';
import { matchTasks, sameTask } from './taskMatch';
import type { AllocState } from './state';
import type { ClusterNode } from '../model';

/** What the next plan needs from this one's greedy pass. Opaque to callers. */
export interface PlanMemo {
  readonly nodes: readonly ClusterNode[];
  readonly down: string;
  readonly ctx: Context;
  /** Per step of the greedy pass: the task searched, the node taken (-1: none), its range (NaN: read everything). */
  readonly tasks: Int32Array;
  readonly choices: Int32Array;
  readonly ranges: Float64Array;
}

/** Above this many changed nodes the hints stop (checking each search would cost about as much as searching). */
const MAX_CHANGED = 64;

export class PlanHints {
  /** The steps recorded so far (`steps` of them), in arrays grown by doubling. */
  private tasks: Int32Array;
  private choices: Int32Array;
  private ranges: Float64Array;
  private steps = 0;
  private readonly log = new ReadLog();
  private readonly moved: number;
  /** Set when the pass moved a placed task or left one without a node: no memo for the next call. */
  private tainted = false;
  private readonly prev: Previous | undefined;
  /** Searches the hints stood in for, and searches run (for tests and benchmarks). */
  readonly counts = { kept: 0, searched: 0 };

  constructor(
    private readonly ctx: Context,
    private readonly st: AllocState,
    private readonly nodes: readonly ClusterNode[],
    private readonly down: string,
    previous: PlanMemo | undefined,
  ) {
    this.moved = st.moved;
    const T = Math.max(16, ctx.tasks.length);
    this.tasks = new Int32Array(T);
    this.choices = new Int32Array(T);
    this.ranges = new Float64Array(T * RANGE);
    this.prev = previous !== undefined && previous.nodes === nodes && previous.down === down ? new Previous(previous, ctx) : undefined;
  }

  /** The node for task k in the greedy pass: the previous choice when it provably holds, else a search. */
  place(k: number, mode: number): number {
    const { ctx, st } = this;
    // A kept move (first fit at the end of a small class) changes placements the hints assume.
    // Every other phase that moves a task in the pass (preemption, the improvement phase) follows
    // a task left without a node, which stops the hints too.
    if (st.moved !== this.moved) this.tainted = true;
    const hinted = this.tainted ? undefined : this.prev?.choice(k, st);
    let node: number;
    if (hinted !== undefined) {
      this.counts.kept++;
      node = hinted.node;
      this.record(k, node, hinted.ranges, hinted.at);
    } else {
      this.counts.searched++;
      const log = this.log;
      log.all = false;
      log.ranges.length = 0;
      st.reads = log;
      node = findBest(ctx, st, k, mode);
      st.reads = undefined;
      if (log.all || log.ranges.length !== RANGE) this.record(k, node, undefined, 0);
      else this.record(k, node, log.ranges, 0);
    }
    if (node < 0) this.tainted = true;
    this.prev?.placed(k, node);
    return node;
  }

  private record(k: number, node: number, ranges: ArrayLike<number> | undefined, at: number): void {
    const s = this.steps++;
    if (s === this.tasks.length) {
      this.tasks = grown(this.tasks, new Int32Array(2 * s));
      this.choices = grown(this.choices, new Int32Array(2 * s));
      this.ranges = grown(this.ranges, new Float64Array(2 * s * RANGE));
    }
    this.tasks[s] = k;
    this.choices[s] = node;
    for (let x = 0; x < RANGE; x++) this.ranges[s * RANGE + x] = ranges === undefined ? NaN : ranges[at + x];
  }

  /**
   * Puts `queue` in the previous pass's order, the tasks it did not have at the end: the sort of
   * the queue that follows then merges a few runs instead of sorting from nothing (same result).
   */
  arrange(queue: number[]): void {
    this.prev?.arrange(queue);
  }

  /** Task k was blocked (a dependency without a node, or a cycle) in the greedy pass. */
  blocked(k: number): void {
    this.prev?.placed(k, -1);
  }

  /**
   * For the next call; undefined when this one moved a placed task during the pass (what the steps
   * after the pass do, the node swap and consolidation, runs anew in every call).
   */
  memo(): PlanMemo | undefined {
    if (this.tainted) return undefined;
    const n = this.steps;
    return { nodes: this.nodes, down: this.down, ctx: this.ctx, tasks: this.tasks.subarray(0, n), choices: this.choices.subarray(0, n), ranges: this.ranges.subarray(0, n * RANGE) };
  }
}

/** The previous pass, matched to this call's tasks, and what differs so far. */
class Previous {
  /** Per task of this call: its step in the previous pass, -1 when touched (or new). */
  private readonly stepOf: Int32Array;
  private readonly changed: Uint8Array;
  private readonly changedList: number[] = [];
  private readonly dirtyGroup: Uint8Array;
  private stopped = false;

  constructor(
    private readonly memo: PlanMemo,
    private readonly ctx: Context,
  ) {
    const old = memo.ctx;
    const T = ctx.tasks.length;
    const stepOfOld = new Int32Array(old.tasks.length).fill(-1);
    memo.tasks.forEach((j, s) => (stepOfOld[j] = s));
    this.stepOf = new Int32Array(T).fill(-1);
    this.changed = new Uint8Array(ctx.nodes.length);
    this.dirtyGroup = new Uint8Array(ctx.groups.length);
    const match = matchTasks(old, ctx);
    for (let k = 0; k < T; k++) {
      const j = match.oldOf[k];
      if (j >= 0 && stepOfOld[j] >= 0 && sameTask(old, j, ctx, k)) {
        this.stepOf[k] = stepOfOld[j];
        continue;
      }
      // Touched or new: its group is dirty, and where it was before is a changed node.
      this.dirtyGroup[ctx.taskGroup[k]] = 1;
      if (j >= 0 && stepOfOld[j] >= 0) this.change(memo.choices[stepOfOld[j]]);
    }
    for (const j of match.gone) {
      if (stepOfOld[j] >= 0) this.change(memo.choices[stepOfOld[j]]);
      const g = match.groupOf(j);
      if (g !== undefined) this.dirtyGroup[g] = 1;
    }
  }

  private change(node: number): void {
    if (node < 0 || this.changed[node] === 1) return;
    this.changed[node] = 1;
    this.changedList.push(node);
    if (this.changedList.length > MAX_CHANGED) this.stopped = true;
  }

  /** See PlanHints.arrange. */
  arrange(queue: number[]): void {
    const at = new Int32Array(this.memo.tasks.length).fill(-1);
    const rest: number[] = [];
    for (const k of queue) {
      const s = this.stepOf[k];
      if (s >= 0 && at[s] < 0) at[s] = k;
      else rest.push(k);
    }
    let n = 0;
    for (const k of at) if (k >= 0) queue[n++] = k;
    for (const k of rest) queue[n++] = k;
  }

  /** Task k was placed on `node` (-1: on none) in this pass: record what now differs. */
  placed(k: number, node: number): void {
    const s = this.stepOf[k];
    if (s >= 0 && this.memo.choices[s] === node) return;
    this.dirtyGroup[this.ctx.taskGroup[k]] = 1;
    this.change(node);
    if (s >= 0) this.change(this.memo.choices[s]);
  }

  /** The previous choice for task k when the search would make it again now, else undefined. */
  choice(k: number, st: AllocState): { node: number; ranges: Float64Array; at: number } | undefined {
    if (this.stopped) return undefined;
    const s = this.stepOf[k];
    if (s < 0) return undefined;
    const ctx = this.ctx;
    const g = ctx.taskGroup[k];
    if (this.dirtyGroup[g] === 1) return undefined;
    for (const h of ctx.groups[g].deps) if (this.dirtyGroup[h] === 1) return undefined;
    const r = this.memo.ranges;
    const at = s * RANGE;
    if (Number.isNaN(r[at])) return undefined;
    const node = this.memo.choices[s];
    if (node < 0) return undefined;
    const dim = r[at];
    for (const i of this.changedList) {
      if (i === node || r[at + 3] === i) return undefined;
      if (!inRange(r, at, i, st.free[i * D + dim]) || !hasRoom(r, at, i, st.free)) continue;
      if (st.nodeTasks[i].length > 0) return undefined;
      // An empty node: it matters only when the search took an empty node (no used one passed)
      // and comes before it in the order (that node is empty too, unchanged: its key is its capacity).
      if (r[at + 2] === Infinity && before(st.free[i * D + dim], i, ctx.cap[node * D + dim], node)) return undefined;
    }
    return { node, ranges: r, at };
  }
}

function grown<A extends Int32Array | Float64Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/** Is (free a, node i) before (free b, node j) in a node order? */
function before(a: number, i: number, b: number, j: number): boolean {
  return a < b || (a === b && i < j);
}
