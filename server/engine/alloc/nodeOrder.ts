/**
 * Nodes sorted by free capacity in one dimension, kept sorted as capacity changes: best fit then
 * starts at the first node with enough room in the task's dominant dimension and stops at the
 * first used node that passes the filter, instead of scoring every node.
 * Order: (key ascending, node index ascending), so that ties go to the node first by name. A node's
 * key is its free capacity as of its last update: before a search reads an order, the state brings
 * the up nodes that changed since up to date (node by node, or by sorting again when many did), and
 * a down node when it comes back up (best fit skips down nodes, wherever they sit).
 */
const D = 5;

export class NodeOrder {
  /** Node indices in order. */
  readonly order: Int32Array;
  /** Per node: the free capacity it is sorted by. */
  private readonly key: Float64Array;

  constructor(
    private readonly free: Float64Array,
    private readonly dim: number,
  ) {
    const n = free.length / D;
    this.key = new Float64Array(n);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.rebuild();
  }

  /** Every node's key taken again from its free capacity, and the order sorted anew. */
  rebuild(): void {
    const { order, key, free, dim } = this;
    for (let i = 0; i < key.length; i++) key[i] = free[i * D + dim];
    order.sort((a, b) => key[a] - key[b] || a - b);
  }

  /** First position whose node has at least `amount` free (by key). */
  firstWith(amount: number): number {
    const { order, key } = this;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key[order[mid]] < amount) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Node `node`'s free capacity changed: move it to its place. */
  update(node: number): void {
    const { order, key } = this;
    const before = key[node];
    const after = this.free[node * D + this.dim];
    if (after === before) return;
    // Where it is: the position of (before, node).
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = order[mid];
      const v = key[m];
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
        const v = key[m];
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
        const v = key[m];
        if (v < after || (v === after && m < node)) l = mid + 1;
        else h = mid;
      }
      order.copyWithin(at, at + 1, l);
      order[l - 1] = node;
    }
    key[node] = after;
  }
}
