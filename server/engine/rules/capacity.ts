/** A task larger than every node in some dimension can never be placed: say so on that dimension. */
import { DIMENSIONS, type ClusterSpec, type Dimension, type Problem } from '../model';
import { formatCpus, formatMemory } from '../spec/units';
import { perCluster, type Rule } from './rule';

export function formatQuantity(d: Dimension, v: number): string {
  return d === 'cpus' ? formatCpus(v) : d === 'gpus' ? String(v) : formatMemory(v);
}

interface Largest {
  /** The largest node in each dimension (the first of equals). */
  readonly largest: Readonly<Record<Dimension, { v: number; node: string }>>;
  /** The most ports one node offers. */
  readonly maxPorts: number;
}

function largestOf(cluster: ClusterSpec): Largest {
  const largestIn = (d: Dimension): { v: number; node: string } =>
    cluster.nodes.reduce((best, n) => (n.resources[d] > best.v ? { v: n.resources[d], node: n.name } : best), { v: -1, node: '' });
  const largest = Object.fromEntries(DIMENSIONS.map((d) => [d, largestIn(d)])) as Record<Dimension, { v: number; node: string }>;
  const maxPorts = cluster.nodes.reduce((m, n) => Math.max(m, n.ports.reduce((s, r) => s + r.to - r.from + 1, 0)), 0);
  return { largest, maxPorts };
}

export const capacity: Rule = {
  codes: ['spec/task-too-large'],
  createJobCheck: () => {
    const summary = perCluster(largestOf);
    return ({ job, cluster }) => {
      if (!cluster || cluster.nodes.length === 0) return [];
      const out: Problem[] = [];
      const { largest, maxPorts } = summary(cluster);
      for (const t of job.tasks) {
        // Most tasks fit the largest nodes: one comparison per dimension, without looking up by name.
        const r = t.resources;
        const ports = t.ports.dynamic + t.ports.fixed.length;
        if (r.cpus <= largest.cpus.v && r.mem <= largest.mem.v && r.disk <= largest.disk.v && r.gpus <= largest.gpus.v && ports <= maxPorts) continue;
        for (const d of DIMENSIONS) {
          const need = t.resources[d];
          const best = largest[d];
          if (need > best.v) {
            out.push({
              code: 'spec/task-too-large',
              severity: 'error',
              message: best.v <= 0
                ? `task "${t.name}" needs ${formatQuantity(d, need)} ${d}, and no node of cluster "${cluster.name}" has any`
                : `task "${t.name}" needs ${formatQuantity(d, need)} ${d}, more than any node has (largest: ${best.node} with ${formatQuantity(d, best.v)})`,
              span: t.resourceSpans[d] ?? t.nameSpan,
            });
          }
        }
        if (ports > maxPorts) {
          out.push({ code: 'spec/task-too-large', severity: 'error', message: `task "${t.name}" needs ${ports} ports; the largest node range offers ${maxPorts}`, span: t.resourceSpans.ports ?? t.nameSpan });
        }
      }
      return out;
    };
  },
};
