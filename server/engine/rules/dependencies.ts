/** `dependsOn` names tasks of the same job, not the task itself, and never forms a cycle. */
import type { Problem, ProblemData, Span, TaskSpec } from '../model';
import { isCycle, stronglyConnected } from '../util/stronglyConnected';
import { closest, didYouMean } from '../util/didYouMean';
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
  for (const found of cycleProblems(job.tasks, byName, indexOf)) out.push(found);
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

/** A cycle up to this long is marked on each of its edges; a longer one once, on its first edge. */
const MARKED_EDGES = 6;
/** Names a message spells out before "…". */
const SHOWN_NAMES = 5;

/**
 * One cycle per strongly connected component of the dependency graph (stronglyConnected.ts): the
 * shortest through its first task, found by a breadth-first search inside the component. Linear in
 * tasks + dependencies; a cycle through 10,000 tasks is one problem with a message of a few names
 * (its length, its first names, and where it closes), not one per edge each naming all of them.
 */
function cycleProblems(tasks: readonly TaskSpec[], byName: ReadonlyMap<string, TaskSpec>, indexOf: ReadonlyMap<string, number>): Found[] {
  // The graph over the tasks that own their names (a duplicate name is the duplicate rule's business).
  const nodes = [...indexOf.values()].sort((a, b) => a - b);
  const nodeOf = new Map<string, number>();
  nodes.forEach((task, v) => nodeOf.set(tasks[task].name, v));
  const deps = nodes.map((task) => {
    const edges: number[] = [];
    for (const d of tasks[task].dependsOn) {
      const w = nodeOf.get(d.name);
      if (w !== undefined) edges.push(w);
    }
    return edges;
  });
  const { sccs, sccOf } = stronglyConnected(deps);
  const out: Found[] = [];
  const parent = new Int32Array(nodes.length).fill(-1);
  for (const scc of sccs) {
    if (!isCycle(deps, scc)) continue;
    const cycle = shortestCycle(deps, sccOf, scc[0], parent);
    const names = cycle.map((v) => tasks[nodes[v]].name);
    const rest = scc.length > cycle.length ? `; ${scc.length} tasks in all depend on each other in cycles (${listed(scc.map((v) => tasks[nodes[v]].name))})` : '';
    const message = `dependency cycle${names.length > MARKED_EDGES ? ` of ${names.length} tasks` : ''}: ${spelled(names)}${rest}`;
    const marked = names.length > MARKED_EDGES ? 1 : names.length;
    for (let i = 0; i < marked; i++) {
      const from = byName.get(names[i]) as TaskSpec;
      const to = names[(i + 1) % names.length];
      out.push({ code: 'spec/dependency-cycle', task: indexOf.get(from.name) as number, dep: from.dependsOn.findIndex((d) => d.name === to), message });
    }
  }
  return out;
}

/**
 * The shortest cycle from `start` back to it inside its component, as the nodes in order from
 * `start`: a breadth-first search (`parent` is scratch space, left as it found it: all -1).
 */
function shortestCycle(deps: readonly (readonly number[])[], sccOf: Int32Array, start: number, parent: Int32Array): number[] {
  const queue = [start];
  const visited = [start];
  parent[start] = start;
  let last = -1;
  search: for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of deps[v]) {
      if (w === start) {
        last = v;
        break search;
      }
      if (parent[w] !== -1 || sccOf[w] !== sccOf[start]) continue;
      parent[w] = v;
      visited.push(w);
      queue.push(w);
    }
  }
  const cycle: number[] = [];
  for (let v = last; v !== start; v = parent[v]) cycle.push(v);
  cycle.push(start);
  for (const v of visited) parent[v] = -1;
  return cycle.reverse();
}

/** a → b → c → a; past SHOWN_NAMES + 1 names, the first few, "…", the last and back to the first. */
function spelled(names: readonly string[]): string {
  const first = names[0];
  if (names.length <= SHOWN_NAMES + 1) return [...names, first].join(' → ');
  return [...names.slice(0, SHOWN_NAMES), '…', names[names.length - 1], first].join(' → ');
}

/** a, b, c, d, e, … (the first SHOWN_NAMES). */
function listed(names: readonly string[]): string {
  return names.length <= SHOWN_NAMES ? names.join(', ') : `${names.slice(0, SHOWN_NAMES).join(', ')}, …`;
}
