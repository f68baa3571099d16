/** Task names in a job and node names in a cluster are unique. */
import type { Problem, Span, TaskSpec } from '../model';
import type { Rule } from './rule';

/** A duplicate found: the problem's message and the item whose name span it points at. */
interface Found {
  readonly at: number;
  readonly message: string;
}

function duplicates(items: readonly { name: string }[], what: string): Found[] {
  const first = new Map<string, number>();
  const out: Found[] = [];
  items.forEach((item, i) => {
    if (item.name === '') return;
    const seen = first.get(item.name);
    if (seen === undefined) first.set(item.name, i);
    else out.push({ at: i, message: `${what} "${item.name}" is defined twice (first as ${what} #${seen + 1})` });
  });
  return out;
}

/**
 * Duplicate task names, then instance names that collide with another task's name (`api` with 2
 * instances makes `api-1`). One pass over the names, whatever the instance counts: `api-1`
 * collides when a task `api` has 2 or more. Reads only the tasks' names and instance counts.
 */
function taskDuplicates(tasks: readonly TaskSpec[]): Found[] {
  const out = duplicates(tasks, 'task');
  const byName = new Map(tasks.map((t, i) => [t.name, i]));
  for (const other of tasks) {
    const m = /^(.+)-(0|[1-9]\d*)$/.exec(other.name);
    const at = m?.[1] === undefined ? undefined : byName.get(m[1]);
    const t = at === undefined ? undefined : tasks[at];
    if (at === undefined || t === undefined || t.instances < 2 || Number(m?.[2]) >= t.instances) continue;
    out.push({ at, message: `instance "${other.name}" of task "${t.name}" has the same name as another task` });
  }
  return out;
}

function toProblems(found: readonly Found[], items: readonly { nameSpan: Span }[]): Problem[] {
  return found.map((f) => ({ code: 'spec/duplicate-name', severity: 'error', message: f.message, span: (items[f.at]).nameSpan }));
}

export const duplicateNames: Rule = {
  codes: ['spec/duplicate-name'],
  createJobCheck: () => {
    // What was found for the last task names and instance counts: while they stay the same (an
    // edit elsewhere in a task), only the spans are read again.
    let last: { names: string[]; instances: number[]; found: Found[] } | undefined;
    return ({ job }) => {
      const tasks = job.tasks;
      if (!last || !sameNames(tasks, last.names, last.instances)) {
        last = { names: tasks.map((t) => t.name), instances: tasks.map((t) => t.instances), found: taskDuplicates(tasks) };
      }
      return toProblems(last.found, tasks);
    };
  },
  checkCluster: ({ cluster }) => toProblems(duplicates(cluster.nodes, 'node'), cluster.nodes),
};

function sameNames(tasks: readonly TaskSpec[], names: readonly string[], instances: readonly number[]): boolean {
  if (tasks.length !== names.length) return false;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (t.name !== names[i] || t.instances !== instances[i]) return false;
  }
  return true;
}
