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

/**
 * Every cycle found by a depth-first search (one per back edge), names in order. Iterative, with an
 * explicit stack, so a dependency chain 50,000 tasks deep does not overflow the call stack.
 */
function findCycles(byName: ReadonlyMap<string, TaskSpec>): string[][] {
  const state = new Map<string, 1 | 2>();
  /** Position of each name on the current path (state 1). */
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const seenCycle = new Set<string>();
  // A task without dependencies lies on no cycle and leads nowhere: starting only from the others
  // (in the same order) finds the same cycles, and sorts a few names instead of every task's.
  const roots = [...byName.values()].filter((t) => t.dependsOn.length > 0).map((t) => t.name).sort();
  for (const root of roots) {
    if (state.has(root)) continue;
    const frames: { name: string; next: number }[] = [{ name: root, next: 0 }];
    state.set(root, 1);
    onPath.set(root, path.push(root) - 1);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const deps = byName.get(frame.name)?.dependsOn ?? [];
      if (frame.next >= deps.length) {
        frames.pop();
        path.pop();
        onPath.delete(frame.name);
        state.set(frame.name, 2);
        continue;
      }
      const d = (deps[frame.next++] as { name: string }).name;
      if (!byName.has(d)) continue;
      const s = state.get(d);
      if (s === 1) {
        const cycle = path.slice(onPath.get(d));
        const key = [...cycle].sort().join('\0');
        if (!seenCycle.has(key)) {
          seenCycle.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        state.set(d, 1);
        onPath.set(d, path.push(d) - 1);
        frames.push({ name: d, next: 0 });
      }
    }
  }
  return cycles;
}
