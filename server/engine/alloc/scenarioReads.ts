/**
 * What a failover scenario read of the allocator's state, recorded while it runs, so that after an
 * edit its outcome can be kept when nothing it read changed (scenarioCache.ts).
 *
 * A scenario that only re-places its lost tasks by best fit reads, per task, a stretch of one node
 * order: from the first node with room for the task's dominant dimension up to the used node it
 * chose (or to the end). Those stretches are recorded as key ranges. Anything else the run does
 * (spread or first-fit scans over every candidate, preemption, the improvement phases, the node
 * swap or consolidation doing work, the retry, an explanation) reads more than that, and marks the
 * log `all`: such a scenario is always run again. One more kind is recorded: the check whether first
 * fit could save a node (improve.ts), and first fit itself, read nodes in index order up to the first
 * that fits each task; the node swap (repack.ts) reads which nodes are empty, and what it moves goes
 * through the same filter on nodes it found empty or on the nodes the scenario placed tasks on.
 * Consolidation (consolidate.ts) searches by best fit, and so is recorded as ranges.
 */
import { D } from './nodeTables';

/** Numbers per best-fit range in ReadLog.ranges. */
export const RANGE = 9;

export class ReadLog {
  /** Set when the run read something the ranges do not describe. */
  all = false;
  /**
   * Per best-fit search, RANGE numbers: the dimension, the lowest free amount it looked at, the
   * free amount and index of the used node it took (Infinity and -1 when it went to the end: then
   * it took the first empty node that passed, or none), and the task's demand (D numbers). A node
   * lies in the range when (its free amount, its index) is at or past the first and at or before
   * the second.
   */
  readonly ranges: number[] = [];
  /** The highest node index read in index order (every node up to it, in any state); -1 for none. */
  upTo = -1;
  /** Set when the run read which nodes are empty (the node swap, repack.ts, looks at every one). */
  empties = false;
}

/** Does node i, with `free` in the range's dimension, lie in range `at` of `r` (see ReadLog.ranges)? */
export function inRange(r: ArrayLike<number>, at: number, i: number, free: number): boolean {
  const hiKey = r[at + 2];
  return free >= r[at + 1] && (free < hiKey || (free === hiKey && i <= r[at + 3]));
}

/** Has node i, with free capacities `free` (per node and dimension), room for the demand of search `at` in `r`? */
export function hasRoom(r: ArrayLike<number>, at: number, i: number, free: Float64Array): boolean {
  for (let d = 0; d < D; d++) if (free[i * D + d] < r[at + 4 + d]) return false;
  return true;
}
