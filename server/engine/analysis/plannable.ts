/**
 * What of a checked job the allocator plans: decided once, here, for the language server
 * (diagnostics, hints, lenses, hover, `berth/plan` and so the placement view) and for `berth plan`.
 *
 * A job is planned when it parses, its cluster resolved to a cluster without errors, and it has no
 * error outside its task list. A task with an error is skipped, and so is a task that depends on a
 * skipped one (transitively, while no other task of that name is planned): the other tasks are
 * planned. An error that says only that the task fits no node (PLACEMENT_OUTCOMES) skips nothing:
 * the allocator places that task nowhere and says why (`unplaced`), as it does for a task that
 * fits no node's free room. A job whose every task is skipped is not planned.
 */
import type { JobSpec, Problem, TaskSpec } from '../model';
import type { SpecDocument } from '../spec/specDocument';

/** Errors that are a placement outcome, not a spec error: the task is planned (and left unplaced). */
export const PLACEMENT_OUTCOMES: ReadonlySet<string> = new Set(['spec/task-too-large', 'spec/port-out-of-range']);

export interface SkippedTask {
  readonly task: string;
  /** "has errors", or "depends on db, which is not planned". */
  readonly reason: string;
}

export type Plannable =
  | {
      readonly kind: 'plannable';
      /** The job with only the tasks to plan (the checked spec itself when none is skipped). */
      readonly spec: JobSpec;
      /** In the job's order. */
      readonly skipped: readonly SkippedTask[];
      /** Names of the planned tasks a PLACEMENT_OUTCOMES error already says fit no node. */
      readonly fitsNowhere: ReadonlySet<string>;
    }
  | { readonly kind: 'not-plannable'; readonly reason: string };

const NONE: ReadonlySet<string> = new Set();

/**
 * `problems`: the job document's problems (after the one-per-span rule); `doc`: its document, for
 * its syntax errors and the span of its task list; `cluster`: where its reference resolved.
 */
export function plannableJob(spec: JobSpec, problems: readonly Problem[], doc: SpecDocument, cluster: { readonly path: string; readonly ok: boolean } | undefined): Plannable {
  const name = JSON.stringify(spec.name);
  if (doc.problems.some((p) => p.severity === 'error')) return { kind: 'not-plannable', reason: `job ${name} has YAML syntax errors` };
  if (cluster === undefined) return { kind: 'not-plannable', reason: `the cluster of job ${name} is missing or cannot be read` };
  if (!cluster.ok) return { kind: 'not-plannable', reason: `the cluster of job ${name} (${cluster.path}) has errors` };
  const list = doc.nodes.get('/tasks')?.span;
  const withErrors = new Set<TaskSpec>();
  const fitsNowhere = new Set<string>();
  let listErrors = false;
  for (const p of problems) {
    if (p.severity !== 'error') continue;
    if (list === undefined || p.span.start < list.start || p.span.end > list.end) return { kind: 'not-plannable', reason: `job ${name} has errors outside its tasks` };
    listErrors = true;
    const task = taskAt(spec.tasks, p.span);
    if (task === undefined) continue; // an item that is not a mapping: it has no task to skip
    if (PLACEMENT_OUTCOMES.has(p.code)) fitsNowhere.add(task.name);
    else withErrors.add(task);
  }
  if (!listErrors) return { kind: 'plannable', spec, skipped: [], fitsNowhere: NONE };
  const names = new Set(spec.tasks.map((t) => t.name));
  const skipped = new Map<TaskSpec, string>();
  for (const t of withErrors) skipped.set(t, 'has errors');
  // The dependents of a skipped task, transitively: a name is unplanned once every task of that
  // name is skipped (a duplicate skipped, its first kept, keeps its dependents). One pass over the
  // reverse edges, linear in tasks + edges (a fixpoint over the whole list was quadratic on chains).
  const plannedOfName = new Map<string, number>();
  for (const t of spec.tasks) plannedOfName.set(t.name, (plannedOfName.get(t.name) ?? 0) + 1);
  const dependents = new Map<string, TaskSpec[]>();
  for (const t of spec.tasks) {
    for (const d of t.dependsOn) {
      if (!names.has(d.name)) continue;
      const list = dependents.get(d.name);
      if (list) list.push(t);
      else dependents.set(d.name, [t]);
    }
  }
  const unplanned: string[] = [];
  const drop = (t: TaskSpec): void => {
    const left = (plannedOfName.get(t.name) ?? 1) - 1;
    plannedOfName.set(t.name, left);
    if (left === 0) unplanned.push(t.name);
  };
  for (const t of skipped.keys()) drop(t);
  for (let i = 0; i < unplanned.length; i++) {
    for (const t of dependents.get(unplanned[i]) ?? []) {
      if (skipped.has(t)) continue;
      const dep = t.dependsOn.find((d) => plannedOfName.get(d.name) === 0) ?? { name: unplanned[i] };
      skipped.set(t, `depends on ${dep.name}, which is not planned`);
      drop(t);
    }
  }
  const tasks = spec.tasks.filter((t) => !skipped.has(t));
  if (tasks.length === 0) return { kind: 'not-plannable', reason: `no task of job ${name} can be planned: every one has errors${skipped.size > withErrors.size ? ' or depends on one that has' : ''}` };
  for (const t of skipped.keys()) fitsNowhere.delete(t.name);
  return {
    kind: 'plannable',
    spec: skipped.size === 0 ? spec : { ...spec, tasks },
    skipped: spec.tasks.flatMap((t) => {
      const reason = skipped.get(t);
      return reason === undefined ? [] : [{ task: t.name, reason }];
    }),
    fitsNowhere,
  };
}

/** The task whose item holds `span` (tasks are in text order). */
function taskAt(tasks: readonly TaskSpec[], span: { start: number; end: number }): TaskSpec | undefined {
  let lo = 0;
  let hi = tasks.length - 1;
  let found: TaskSpec | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tasks[mid];
    if (t.span.start <= span.start) {
      found = t;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== undefined && span.end <= found.span.end ? found : undefined;
}
