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
    // One pass over the names, whatever the instance counts: `api-1` collides when a task `api` has 2 or more.
    const byName = new Map(job.tasks.map((t) => [t.name, t]));
    for (const other of job.tasks) {
      const m = /^(.+)-(0|[1-9]\d*)$/.exec(other.name);
      const t = m?.[1] === undefined ? undefined : byName.get(m[1]);
      if (t === undefined || t.instances < 2 || Number(m?.[2]) >= t.instances) continue;
      out.push({ code: 'spec/duplicate-name', severity: 'error', message: `instance "${other.name}" of task "${t.name}" has the same name as another task`, span: t.nameSpan });
    }
    return out;
  },
  checkCluster: ({ cluster }) => duplicates(cluster.nodes, 'node'),
};
