/**
 * Placement and failover results as problems on the spec: `alloc/unplaced` and `alloc/blocked` on
 * the task, `failover/no-capacity` on a task that some scenario leaves without a node, and
 * `failover/node-loss` on the cluster node whose loss breaks a job.
 */
import type { FailoverScenario } from '../alloc';
import { explain, instancesOf, specInstances, type ClusterAnalysis } from './analyzeCluster';
import type { ClusterSpec, JobSpec, Problem, TaskInstance, TaskSpec } from '../model';

/** Nodes a failure domain's name lists; a larger domain is named by its size. */
const DOMAIN_NODES_LISTED = 3;
/** Tasks that get their own failover warning, per job; the rest are counted in one warning. */
export const FAILOVER_WARNINGS_PER_JOB = 100;

/** How a scenario is named to people: "node2", "node1 and node2", "zone=a (node1, node4)", "zone=c (333 nodes)". */
export function scenarioName(s: FailoverScenario): string {
  if (s.kind === 'domain' && s.domain) {
    const nodes = s.lost.length <= DOMAIN_NODES_LISTED ? s.lost.join(', ') : `${s.lost.length} nodes`;
    return `${s.domain.attribute}=${s.domain.value} (${nodes})`;
  }
  return s.lost.length <= 2 ? s.lost.join(' and ') : `${s.lost.slice(0, -1).join(', ')} and ${s.lost[s.lost.length - 1] ?? ''}`;
}

/** The verb after a scenario's name: "node2 fails", "zone=c (node3) fails", "node1 and node2 fail". */
export function scenarioVerb(s: FailoverScenario): 'fail' | 'fails' {
  return s.lost.length > 1 && s.kind !== 'domain' ? 'fail' : 'fails';
}

/** Task id (`job/instance`) → the instance name people read. */
function shortName(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

/**
 * `fitsNowhere`: the tasks a spec rule already says fit no node (plannable.ts): no placement
 * problem repeats it on them.
 */
export function jobPlacementProblems(analysis: ClusterAnalysis, job: JobSpec, fitsNowhere: ReadonlySet<string> = new Set()): Problem[] {
  const out: Problem[] = [];
  if (!analysis.plan.placedAll) out.push(...taskProblems(analysis, job, fitsNowhere));
  out.push(...failoverProblems(analysis, job));
  return out;
}

function taskProblems(analysis: ClusterAnalysis, job: JobSpec, fitsNowhere: ReadonlySet<string>): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const task of job.tasks) seen.add(task.name);
  // Without duplicate names a task's instances are its spec's own: no lookup by name.
  const unique = seen.size === job.tasks.length;
  seen.clear();
  for (const task of job.tasks) {
    if (seen.has(task.name)) continue; // duplicates are reported by the rules
    seen.add(task.name);
    if (fitsNowhere.has(task.name)) continue;
    const problem = taskProblem(analysis, task, unique ? specInstances(job.name, task) : instancesOf(analysis, job.name, task.name));
    if (problem) out.push(problem);
  }
  return out;
}

function taskProblem(analysis: ClusterAnalysis, task: TaskSpec, instances: readonly TaskInstance[]): Problem | undefined {
  const unplaced = instances.filter((t) => analysis.plan.tasks.get(t.id)?.kind === 'unplaced');
  const blocked = instances.filter((t) => analysis.plan.tasks.get(t.id)?.kind === 'blocked');
  const count = (n: number): string => (instances.length > 1 ? `${n} of ${instances.length} instances of ${task.name}` : task.name);
  const first = unplaced[0];
  if (first) {
    const why = explain(analysis, first.id);
    return { code: 'alloc/unplaced', severity: 'error', message: `${count(unplaced.length)} cannot be placed: ${why.summary}`, span: task.nameSpan };
  }
  const firstBlocked = blocked[0];
  if (firstBlocked) {
    const r = analysis.plan.tasks.get(firstBlocked.id);
    const by = r?.kind === 'blocked' ? r.blockedBy.join(', ') : '';
    return { code: 'alloc/blocked', severity: 'warning', message: `${count(blocked.length)} ${blocked.length > 1 ? 'are' : 'is'} blocked: waiting for ${by}, which cannot be placed`, span: task.nameSpan };
  }
  return undefined;
}

/**
 * One warning per task that some scenario leaves without a node, naming the first such scenario,
 * for the first FAILOVER_WARNINGS_PER_JOB such tasks in file order; past that, one warning on the
 * job's name counts the rest (a lost zone can strand thousands of tasks: thousands of warnings
 * help no one, and would be sent again on every keystroke). Hover and the plan show them all.
 */
function failoverProblems(analysis: ClusterAnalysis, job: JobSpec): Problem[] {
  const report = analysis.failover.get(job.name);
  if (!report || report.safe) return [];
  const losses = new Map<string, { scenario: FailoverScenario; reason: string; count: number }>();
  for (const s of report.scenarios) {
    for (const u of s.unplaced) {
      const t = analysis.instances.get(u.task);
      if (!t || t.job !== job.name) continue;
      const hit = losses.get(t.task);
      if (hit) hit.count++;
      else losses.set(t.task, { scenario: s, reason: `${shortName(u.task)} has no node: ${u.reason}`, count: 1 });
    }
  }
  const out: Problem[] = [];
  const suggestion = report.suggestion ? `; ${report.suggestion.summary}` : '';
  let unlisted = 0;
  for (const task of job.tasks) {
    const loss = losses.get(task.name);
    if (!loss) continue;
    losses.delete(task.name);
    if (out.length >= FAILOVER_WARNINGS_PER_JOB) {
      unlisted++;
      continue;
    }
    const more = loss.count > 1 ? ` (and ${loss.count - 1} more scenario${loss.count > 2 ? 's' : ''})` : '';
    out.push({
      code: 'failover/no-capacity',
      severity: 'warning',
      message: `if ${scenarioName(loss.scenario)} ${scenarioVerb(loss.scenario)}, ${loss.reason}${more}${suggestion}`,
      span: task.nameSpan,
    });
  }
  if (unlisted > 0) {
    out.push({
      code: 'failover/no-capacity',
      severity: 'warning',
      message: `${unlisted} more task${unlisted > 1 ? 's' : ''} of job ${job.name} ${unlisted > 1 ? 'are' : 'is'} left without a node by some failover scenario (warnings are shown on the first ${FAILOVER_WARNINGS_PER_JOB}; the plan lists every one)${suggestion}`,
      span: job.nameSpan,
    });
  }
  return out;
}

/** On a cluster file: a warning on each node whose loss alone leaves a task of some job without a node. */
export function clusterFailoverProblems(analysis: ClusterAnalysis, cluster: ClusterSpec): Problem[] {
  const broken = new Map<string, string[]>();
  for (const [jobName, report] of analysis.failover) {
    for (const s of report.scenarios) {
      if (s.kind !== 'node' || s.unplaced.length === 0) continue;
      const node = s.lost[0] ?? '';
      const tasks = s.unplaced.filter((u) => analysis.instances.get(u.task)?.job === jobName).map((u) => shortName(u.task));
      if (tasks.length === 0) continue;
      const list = broken.get(node) ?? [];
      const named = tasks.length <= 5 ? tasks.join(', ') : `${tasks.slice(0, 4).join(', ')} and ${tasks.length - 4} more`;
      list.push(`job ${jobName} loses ${named}`);
      broken.set(node, list);
    }
  }
  const out: Problem[] = [];
  for (const n of cluster.nodes) {
    const what = broken.get(n.name);
    if (what) out.push({ code: 'failover/node-loss', severity: 'warning', message: `if ${n.name} fails, ${what.join('; ')}`, span: n.nameSpan });
  }
  return out;
}
