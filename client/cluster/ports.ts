/** Host ports for node port ranges: 127.0.0.1 only, never colliding between nodes or clusters. */
import { createServer } from 'node:net';
import type { ClusterNode } from '../../server/engine/model';

/** The host ports scanned for blocks (override with BERTH_HOST_PORTS=from-to). */
export function hostPortRange(): { from: number; to: number } {
  const m = /^(\d+)-(\d+)$/.exec(process.env['BERTH_HOST_PORTS'] ?? '');
  return m ? { from: Number(m[1]), to: Number(m[2]) } : { from: 41000, to: 59999 };
}

/**
 * The node ports a node container publishes: every single port it offers, and the first
 * `perRange` ports of each range (publishing a whole 100-port range costs Docker one proxy process
 * per port, seconds per node). The allocator hands out range ports lowest first.
 */
export function publishedPorts(node: ClusterNode, perRange: number): number[] {
  const out: number[] = [];
  for (const r of node.ports) {
    const last = r.from === r.to ? r.to : Math.min(r.to, r.from + perRange - 1);
    for (let p = r.from; p <= last; p++) out.push(p);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A contiguous free block of `count` host ports avoiding `taken` (ports Berth already recorded). */
export async function findHostBlock(count: number, taken: Set<number>): Promise<number | undefined> {
  const { from, to } = hostPortRange();
  let base = from;
  while (base + count - 1 <= to) {
    let clash = -1;
    for (let p = base; p < base + count; p++) if (taken.has(p)) clash = p;
    if (clash >= 0) {
      base = clash + 1;
      continue;
    }
    let ok = true;
    for (let p = base; p < base + count && ok; p++) if (!(await isFree(p))) {
      ok = false;
      base = p + 1;
    }
    if (ok) return base;
  }
  return undefined;
}
