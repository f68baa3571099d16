/** `dependsOn` names tasks of the same job, not the task itself, and never forms a cycle. */
import type { Problem, ProblemData, Span, TaskSpec } from '../model';
import { closest, didYouMean } from '../suggest';
import type { Rule } from './rule';

/** A problem found at `tasks[task].dependsOn[dep]`. */
interface Found {
  readonly code: 'spec/unknown-dependency' | 'spec/dependency-cycle';
  readonly task: number;
  readonly dep: number;
  readonly message: string;
  readonly candidates?: readonly string[];
}

function* othersThan(names: Iterable<string>, self: string): Iterable<string> {
  for (const n of names) if (n !== self) yield n;
}

/** Reads only the tasks' names and the names they depend on. */
function find(job: { readonly name: string; readonly tasks: readonly TaskSpec[] }): Found[] {
  const out: Found[] = [];
  const byName = new Map<string, TaskSpec>();
  const indexOf = new Map<string, number>();
  job.tasks.forEach((t, i) => {
    if (byName.has(t.name)) return;
    byName.set(t.name, t);
    indexOf.set(t.name, i);
  });
  job.tasks.forEach((t, i) => {
    t.dependsOn.forEach((d, j) => {
      if (byName.has(d.name)) return;
      // Never the task itself: depending on it is a cycle, not a fix.
      const candidates = closest(d.name, othersThan(byName.keys(), t.name));
      out.push({
        code: 'spec/unknown-dependency',
        task: i,
        dep: j,
        message: `task "${t.name}" depends on "${d.name}", which is not a task of job "${job.name}"${didYouMean(candidates)}`,
        ...(candidates.length > 0 ? { candidates } : {}),
      });
    });
  });
  for (const cycle of findCycles(byName)) {
    const names = [...cycle, cycle[0]].join(' → ');
    for (let i = 0; i < cycle.length; i++) {
      const from = byName.get(cycle[i] ?? '');
      const to = cycle[(i + 1) % cycle.length];
      const dep = from ? from.dependsOn.findIndex((d) => d.name === to) : -1;
      const task = indexOf.get(cycle[i] ?? '');
      if (dep >= 0 && task !== undefined) out.push({ code: 'spec/dependency-cycle', task, dep, message: `dependency cycle: ${names}` });
    }
  }
  return out;
}

export const dependencies: Rule = {
  codes: ['spec/unknown-dependency', 'spec/dependency-cycle'],
  createJobCheck: () => {
    // What was found for the last job name, task names and dependencies: while they stay the
    // same (an edit elsewhere in a task), only the spans are read again.
    let last: { job: string; names: string[]; counts: number[]; deps: string[]; found: Found[] } | undefined;
    return ({ job }) => {
      if (!last || last.job !== job.name || !sameGraph(job.tasks, last.names, last.counts, last.deps)) {
        const tasks = job.tasks;
        last = { job: job.name, names: tasks.map((t) => t.name), counts: tasks.map((t) => t.dependsOn.length), deps: tasks.flatMap((t) => t.dependsOn.map((d) => d.name)), found: find(job) };
      }
      return last.found.map((f): Problem => {
        const span = (job.tasks[f.task]?.dependsOn[f.dep] as { span: Span }).span;
        const data: ProblemData | undefined = f.candidates ? { kind: 'did-you-mean', span, candidates: f.candidates } : undefined;
        return { code: f.code, severity: 'error', message: f.message, span, ...(data ? { data } : {}) };
      });
    };
  },
};

/** Are the tasks' names `names`, and their dependencies `counts[i]` names each, in order `deps`? */
function sameGraph(tasks: readonly TaskSpec[], names: readonly string[], counts: readonly number[], deps: readonly string[]): boolean {
  if (tasks.length !== names.length) return false;
  let k = 0;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (t.name !== names[i] || t.dependsOn.length !== counts[i]) return false;
    for (const d of t.dependsOn) if (d.name !== deps[k++]) return false;
  }
  return true;
}

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
