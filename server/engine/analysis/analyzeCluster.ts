/**
 * One cluster and every valid job that targets it → the plan and each job's failover report.
 * Shared by the command line and the language server, so both say the same thing.
 */
import { allocate, createContext, explainTask, planAndSimulate, type PlanScanMemo, type AllocationInput, type Explanation, type FailoverOptions, type FailoverReport, type Plan } from '../alloc';
import { LazyMap } from '../util/lazyMap';
import { taskInstances, type ClusterNode, type ClusterSpec, type JobSpec, type TaskInstance, type TaskSpec } from '../model';
import { originOf } from '../spec/movedSpecs';

export interface ClusterAnalysis {
  readonly cluster: ClusterSpec;
  readonly jobs: readonly JobSpec[];
  readonly input: AllocationInput;
  readonly plan: Plan;
  /** By job name. */
  readonly failover: ReadonlyMap<string, FailoverReport>;
  /** By TaskInstance.id. */
  readonly instances: ReadonlyMap<string, TaskInstance>;
  /** By `job/task`: the task's instances in index order. */
  readonly byTask: ReadonlyMap<string, readonly TaskInstance[]>;
  /** What lets the analysis after an edit keep this one's choices and failover scenarios (planHints.ts, scenarioCache.ts). */
  readonly memo?: PlanScanMemo;
}

export interface AnalyzeOptions {
  /**
   * `false` skips the failover scan (for callers that only need placements); `'nodes'` runs only
   * the single-node scan (no sets, no failure domains, no capacity suggestion): what an editor
   * can afford on every keystroke of a large workspace; `'scenarios'` every scenario but no
   * capacity suggestion (which re-runs them round after round). Default: everything.
   */
  readonly failover?: boolean | 'nodes' | 'scenarios';
  /**
   * Record what an analysis after an edit can keep of this one (the language server, which analyses
   * on every keystroke; the command line has no use for it).
   */
  readonly keep?: boolean;
  /**
   * The analysis of the same cluster before an edit (made with `keep`): its choices and failover
   * scenarios that the edit cannot have changed are kept instead of computed again (the result is
   * the same either way). Implies `keep`.
   */
  readonly previous?: ClusterAnalysis;
  /** Asked between failover scenarios: true stops the analysis by throwing Interrupted (see FailoverOptions). */
  readonly interrupted?: () => boolean;
}

export function analyzeCluster(cluster: ClusterSpec, jobs: readonly JobSpec[], options: AnalyzeOptions = {}): ClusterAnalysis {
  const { input, instances, byTask } = toInput(cluster, jobs);
  const failover = new Map<string, FailoverReport>();
  if (options.failover === false) return { cluster, jobs, input, plan: allocate(input), failover, instances, byTask };
  const nodesOnly = options.failover === 'nodes';
  const suggest = options.failover !== 'scenarios';
  const interrupted = options.interrupted === undefined ? {} : { interrupted: options.interrupted };
  const scans: FailoverOptions[] = jobs.map((job) => {
    const f = job.failover;
    return nodesOnly ? { job: job.name, tolerate: Math.min(1, f.tolerate), domains: [], suggest: false, ...interrupted } : { job: job.name, tolerate: f.tolerate, domains: f.domains, suggest, ...interrupted };
  });
  // One compiled input, and the scans start from the plan's own state.
  const keep = options.keep === true || options.previous !== undefined ? { previous: options.previous?.memo } : undefined;
  const { plan, reports, memo } = planAndSimulate(input, scans, createContext(input), keep);
  jobs.forEach((job, j) => failover.set(job.name, reports[j]));
  return { cluster, jobs, input, plan, failover, instances, byTask, memo };
}

/**
 * Do two workspaces give the same plan and failover scan? True when they agree on everything the
 * allocator reads (the allocator is deterministic), whatever else differs between them: commands,
 * images, env, health checks, comments, layout, and so every span. Compared field by field, with
 * objects the two share (an unchanged cluster, an unedited task) skipped: after an edit to one
 * task of 5,000 this costs a walk over the tasks, not a string of the whole workspace.
 */
export function sameAllocation(a: ClusterSpec, aJobs: readonly JobSpec[], b: ClusterSpec, bJobs: readonly JobSpec[]): boolean {
  if (a !== b && !sameList(a.nodes, b.nodes, sameNode)) return false;
  return sameList(aJobs, bJobs, sameJob);
}

function sameNode(x: ClusterNode, y: ClusterNode): boolean {
  return x === y || (x.name === y.name && plainEqual(x.resources, y.resources) && plainEqual(x.ports, y.ports) && plainEqual(x.attributes, y.attributes));
}

function sameJob(x: JobSpec, y: JobSpec): boolean {
  if (x === y) return true;
  if (x.name !== y.name || x.strategy !== y.strategy || x.preemption !== y.preemption) return false;
  if (x.failover.tolerate !== y.failover.tolerate || !plainEqual(x.failover.domains, y.failover.domains)) return false;
  return sameList(x.tasks, y.tasks, sameTask);
}

function sameTask(x: TaskSpec, y: TaskSpec): boolean {
  if (x === y) return true;
  if (x.name !== y.name || x.instances !== y.instances || x.priority !== y.priority) return false;
  if (!plainEqual(x.resources, y.resources) || !plainEqual(x.ports, y.ports)) return false;
  if (!sameList(x.dependsOn, y.dependsOn, (c, d) => c.name === d.name)) return false;
  return sameList(x.constraints, y.constraints, (c, d) => c.field === d.field && c.operator === d.operator && c.value === d.value);
}

function sameList<T>(x: readonly T[], y: readonly T[], same: (a: T, b: T) => boolean): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
  return true;
}

/** Equality of plain data (numbers, strings, booleans, arrays and records of them). */
function plainEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const xk = Object.keys(x);
  if (xk.length !== Object.keys(y).length) return false;
  return xk.every((k) => Object.prototype.hasOwnProperty.call(y, k) && plainEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
}

/**
 * `previous` for specs with the same allocation (`sameAllocation`): its plan and failover reports, with the new
 * specs (and so the new spans) around them. Costs the expansion of instances, not a plan.
 */
export function rebaseAnalysis(previous: ClusterAnalysis, cluster: ClusterSpec, jobs: readonly JobSpec[]): ClusterAnalysis {
  const { input, instances, byTask } = toInput(cluster, jobs);
  return { ...previous, cluster, jobs, input, instances, byTask };
}

/**
 * A task spec's instances, built once and then shared by every analysis of that spec and of the
 * specs shifted from it (instances are read-only). An edit gives a new spec to every item it
 * touched and, when it changes the text's length, a shifted copy to every item after it: the copy
 * shares the original's resources object, which keys the instances here, and takes the original's
 * instances (an instance holds no span but its constraints', which stay those of the original: see
 * TaskInstance.constraints). The analysis after an edit then hands the allocator the same objects
 * for every task the edit did not change, and the allocator tells an untouched task by its
 * instance. Weak: a spec no analysis holds any more takes its instances with it.
 */
const instancesBySpec = new WeakMap<TaskSpec['resources'], { readonly job: string; readonly spec: TaskSpec; readonly list: readonly TaskInstance[] }>();

export function specInstances(job: string, spec: TaskSpec): readonly TaskInstance[] {
  const known = instancesBySpec.get(spec.resources);
  if (known !== undefined && known.job === job && (originOf(known.spec) === originOf(spec) || sameTask(known.spec, spec))) return known.list;
  const list = taskInstances(job, spec);
  instancesBySpec.set(spec.resources, { job, spec, list });
  return list;
}

/**
 * Per cluster (its nodes array, the same object while the cluster file is unchanged) and job name:
 * the specs of the job's last input, their instances and the job's task list. The next input
 * takes, by position, the instances of every spec it shares with it, and the list itself when
 * nothing changed or patches a copy of it: an edit changes one task of thousands, and walking every
 * spec's own objects (scattered in the heap) cost ten times as much as these arrays.
 */
interface JobTasks {
  readonly specs: readonly TaskSpec[];
  readonly lists: readonly (readonly TaskInstance[])[];
  /** Where each spec's instances start in `tasks`. */
  readonly offsets: Int32Array;
  readonly tasks: readonly TaskInstance[];
}

const lastTasks = new WeakMap<readonly ClusterNode[], Map<string, JobTasks>>();

function jobTasks(job: JobSpec, prev: JobTasks | undefined): JobTasks {
  const specs = job.tasks;
  const n = specs.length;
  const lists = new Array<readonly TaskInstance[]>(n);
  const aligned = prev !== undefined && prev.specs.length === n ? prev : undefined;
  // The positions whose instances differ from the previous input's, while they keep its counts.
  let changed: number[] | undefined = aligned === undefined ? undefined : [];
  for (let i = 0; i < n; i++) {
    const spec = specs[i];
    const list = aligned !== undefined && aligned.specs[i] === spec ? aligned.lists[i] : specInstances(job.name, spec);
    lists[i] = list;
    if (changed === undefined || aligned === undefined || list === aligned.lists[i]) continue;
    if (list.length === aligned.lists[i].length) changed.push(i);
    else changed = undefined;
  }
  if (aligned !== undefined && changed !== undefined) {
    if (changed.length === 0) return { specs, lists, offsets: aligned.offsets, tasks: aligned.tasks };
    const tasks = aligned.tasks.slice();
    for (const i of changed) lists[i].forEach((t, x) => (tasks[aligned.offsets[i] + x] = t));
    return { specs, lists, offsets: aligned.offsets, tasks };
  }
  const offsets = new Int32Array(n);
  const tasks: TaskInstance[] = [];
  for (let i = 0; i < n; i++) {
    offsets[i] = tasks.length;
    for (const t of lists[i]) tasks.push(t);
  }
  return { specs, lists, offsets, tasks };
}

/** The allocator's input. The indexes by id and by task are built on first use (the diagnostics of an edit never read them). */
function toInput(cluster: ClusterSpec, jobs: readonly JobSpec[]): Pick<ClusterAnalysis, 'input' | 'instances' | 'byTask'> {
  let last = lastTasks.get(cluster.nodes);
  if (last === undefined) lastTasks.set(cluster.nodes, (last = new Map<string, JobTasks>()));
  const byJob = last;
  const input: AllocationInput = {
    nodes: cluster.nodes,
    jobs: jobs.map((job) => {
      const made = jobTasks(job, byJob.get(job.name));
      byJob.set(job.name, made);
      return { name: job.name, strategy: job.strategy, preemption: job.preemption, tasks: made.tasks };
    }),
  };
  const instances = new LazyMap(() => {
    const out = new Map<string, TaskInstance>();
    for (const job of input.jobs) for (const t of job.tasks) out.set(t.id, t);
    return out;
  });
  const byTask = new LazyMap(() => {
    const out = new Map<string, TaskInstance[]>();
    for (const job of input.jobs) {
      for (const t of job.tasks) {
        const key = `${job.name}/${t.task}`;
        const known = out.get(key);
        if (known) known.push(t);
        else out.set(key, [t]);
      }
    }
    return out;
  });
  return { input, instances, byTask };
}

/** Why a task is not placed (or, with `node`, why not on that node). Computed only on request. */
export function explain(analysis: ClusterAnalysis, taskId: string, node?: string): Explanation {
  return explainTask(analysis.input, analysis.plan, taskId, node);
}

/** The instances of one task of one job, in index order. */
export function instancesOf(analysis: ClusterAnalysis, job: string, task: string): readonly TaskInstance[] {
  return analysis.byTask.get(`${job}/${task}`) ?? [];
}
