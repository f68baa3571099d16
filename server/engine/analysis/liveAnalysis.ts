/**
 * A cluster analysis seen from where its jobs run now: the live placements (berth/liveState) as the
 * allocator's `current`, the nodes that are down as `down`, and the failover scan of every running
 * job from there. What a failover drill and the controller predict for a loss is this scan's
 * scenario: `allocate` with the live placements and that node down (`scenarioByAllocate`, to which
 * the scan's scenarios are equal; test/unit/alloc/liveScenario.test.ts compares them).
 */
import { allocate, createContext, planAndSimulate, type AllocationInput, type FailoverOptions, type FailoverReport, type Plan } from '../alloc';
import type { ClusterAnalysis } from './analyzeCluster';
import { LazyMap } from '../util/lazyMap';
import type { LiveStateParams, LiveTask } from '../protocol';

export interface LiveAnalysis {
  readonly state: LiveStateParams;
  /** The running jobs the analysis plans (a job of the state the workspace does not have is left out). */
  readonly jobs: ReadonlySet<string>;
  /** By TaskInstance.id, the tasks of the state the analysis knows. */
  readonly tasks: ReadonlyMap<string, LiveTask>;
  /** The analysis' input with the live placements as `current` and the nodes down as `down`. */
  readonly input: AllocationInput;
  /** Where the allocator keeps or puts each task from there (the running ones stay where they run). */
  readonly plan: Plan;
  /**
   * For each running job: its failover scan from the live placements. Computed on first read (the
   * hints read only the plan; the scan of a large job costs about what its quick analysis does).
   */
  readonly failover: ReadonlyMap<string, FailoverReport>;
}

/**
 * The live input of `analysis` (`allocate`'s `current`: the tasks running on a node of the cluster
 * that is up, as the controller's live input has them). Entries for jobs, tasks or nodes the
 * analysis does not know are ignored.
 */
export function liveInput(analysis: ClusterAnalysis, state: LiveStateParams): { input: AllocationInput; tasks: Map<string, LiveTask>; jobs: Set<string> } {
  const nodes = new Set(analysis.cluster.nodes.map((n) => n.name));
  const known = new Set(analysis.jobs.map((j) => j.name));
  const down = new Set(state.nodesDown.filter((n) => nodes.has(n)));
  const jobs = new Set<string>();
  const tasks = new Map<string, LiveTask>();
  const current = new Map<string, string>();
  for (const job of state.jobs) {
    if (!known.has(job.job)) continue;
    jobs.add(job.job);
    for (const t of job.tasks) {
      const id = `${job.job}/${t.task}`;
      if (!analysis.instances.has(id)) continue;
      tasks.set(id, t);
      if (t.state === 'running' && nodes.has(t.node) && !down.has(t.node)) current.set(id, t.node);
    }
  }
  return { input: { ...analysis.input, current, down }, tasks, jobs };
}

/** The live analysis, or undefined when no job of the state is one the analysis plans. */
export function analyzeLive(analysis: ClusterAnalysis, state: LiveStateParams): LiveAnalysis | undefined {
  const { input, tasks, jobs } = liveInput(analysis, state);
  if (jobs.size === 0) return undefined;
  const running = analysis.jobs.filter((j) => jobs.has(j.name));
  const scans: FailoverOptions[] = running.map((job) => ({ job: job.name, tolerate: job.failover.tolerate, domains: job.failover.domains, suggest: false }));
  const plan = allocate(input);
  const failover = new LazyMap(() => {
    // The same allocate inside (deterministic): the scans start from the plan above.
    const { reports } = planAndSimulate(input, scans, createContext(input));
    const out = new Map<string, FailoverReport>();
    running.forEach((job, i) => out.set(job.name, reports[i]));
    return out;
  });
  return { state, jobs, tasks, input, plan, failover };
}
