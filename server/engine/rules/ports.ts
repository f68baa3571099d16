/** Fixed ports lie in some node's ranges and are not asked twice by one task. */
import type { Problem } from '../model';
import type { Rule } from './rule';

export const ports: Rule = {
  codes: ['spec/port-out-of-range', 'spec/duplicate-port'],
  checkJob: ({ job, cluster }) => {
    const out: Problem[] = [];
    const ranges = cluster ? [...new Map(cluster.nodes.flatMap((n) => n.ports).map((r) => [`${r.from}-${r.to}`, r])).values()] : [];
    for (const t of job.tasks) {
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
  },
};
