/** Fixed ports lie in some node's ranges and are not asked twice by one task. */
import type { ClusterSpec, PortRange, Problem } from '../model';
import { perCluster, type Rule } from './rule';

/** The distinct port ranges of the cluster's nodes, in order of first appearance. */
function rangesOf(cluster: ClusterSpec): PortRange[] {
  return [...new Map(cluster.nodes.flatMap((n) => n.ports).map((r) => [`${r.from}-${r.to}`, r])).values()];
}

export const ports: Rule = {
  codes: ['spec/port-out-of-range', 'spec/duplicate-port'],
  createJobCheck: () => {
    const rangesIn = perCluster(rangesOf);
    return ({ job, cluster }) => {
      const out: Problem[] = [];
      for (const t of job.tasks) {
        if (t.ports.fixed.length === 0) continue;
        const ranges = cluster ? rangesIn(cluster) : [];
        const seen = new Set<number>();
        for (const [i, p] of t.ports.fixed.entries()) {
          const span = t.fixedPortSpans[i] ?? t.resourceSpans.ports ?? t.nameSpan;
          if (seen.has(p)) out.push({ code: 'spec/duplicate-port', severity: 'error', message: `task "${t.name}" asks for port ${p} twice`, span });
          seen.add(p);
          if (cluster && cluster.nodes.length > 0 && !ranges.some((r) => p >= r.from && p <= r.to)) {
            const shown = ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
            out.push({
              code: 'spec/port-out-of-range',
              severity: 'error',
              message: `port ${p} of task "${t.name}" is outside every node's port ranges (${shown.length ? shown.join(', ') : 'no node offers ports'})`,
              span,
            });
          }
        }
      }
      return out;
    };
  },
};
