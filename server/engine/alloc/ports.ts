/**
 * Port ranges of a node: merging, membership, and the final assignment of dynamic port numbers.
 * During allocation dynamic ports are a count and fixed ports are numbers; numbers for dynamic
 * ports are chosen only at the end (lowest free first), so a dynamic port never blocks a fixed one.
 */
import type { PortRange } from '../model';

/** Sorted, non-overlapping, non-adjacent ranges; invalid ranges (from > to, non-integers) dropped. */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const valid = ranges
    .filter((r) => Number.isInteger(r.from) && Number.isInteger(r.to) && r.from <= r.to)
    .map((r) => ({ from: r.from, to: r.to }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const out: { from: number; to: number }[] = [];
  for (const r of valid) {
    const last = out[out.length - 1];
    if (last !== undefined && r.from <= last.to + 1) {
      if (r.to > last.to) last.to = r.to;
    } else {
      out.push(r);
    }
  }
  return out;
}

export function rangesSize(ranges: readonly PortRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.to - r.from + 1;
  return n;
}

export function inRanges(ranges: readonly PortRange[], port: number): boolean {
  for (const r of ranges) {
    if (port < r.from) return false;
    if (port <= r.to) return true;
  }
  return false;
}

/** Unique fixed ports, ascending. */
export function uniquePorts(ports: readonly number[]): readonly number[] {
  if (ports.length === 0) return EMPTY;
  return [...new Set(ports)].sort((a, b) => a - b);
}

const EMPTY: readonly number[] = Object.freeze([]);

/**
 * Assigns dynamic port numbers on one node. `dynamic` lists [task, count] in the order the numbers
 * are handed out; `taken` holds the node's fixed ports and receives the assigned ones.
 * Returns the numbers per task, in the same order. Counts were checked during allocation.
 * Wider ranges are used first (lowest number first within each): a node that offers `5432` beside
 * `31000-31099` keeps its single ports for the tasks that ask for them by number.
 */
export function assignDynamicPorts(
  ranges: readonly PortRange[],
  taken: Set<number>,
  counts: readonly number[],
): number[][] {
  const order = [...ranges].sort((a, b) => b.to - b.from - (a.to - a.from) || a.from - b.from);
  const out: number[][] = [];
  let ri = 0;
  let next = order.length > 0 ? order[0].from : 0;
  for (const count of counts) {
    const mine: number[] = [];
    while (mine.length < count && ri < order.length) {
      const r = order[ri];
      if (next > r.to) {
        ri++;
        if (ri < order.length) next = order[ri].from;
        continue;
      }
      if (!taken.has(next)) {
        taken.add(next);
        mine.push(next);
      }
      next++;
    }
    out.push(mine);
  }
  return out;
}
