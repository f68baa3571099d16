/**
 * Placement and failover results as problems on the spec: `alloc/unplaced` and `alloc/blocked` on
 * the task, `failover/no-capacity` on a task that some scenario leaves without a node, and
 * `failover/node-loss` on the cluster node whose loss breaks a job.
 */
import type { FailoverScenario } from './alloc';
import { explain, instancesOf, type ClusterAnalysis } from './analyzeCluster';
import type { ClusterSpec, JobSpec, Problem, TaskSpec } from './model';

/** How a scenario is named to people: "node2", "node1 and node2", "zone=a". */
export function scenarioName(s: FailoverScenario): string {
  if (s.kind === 'domain' && s.domain) return `${s.domain.attribute}=${s.domain.value} (${s.lost.join(', ')})`;
  return s.lost.length <= 2 ? s.lost.join(' and ') : `${s.lost.slice(0, -1).join(', ')} and ${s.lost[s.lost.length - 1] ?? ''}`;
}

/** The verb after a scenario's name: "node2 fails", "zone=c (node3) fails", "node1 and node2 fail". */
export function scenarioVerb(s: FailoverScenario): 'fail' | 'fails' {
  return s.lost.length > 1 ? 'fail' : 'fails';
}

/** Task id (`job/instance`) → the instance name people read. */
function shortName(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

export function jobPlacementProblems(analysis: ClusterAnalysis, job: JobSpec): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const task of job.tasks) {
    if (seen.has(task.name)) continue; // duplicates are reported by the rules
    seen.add(task.name);
    const problem = taskProblem(analysis, job, task);
    if (problem) out.push(problem);
  }
  out.push(...failoverProblems(analysis, job));
  return out;
}

function taskProblem(analysis: ClusterAnalysis, job: JobSpec, task: TaskSpec): Problem | undefined {
  const instances = instancesOf(analysis, job.name, task.name);
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

/** One warning per task that some scenario leaves without a node, naming the first such scenario. */
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
  for (const task of job.tasks) {
    const loss = losses.get(task.name);
    if (!loss) continue;
    losses.delete(task.name);
    const more = loss.count > 1 ? ` (and ${loss.count - 1} more scenario${loss.count > 2 ? 's' : ''})` : '';
    out.push({
      code: 'failover/no-capacity',
      severity: 'warning',
      message: `if ${scenarioName(loss.scenario)} ${scenarioVerb(loss.scenario)}, ${loss.reason}${more}${suggestion}`,
      span: task.nameSpan,
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
      list.push(`job ${jobName} loses ${tasks.join(', ')}`);
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
