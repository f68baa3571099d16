/**
 * Nodes sorted by free capacity in one dimension, kept sorted as capacity changes: best fit then
 * starts at the first node with enough room in the task's dominant dimension and stops at the
 * first used node that passes the filter, instead of scoring every node.
 * Order: (free ascending, node index ascending), so that ties go to the node first by name.
 */
const D = 5;

export class NodeOrder {
  /** Node indices in order. */
  readonly order: Int32Array;

  constructor(
    private readonly free: Float64Array,
    private readonly dim: number,
  ) {
    const n = free.length / D;
    const nodes = Array.from({ length: n }, (_, i) => i);
    nodes.sort((a, b) => free[a * D + dim] - free[b * D + dim] || a - b);
    this.order = Int32Array.from(nodes);
  }

  /** First position whose node has at least `amount` free. */
  firstWith(amount: number): number {
    const { order, free, dim } = this;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (free[order[mid] * D + dim] < amount) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Node `node` had `before` free and has its current free now: move it to its place. */
  moved(node: number, before: number): void {
    const { order, free, dim } = this;
    const after = free[node * D + dim];
    if (after === before) return;
    // Where it is: the position of (before, node) among the others' current values.
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = order[mid];
      const v = m === node ? before : free[m * D + dim];
      if (v < before || (v === before && m < node)) lo = mid + 1;
      else hi = mid;
    }
    const at = lo;
    if (after < before) {
      // Moves left: the first position p ≤ at whose key is ≥ (after, node).
      let l = 0;
      let h = at;
      while (l < h) {
        const mid = (l + h) >> 1;
        const m = order[mid];
        const v = free[m * D + dim];
        if (v < after || (v === after && m < node)) l = mid + 1;
        else h = mid;
      }
      order.copyWithin(l + 1, l, at);
      order[l] = node;
    } else {
      // Moves right: the last position p ≥ at such that every key in (at, p] is < (after, node).
      let l = at + 1;
      let h = order.length;
      while (l < h) {
        const mid = (l + h) >> 1;
        const m = order[mid];
        const v = free[m * D + dim];
        if (v < after || (v === after && m < node)) l = mid + 1;
        else h = mid;
      }
      order.copyWithin(at, at + 1, l);
      order[l - 1] = node;
    }
  }
}
