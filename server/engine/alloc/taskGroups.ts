/**
 * The task side of createContext that an edit rarely changes: the tasks in id order and their
 * groups (the instances of one task of one job). Both are cheap to check against the previous
 * input's and dear to rebuild for thousands of tasks, so the checks live here too.
 */
import type { TaskInstance } from '../model';
import type { AllocationInput } from './types';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface GroupTask {
  readonly job: number;
  readonly task: string;
  /** Task indices, ascending (id order). */
  readonly members: number[];
}

export interface TaskGroups {
  readonly taskIndex: ReadonlyMap<string, number>;
  readonly taskGroup: Int32Array;
  /** Per job: task name → group. */
  readonly groupKeys: readonly ReadonlyMap<string, number>[];
  readonly groupTasks: readonly GroupTask[];
}

/**
 * The input's tasks in id order (first of each id by a canonical key), with their job indices and
 * `order`, their positions in the input when no id repeats. `hint`, the previous input's order, is
 * tried first: after an edit it is usually still right, and checking it costs one comparison per
 * task, not a sort.
 */
export function tasksById(
  input: AllocationInput,
  jobIndex: ReadonlyMap<string, number>,
  hint: Int32Array | undefined,
): { tasks: TaskInstance[]; taskJob: Int32Array; order: Int32Array | undefined } {
  const all: TaskInstance[] = [];
  const jobOf: number[] = [];
  for (const j of input.jobs) {
    const job = jobIndex.get(j.name) as number;
    for (const t of j.tasks) {
      all.push(t);
      jobOf.push(job);
    }
  }
  const n = all.length;
  let order: Int32Array | undefined;
  if (hint !== undefined && hint.length === n && increasing(all, hint)) order = hint;
  else {
    const identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    order = increasing(all, identity) ? identity : sortById(all, jobOf);
  }
  const tasks: TaskInstance[] = [];
  const taskJob = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    tasks.push(all[order[k]]);
    taskJob[k] = jobOf[order[k]];
  }
  return { tasks, taskJob, order: order.length === n ? order : undefined };
}

/** Are the ids strictly increasing in this order (and so distinct)? */
function increasing(all: readonly TaskInstance[], order: Int32Array): boolean {
  for (let k = 1; k < order.length; k++) if (!(all[order[k - 1]].id < all[order[k]].id)) return false;
  return true;
}

function sortById(all: readonly TaskInstance[], jobOf: readonly number[]): Int32Array {
  const key = (i: number): string => JSON.stringify([jobOf[i], all[i]]);
  const sorted = all.map((_, i) => i);
  sorted.sort((a, b) => byString(all[a].id, all[b].id) || (all[a].id === all[b].id ? byString(key(a), key(b)) : 0) || a - b);
  return Int32Array.from(sorted.filter((i, k) => k === 0 || all[sorted[k - 1]].id !== all[i].id));
}

/** The same ids, jobs and task names in the same places. */
export function sameShape(prev: { readonly tasks: readonly TaskInstance[]; readonly taskJob: Int32Array }, tasks: readonly TaskInstance[], taskJob: Int32Array): boolean {
  if (prev.tasks.length !== tasks.length) return false;
  for (let k = 0; k < tasks.length; k++) {
    const a = prev.tasks[k];
    const b = tasks[k];
    if (prev.taskJob[k] !== taskJob[k] || (a !== b && (a.id !== b.id || a.task !== b.task))) return false;
  }
  return true;
}

/** Index by id, and groups by job then task name. */
export function groupsOf(tasks: readonly TaskInstance[], taskJob: Int32Array, jobCount: number): TaskGroups {
  const T = tasks.length;
  const taskIndex = new Map<string, number>();
  const taskGroup = new Int32Array(T);
  const groupKeys = Array.from({ length: jobCount }, () => new Map<string, number>());
  const groupTasks: GroupTask[] = [];
  for (let k = 0; k < T; k++) {
    const t = tasks[k];
    taskIndex.set(t.id, k);
    const keys = groupKeys[taskJob[k]];
    let g = keys.get(t.task);
    if (g === undefined) {
      g = groupTasks.length;
      keys.set(t.task, g);
      groupTasks.push({ job: taskJob[k], task: t.task, members: [] });
    }
    taskGroup[k] = g;
    groupTasks[g].members.push(k);
  }
  return { taskIndex, taskGroup, groupKeys, groupTasks };
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameNumbers(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
