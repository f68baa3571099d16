/**
 * Nodes sorted by free capacity in one dimension, kept sorted as capacity changes: best fit then
 * starts at the first node with enough room in the task's dominant dimension and stops at the
 * first used node that passes the filter, instead of scoring every node.
 * Order: (key ascending, node index ascending), so that ties go to the node first by name. A node's
 * key is its free capacity as of its last update: before a search reads an order, the state brings
 * the up nodes that changed since up to date (node by node, or by sorting again when many did), and
 * a down node when it comes back up (best fit skips down nodes, wherever they sit).
 *
 * Blocks: the order is a list of blocks of up to 2·BLOCK nodes (a sorted list in pieces), so that
 * moving a node costs two small splices, not a shift of every node between its old and new place
 * (thousands on a large cluster, where many nodes share a free capacity). Each block keeps, per
 * dimension, the largest free capacity of its used nodes and of its empty ones: best fit passes over
 * a block where no used node (and, once it holds an empty candidate, no empty node) has room in
 * every dimension, instead of walking past nodes full in another dimension, or empty, one by one. A
 * summary is an upper bound (a down node's entry may be stale; best fit skips down nodes anyway),
 * summed again when a search reads a block that changed.
 */
const D = 5;
const BLOCK = 32;
/** blockFits: a used node of the block may fit; an empty node may. */
export const USED_MAY_FIT = 1;
export const EMPTY_MAY_FIT = 2;

export interface OrderBlock {
  /** Node indices, in order. */
  readonly nodes: number[];
  /** Per dimension: the largest free capacity of the block's used nodes (-Infinity: none). */
  readonly usedMax: Float64Array;
  /** Per dimension: the largest free capacity of the block's empty nodes (-Infinity: none). */
  readonly emptyMax: Float64Array;
  /** The summary must be summed again before it is read. */
  dirty: boolean;
}

function block(nodes: number[]): OrderBlock {
  return { nodes, usedMax: new Float64Array(D), emptyMax: new Float64Array(D), dirty: true };
}

export class NodeOrder {
  /** The blocks, in order; none is empty (unless there are no nodes). */
  blocks: OrderBlock[] = [];
  /** Per node: the free capacity it is sorted by. */
  private readonly key: Float64Array;

  constructor(
    private readonly free: Float64Array,
    private readonly dim: number,
    private readonly nodeTasks: readonly (readonly number[])[],
    /** Nodes per block as built; a block is split when it grows past twice this. */
    private readonly blockSize = BLOCK,
  ) {
    this.key = new Float64Array(free.length / D);
    this.rebuild();
  }

  /** Every node's key taken again from its free capacity, and the order sorted anew. */
  rebuild(): void {
    const { key, free, dim } = this;
    const all: number[] = [];
    for (let i = 0; i < key.length; i++) {
      key[i] = free[i * D + dim];
      all.push(i);
    }
    all.sort((a, b) => key[a] - key[b] || a - b);
    const blocks: OrderBlock[] = [];
    for (let p = 0; p < all.length; p += this.blockSize) blocks.push(block(all.slice(p, p + this.blockSize)));
    this.blocks = blocks;
  }

  /** Every node, in order (for tests and diagnostics). */
  nodes(): number[] {
    return this.blocks.flatMap((b) => b.nodes);
  }

  /**
   * The first block with a node that has at least `amount` free (by key), or blocks.length; its
   * first such node's offset in `firstOffset`.
   */
  firstWith(amount: number): number {
    const { blocks, key } = this;
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ns = blocks[mid].nodes;
      if (key[ns[ns.length - 1]] < amount) lo = mid + 1;
      else hi = mid;
    }
    if (lo < blocks.length) {
      const ns = blocks[lo].nodes;
      let l = 0;
      let h = ns.length;
      while (l < h) {
        const mid = (l + h) >> 1;
        if (key[ns[mid]] < amount) l = mid + 1;
        else h = mid;
      }
      this.firstOffset = l;
    } else this.firstOffset = 0;
    return lo;
  }

  /** Set by firstWith. */
  firstOffset = 0;

  /**
   * Which kinds of node in the block may have room for (d0..d4) in every dimension: USED_MAY_FIT,
   * EMPTY_MAY_FIT (asked only when `empties`), both or neither. Never says no to a node that fits.
   */
  blockFits(b: OrderBlock, d0: number, d1: number, d2: number, d3: number, d4: number, empties: boolean): number {
    if (b.dirty) this.sum(b);
    const u = b.usedMax;
    let fits = u[0] >= d0 && u[1] >= d1 && u[2] >= d2 && u[3] >= d3 && u[4] >= d4 ? USED_MAY_FIT : 0;
    if (empties) {
      const e = b.emptyMax;
      if (e[0] >= d0 && e[1] >= d1 && e[2] >= d2 && e[3] >= d3 && e[4] >= d4) fits |= EMPTY_MAY_FIT;
    }
    return fits;
  }

  /** The block's summary summed from its nodes' free capacity now. */
  private sum(b: OrderBlock): void {
    const { free, nodeTasks } = this;
    const { usedMax, emptyMax, nodes } = b;
    usedMax.fill(-Infinity);
    emptyMax.fill(-Infinity);
    for (const i of nodes) {
      const m = nodeTasks[i].length > 0 ? usedMax : emptyMax;
      const f = i * D;
      for (let d = 0; d < D; d++) if (free[f + d] > m[d]) m[d] = free[f + d];
    }
    b.dirty = false;
  }

  /** The block holding (k, node) or, when none does, where it goes: the first block whose last entry is ≥ it. */
  private blockOf(k: number, node: number): number {
    const { blocks, key } = this;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ns = blocks[mid].nodes;
      const last = ns[ns.length - 1];
      const v = key[last];
      if (v < k || (v === k && last < node)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Offset of the first entry of `ns` that is ≥ (k, node). */
  private offsetIn(ns: readonly number[], k: number, node: number): number {
    const key = this.key;
    let lo = 0;
    let hi = ns.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = ns[mid];
      const v = key[m];
      if (v < k || (v === k && m < node)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Node `node`'s free capacity changed (or whether it runs something): move it to its place. */
  update(node: number): void {
    const { blocks, key } = this;
    const before = key[node];
    const after = this.free[node * D + this.dim];
    const from = this.blockOf(before, node);
    const fromBlock = blocks[from];
    fromBlock.dirty = true;
    if (after === before) return;
    fromBlock.nodes.splice(this.offsetIn(fromBlock.nodes, before, node), 1);
    if (fromBlock.nodes.length === 0) blocks.splice(from, 1);
    key[node] = after;
    if (blocks.length === 0) {
      blocks.push(block([node]));
      return;
    }
    const to = this.blockOf(after, node);
    const toBlock = blocks[to];
    toBlock.nodes.splice(this.offsetIn(toBlock.nodes, after, node), 0, node);
    toBlock.dirty = true;
    if (toBlock.nodes.length > 2 * this.blockSize) blocks.splice(to + 1, 0, block(toBlock.nodes.splice(this.blockSize)));
  }
}
