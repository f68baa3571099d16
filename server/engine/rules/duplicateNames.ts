/** Task names in a job and node names in a cluster are unique. */
import type { Problem, Span } from '../model';
import type { Rule } from './rule';

function duplicates(items: readonly { name: string; nameSpan: Span }[], what: string): Problem[] {
  const first = new Map<string, number>();
  const out: Problem[] = [];
  items.forEach((item, i) => {
    if (item.name === '') return;
    const seen = first.get(item.name);
    if (seen === undefined) first.set(item.name, i);
    else out.push({ code: 'spec/duplicate-name', severity: 'error', message: `${what} "${item.name}" is defined twice (first as ${what} #${seen + 1})`, span: item.nameSpan });
  });
  return out;
}

export const duplicateNames: Rule = {
  codes: ['spec/duplicate-name'],
  checkJob: ({ job }) => {
    const out = duplicates(job.tasks, 'task');
    // Instance names must not collide with another task's name (`api` with 2 instances makes `api-1`).
    const names = new Set(job.tasks.map((t) => t.name));
    for (const t of job.tasks) {
      if (t.instances < 2) continue;
      for (let i = 0; i < t.instances; i++) {
        const n = `${t.name}-${i}`;
        if (names.has(n)) out.push({ code: 'spec/duplicate-name', severity: 'error', message: `instance "${n}" of task "${t.name}" has the same name as another task`, span: t.nameSpan });
      }
    }
    return out;
  },
  checkCluster: ({ cluster }) => duplicates(cluster.nodes, 'node'),
};
