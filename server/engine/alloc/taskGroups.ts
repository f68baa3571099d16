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

/** The previous input's tasks in input order and its id order: what tasksById checks first. */
export interface OrderHint {
  /** The input's tasks in input order (jobs in input order, each job's tasks in order). */
  readonly all: readonly TaskInstance[];
  readonly jobOf: Int32Array;
  /** Positions in `all` in id order, when every id was distinct. */
  readonly order: Int32Array | undefined;
}

/**
 * The input's tasks in id order (first of each id by a canonical key), with their job indices and
 * `order`, their positions in the input when no id repeats. `hint`, the previous input's order, is
 * tried first: after an edit it is usually still right. When every task is at its place in the
 * previous input, as the same object or one with the same id in the same job, it is right without
 * reading any id of an unchanged task (scattered in the heap, that read cost more than the rest);
 * else checking it costs one comparison of ids per task, not a sort.
 */
export function tasksById(
  input: AllocationInput,
  jobIndex: ReadonlyMap<string, number>,
  hint: OrderHint | undefined,
): { tasks: TaskInstance[]; taskJob: Int32Array; order: Int32Array | undefined; all: TaskInstance[]; jobOf: Int32Array } {
  let n = 0;
  for (const j of input.jobs) n += j.tasks.length;
  const all = new Array<TaskInstance>(n);
  const jobOf = new Int32Array(n);
  let at = 0;
  for (const j of input.jobs) {
    const job = jobIndex.get(j.name) as number;
    for (const t of j.tasks) {
      all[at] = t;
      jobOf[at++] = job;
    }
  }
  const order = (hint !== undefined && samePlaces(hint, all, jobOf) ? hint.order : undefined) ?? byIds(all, jobOf, hint?.order);
  const tasks = new Array<TaskInstance>(order.length);
  const taskJob = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    tasks[k] = all[order[k]];
    taskJob[k] = jobOf[order[k]];
  }
  return { tasks, taskJob, order: order.length === n ? order : undefined, all, jobOf };
}

/** Is every task at its place in the hint's input (the same object, or the same id), in the same job? */
function samePlaces(hint: OrderHint, all: readonly TaskInstance[], jobOf: Int32Array): boolean {
  if (hint.order === undefined || hint.all.length !== all.length) return false;
  for (let i = 0; i < all.length; i++) {
    if (hint.jobOf[i] !== jobOf[i]) return false;
    const a = all[i];
    const b = hint.all[i];
    if (a !== b && a.id !== b.id) return false;
  }
  return true;
}

/** The id order of `all`: the hint's when still increasing, else sorted. */
function byIds(all: readonly TaskInstance[], jobOf: Int32Array, hint: Int32Array | undefined): Int32Array {
  const ids = all.map((t) => t.id);
  return hint !== undefined && hint.length === all.length && increasing(ids, hint) ? hint : identityOrSort(ids, all, jobOf);
}

/** Are the ids strictly increasing in this order (and so distinct)? */
function increasing(ids: readonly string[], order: Int32Array): boolean {
  for (let k = 1; k < order.length; k++) if (!(ids[order[k - 1]] < ids[order[k]])) return false;
  return true;
}

/** Input positions in id order, duplicates dropped (the first by a canonical key, then by position). */
function identityOrSort(ids: readonly string[], all: readonly TaskInstance[], jobOf: Int32Array): Int32Array {
  const n = ids.length;
  let k = 1;
  while (k < n && ids[k - 1] < ids[k]) k++;
  const sorted = Array.from({ length: n }, (_, i) => i);
  if (k < n) {
    const key = (i: number): string => JSON.stringify([jobOf[i], all[i]]);
    sorted.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : byString(key(a), key(b)) || a - b));
  }
  const order = new Int32Array(n);
  let m = 0;
  for (let j = 0; j < n; j++) if (j === 0 || ids[sorted[j - 1]] !== ids[sorted[j]]) order[m++] = sorted[j];
  return m === n ? order : order.slice(0, m);
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

/** The same strings or numbers in the same order. */
export function sameItems<T extends string | number>(a: readonly T[], b: readonly T[]): boolean {
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

/**
 * Does the allocator read x as it reads y: the same object, or an equal one? An edit that changes
 * the text's length moves every task after it, and the model gives each a new spec (its spans
 * shifted) and so new instances: compared by object, each of those was a changed task, and a
 * keystroke in the middle of a 5,000-task job re-planned without hints and re-ran every failover
 * scenario (about four times the cost of an edit that keeps the length). Spans are not compared:
 * the allocator does not read them (explanations take their constraint sources from the new
 * context).
 */
export function sameInstance(x: TaskInstance, y: TaskInstance): boolean {
  if (x === y) return true;
  // The task and index too: a renamed task's instance can take over another's id (`a-1`).
  if (x.id !== y.id || x.task !== y.task || x.index !== y.index || x.job !== y.job || x.priority !== y.priority) return false;
  const r = x.resources;
  const s = y.resources;
  if (r !== s && (r.cpus !== s.cpus || r.mem !== s.mem || r.disk !== s.disk || r.gpus !== s.gpus)) return false;
  if (x.ports !== y.ports && (x.ports.dynamic !== y.ports.dynamic || !sameItems(x.ports.fixed, y.ports.fixed))) return false;
  if (!sameItems(x.dependsOn, y.dependsOn)) return false;
  const c = x.constraints;
  const e = y.constraints;
  if (c === e) return true;
  if (c.length !== e.length) return false;
  for (let i = 0; i < c.length; i++) if (c[i].field !== e[i].field || c[i].operator !== e[i].operator || c[i].value !== e[i].value) return false;
  return true;
}
