/**
 * One cluster and every valid job that targets it → the plan and each job's failover report.
 * Shared by the command line and the language server, so both say the same thing.
 */
import { allocate, createContext, explainTask, planAndSimulate, type AllocationInput, type Explanation, type FailoverOptions, type FailoverReport, type Plan } from './alloc';
import { expandInstances, type ClusterSpec, type JobSpec, type TaskInstance } from './model';

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
}

export interface AnalyzeOptions {
  /**
   * `false` skips the failover scan (for callers that only need placements); `'nodes'` runs only
   * the single-node scan (no sets, no failure domains, no capacity suggestion): what an editor
   * can afford on every keystroke of a large workspace; `'scenarios'` every scenario but no
   * capacity suggestion (which re-runs them round after round). Default: everything.
   */
  readonly failover?: boolean | 'nodes' | 'scenarios';
}

export function analyzeCluster(cluster: ClusterSpec, jobs: readonly JobSpec[], options: AnalyzeOptions = {}): ClusterAnalysis {
  const { input, instances, byTask } = toInput(cluster, jobs);
  const failover = new Map<string, FailoverReport>();
  if (options.failover === false) return { cluster, jobs, input, plan: allocate(input), failover, instances, byTask };
  const nodesOnly = options.failover === 'nodes';
  const suggest = options.failover !== 'scenarios';
  const scans: FailoverOptions[] = jobs.map((job) => {
    const f = job.failover;
    return nodesOnly ? { job: job.name, tolerate: Math.min(1, f.tolerate), domains: [], suggest: false } : { job: job.name, tolerate: f.tolerate, domains: f.domains, suggest };
  });
  // One compiled input, and the scans start from the plan's own state.
  const { plan, reports } = planAndSimulate(input, scans, createContext(input));
  jobs.forEach((job, j) => failover.set(job.name, reports[j]));
  return { cluster, jobs, input, plan, failover, instances, byTask };
}

/**
 * Everything the plan and the failover scan depend on, as one string: two workspaces with the
 * same key have the same analysis (the allocator is deterministic), whatever else differs between
 * them — commands, images, env, health checks, comments, layout, and so every span.
 */
export function allocationKey(cluster: ClusterSpec, jobs: readonly JobSpec[]): string {
  return JSON.stringify([
    cluster.nodes.map((n) => [n.name, n.resources, n.ports, n.attributes]),
    jobs.map((j) => [
      j.name,
      j.strategy,
      j.preemption,
      j.failover.tolerate,
      j.failover.domains,
      j.tasks.map((t) => [t.name, t.instances, t.priority, t.resources, t.ports, t.dependsOn.map((d) => d.name), t.constraints.map((c) => [c.field, c.operator, c.value])]),
    ]),
  ]);
}

/**
 * `previous` for specs with the same allocation key: its plan and failover reports, with the new
 * specs (and so the new spans) around them. Costs the expansion of instances, not a plan.
 */
export function rebaseAnalysis(previous: ClusterAnalysis, cluster: ClusterSpec, jobs: readonly JobSpec[]): ClusterAnalysis {
  const { input, instances, byTask } = toInput(cluster, jobs);
  return { ...previous, cluster, jobs, input, instances, byTask };
}

function toInput(cluster: ClusterSpec, jobs: readonly JobSpec[]): Pick<ClusterAnalysis, 'input' | 'instances' | 'byTask'> {
  const instances = new Map<string, TaskInstance>();
  const byTask = new Map<string, TaskInstance[]>();
  const input: AllocationInput = {
    nodes: cluster.nodes,
    jobs: jobs.map((job) => {
      const tasks = expandInstances(job);
      for (const t of tasks) {
        instances.set(t.id, t);
        const key = `${t.job}/${t.task}`;
        const list = byTask.get(key);
        if (list) list.push(t);
        else byTask.set(key, [t]);
      }
      return { name: job.name, strategy: job.strategy, preemption: job.preemption, tasks };
    }),
  };
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
