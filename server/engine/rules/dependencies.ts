/** `dependsOn` names tasks of the same job, not the task itself, and never forms a cycle. */
import type { Problem, TaskSpec } from '../model';
import { closest, didYouMean } from '../suggest';
import type { Rule } from './rule';

export const dependencies: Rule = {
  codes: ['spec/unknown-dependency', 'spec/dependency-cycle'],
  checkJob: ({ job }) => {
    const out: Problem[] = [];
    const byName = new Map<string, TaskSpec>();
    for (const t of job.tasks) if (!byName.has(t.name)) byName.set(t.name, t);
    for (const t of job.tasks) {
      for (const d of t.dependsOn) {
        if (byName.has(d.name)) continue;
        const candidates = closest(d.name, byName.keys());
        out.push({
          code: 'spec/unknown-dependency',
          severity: 'error',
          message: `task "${t.name}" depends on "${d.name}", which is not a task of job "${job.name}"${didYouMean(candidates)}`,
          span: d.span,
          ...(candidates.length > 0 ? { data: { kind: 'did-you-mean' as const, span: d.span, candidates } } : {}),
        });
      }
    }
    for (const cycle of findCycles(byName)) {
      const names = [...cycle, cycle[0]].join(' → ');
      for (let i = 0; i < cycle.length; i++) {
        const from = byName.get(cycle[i] ?? '');
        const to = cycle[(i + 1) % cycle.length];
        const ref = from?.dependsOn.find((d) => d.name === to);
        if (ref) out.push({ code: 'spec/dependency-cycle', severity: 'error', message: `dependency cycle: ${names}`, span: ref.span });
      }
    }
    return out;
  },
};

/** Every elementary cycle found by a DFS (one per strongly connected back edge), names in order. */
function findCycles(byName: ReadonlyMap<string, TaskSpec>): string[][] {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seenCycle = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 1);
    stack.push(name);
    for (const d of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(d.name)) continue;
      const s = state.get(d.name);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(d.name));
        const key = [...cycle].sort().join('\0');
        if (!seenCycle.has(key)) {
          seenCycle.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(d.name);
    }
    stack.pop();
    state.set(name, 2);
  };
  for (const name of [...byName.keys()].sort()) if (!state.has(name)) visit(name);
  return cycles;
}
