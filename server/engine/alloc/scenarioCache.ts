/**
 * Failover scenarios kept across an edit. The language server plans again on every keystroke that
 * changes what the allocator reads, and the single-node scan is most of that work; but an edit to
 * one task usually changes the plan on a few nodes only, and most scenarios never look at them.
 *
 * A scenario's outcome depends on the plan's state only through what it read (scenarioReads.ts). Between
 * the previous plan and the new one, a task is `dirty` when it is new or its compiled input
 * (instance, effective priority, level, cycle, job settings, dependencies), its node or its status
 * differs; a task group is dirty when one of its members is (or was removed); a node is `changed`
 * when a dirty task is or was on it, or its free capacity differs. A previous scenario is kept when
 * - the nodes and the down set are the ones it ran on (the same nodes array),
 * - it read only through best-fit ranges (its log is not `all`),
 * - none of its lost nodes changed (so it loses the same tasks, none of them dirty),
 * - the tasks it re-placed (the lost ones and the plan's unplaced ones) are the same, and none is in
 *   a dirty group or depends on one (their constraint counts and dependencies read the same),
 * - no changed node lies in one of its ranges, with its previous free capacity or its new one.
 * The run on the new plan then looks, at every step, at the same nodes in the same states and makes
 * the same choice, so its outcome is the previous one. Anything else runs again (and is recorded).
 */
import type { ClusterNode } from '../model';
import type { Context } from './compiledInput';
import { D } from './nodeTables';
import { hasRoom, inRange, RANGE, ReadLog } from './scenarioReads';
import type { AllocState } from './state';
import type { ScenarioOutcome } from './types';
import { downKey, matchTasks, sameTask } from './taskMatch';

/** What the next plan of the same workspace needs to keep this plan's scenarios. Opaque to callers. */
export interface ScanMemo {
  readonly nodes: readonly ClusterNode[];
  readonly down: string;
  readonly ctx: Context;
  /** The plan's state the scenarios started from: free capacity, node and status per task. */
  readonly free: Float64Array;
  readonly nodeOf: Int32Array;
  readonly status: Uint8Array;
  readonly pending: number;
  /** By scenario key (the lost node names): what it gave and what it read. */
  readonly scenarios: ReadonlyMap<string, { readonly outcome: ScenarioOutcome; readonly reads: ReadLog }>;
}

/** What an unrecorded scenario read: everything. */
const ALL: ReadLog = Object.assign(new ReadLog(), { all: true });

/** Above this share of changed nodes, nothing is kept (checking would cost about as much as running). */
const MAX_CHANGED_SHARE = 0.25;

/** Runs scenarios on a simulator, keeping those of `previous` that the edit cannot have changed. */
/** What the cache asks of the failover simulator (failover.ts): its state, the tasks it has to place, one scenario run. */
export interface ScenarioRunner {
  readonly state: AllocState | undefined;
  readonly pending: readonly number[];
  run(lost: readonly string[], reads?: ReadLog): ScenarioOutcome;
}

export class ScenarioCache {
  private readonly done = new Map<string, { outcome: ScenarioOutcome; reads: ReadLog }>();
  private readonly previous: Reuse | undefined;
  /** Scenarios kept from the previous plan, and run, in this one (for tests and benchmarks). */
  readonly counts = { kept: 0, run: 0 };

  constructor(
    private readonly ctx: Context,
    private readonly nodes: readonly ClusterNode[],
    private readonly down: ReadonlySet<string> | undefined,
    private readonly simulator: ScenarioRunner,
    previous: ScanMemo | undefined,
    /** Record what each scenario reads, for a memo (else nothing is recorded, and there is none). */
    private readonly record: boolean,
  ) {
    const st = simulator.state;
    this.previous = st !== undefined && previous !== undefined ? compare(previous, ctx, st, nodes, downKey(down), simulator.pending) : undefined;
  }

  outcome(lost: readonly string[]): ScenarioOutcome {
    const key = lost.join('\n');
    const known = this.done.get(key);
    if (known !== undefined) return known.outcome;
    const kept = this.previous?.keep(key, lost);
    if (kept !== undefined) {
      this.counts.kept++;
      this.done.set(key, kept);
      return kept.outcome;
    }
    this.counts.run++;
    const reads = this.record ? new ReadLog() : ALL;
    const outcome = this.simulator.run(lost, this.record ? reads : undefined);
    this.done.set(key, { outcome, reads });
    return outcome;
  }

  /** For the next plan; undefined when the scenarios did not run on the plan's own state. */
  memo(): ScanMemo | undefined {
    const st = this.simulator.state;
    if (st === undefined || !this.record) return undefined;
    return {
      nodes: this.nodes,
      down: downKey(this.down),
      ctx: this.ctx,
      free: Float64Array.from(st.free),
      nodeOf: Int32Array.from(st.nodeOf),
      status: Uint8Array.from(st.status),
      pending: this.simulator.pending.length,
      scenarios: this.done,
    };
  }
}

interface Reuse {
  keep(key: string, lost: readonly string[]): { outcome: ScenarioOutcome; reads: ReadLog } | undefined;
}

/** What differs between the previous plan's state and the new one; undefined when nothing can be kept. */
function compare(prev: ScanMemo, ctx: Context, st: AllocState, nodes: readonly ClusterNode[], down: string, pending: readonly number[]): Reuse | undefined {
  if (prev.nodes !== nodes || prev.down !== down) return undefined;
  const old = prev.ctx;
  const N = ctx.nodes.length;
  const T = ctx.tasks.length;
  const changed = new Uint8Array(N);
  const dirtyTask = new Uint8Array(T);
  const dirtyGroup = new Uint8Array(ctx.groups.length);
  const match = matchTasks(old, ctx);
  for (let k = 0; k < T; k++) {
    const j = match.oldOf[k];
    if (j >= 0 && sameTask(old, j, ctx, k) && prev.nodeOf[j] === st.nodeOf[k] && prev.status[j] === st.status[k]) continue;
    dirtyTask[k] = 1;
    dirtyGroup[ctx.taskGroup[k]] = 1;
    if (st.nodeOf[k] >= 0) changed[st.nodeOf[k]] = 1;
    if (j >= 0 && prev.nodeOf[j] >= 0) changed[prev.nodeOf[j]] = 1;
  }
  for (const j of match.gone) {
    // A task that is gone: its node changed, and its group (if it still has members) is dirty.
    if (prev.nodeOf[j] >= 0) changed[prev.nodeOf[j]] = 1;
    const g = match.groupOf(j);
    if (g !== undefined) dirtyGroup[g] = 1;
  }
  // Nodes in use in the previous plan's state, for scenarios that read which nodes are empty.
  const prevUsed = new Uint8Array(N);
  for (let j = 0; j < old.tasks.length; j++) if (prev.nodeOf[j] >= 0) prevUsed[prev.nodeOf[j]] = 1;
  const list: number[] = [];
  for (let i = 0; i < N; i++) {
    if (changed[i] === 0) {
      for (let d = 0; d < D; d++) if (prev.free[i * D + d] !== st.free[i * D + d]) changed[i] = 1;
    }
    if (changed[i] === 1) list.push(i);
  }
  if (list.length > N * MAX_CHANGED_SHARE) return undefined;
  // Per group: clean, with every group it depends on clean (asked for each task of each scenario).
  const cleanGroup = new Uint8Array(ctx.groups.length);
  ctx.groups.forEach((group, g) => {
    if (dirtyGroup[g] === 1) return;
    for (const h of group.deps) if (dirtyGroup[h] === 1) return;
    cleanGroup[g] = 1;
  });
  const queued = (k: number): boolean => dirtyTask[k] === 0 && cleanGroup[ctx.taskGroup[k]] === 1;
  // The plan's unplaced tasks are re-tried in every scenario: the same ones, none touched.
  if (pending.length !== prev.pending || !pending.every(queued)) return undefined;
  return {
    keep(key, lost) {
      const entry = prev.scenarios.get(key);
      if (entry === undefined || entry.reads.all) return undefined;
      for (const name of lost) {
        const i = ctx.nodeIndex.get(name);
        if (i === undefined || changed[i] === 1) return undefined;
        for (const k of st.nodeTasks[i]) if (!queued(k)) return undefined;
      }
      const r = entry.reads.ranges;
      const upTo = entry.reads.upTo;
      const empties = entry.reads.empties;
      for (const i of list) {
        if (i <= upTo || (empties && (prevUsed[i] === 0 || st.nodeTasks[i].length === 0))) return undefined;
        for (let at = 0; at < r.length; at += RANGE) if (mayChange(r, at, i, prev.free, prevUsed[i] === 1, st)) return undefined;
      }
      return entry;
    },
  };
}

/**
 * Can changed node i change the choice of the best-fit search at `at` in `r`? When the search took a
 * used node (a finite range): only if it took i, or if i now lies in the range, in use, with room for
 * the task (a node that fails the filter is passed over, and an empty one loses to a used one; the
 * ports and counting constraints are not checked here, which only keeps fewer scenarios). When it
 * went to the end (no used node passed; it took the first empty node with room, unrecorded, or
 * none): if i lies in the range before or after, unless i was in use before and has no room for
 * the task now. Such a node is passed over now (used or empty), and was not the empty node taken
 * before; the other nodes are as they were, so the search ends as before. (Node i's free capacity during the
 * scenario is the plan's: a search that placed a task on it recorded i as the node it took.)
 * After an edit that makes a task larger, its node is in use with less room than before: the
 * scenarios whose searches walked past it to the end are kept (about 120 of 1,000 on the benchmark).
 */
function mayChange(r: readonly number[], at: number, i: number, prevFree: Float64Array, usedBefore: boolean, st: AllocState): boolean {
  const o = i * D;
  const dim = r[at];
  if (r[at + 3] === i) return true;
  if (r[at + 2] === Infinity) {
    if (!inRange(r, at, i, prevFree[o + dim]) && !inRange(r, at, i, st.free[o + dim])) return false;
    return !usedBefore || hasRoom(r, at, i, st.free);
  }
  return inRange(r, at, i, st.free[o + dim]) && st.nodeTasks[i].length > 0 && hasRoom(r, at, i, st.free);
}
