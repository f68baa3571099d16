/**
 * The plan of one job as plain JSON: what `berth plan --json` prints and what the `berth/plan`
 * request returns. cpus in cores; mem and disk in MiB.
 */
import type { FailoverReport } from '../alloc';
import { explain, type ClusterAnalysis } from '../analysis/analyzeCluster';
import type { Resources } from '../model';
import type { SkippedTask } from '../analysis/plannable';
import { scenarioName } from '../analysis/placementProblems';

export interface ReportResources {
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly gpus: number;
}

export interface PlanReportTask {
  /** The instance name (`api-0`), or `job/instance` for a task of another job on the cluster. */
  readonly name: string;
  readonly job: string;
  readonly task: string;
  readonly status: 'placed' | 'blocked' | 'unplaced';
  readonly node?: string;
  readonly ports?: readonly number[];
  readonly blockedBy?: readonly string[];
  readonly reasons?: string;
  readonly resources: ReportResources;
}

export interface PlanReportNode {
  readonly name: string;
  readonly capacity: ReportResources;
  readonly allocated: ReportResources;
  /** Names of the tasks placed here (all jobs on the cluster). */
  readonly tasks: readonly string[];
}

export interface PlanReportScenario {
  readonly name: string;
  readonly kind: 'node' | 'set' | 'domain';
  readonly lost: readonly string[];
  readonly moves: readonly { task: string; from: string; to: string }[];
  readonly evicted: readonly { task: string; from: string }[];
  readonly unplaced: readonly { task: string; reasons: string }[];
}

export interface PlanReport {
  readonly job: string;
  readonly cluster: string;
  readonly strategy: string;
  readonly preemption: boolean;
  readonly tasks: readonly PlanReportTask[];
  /** The job's tasks left out of the plan for their spec errors (plannable.ts), in the job's order. */
  readonly skipped: readonly SkippedTask[];
  readonly nodes: readonly PlanReportNode[];
  readonly failover: {
    readonly safe: boolean;
    readonly tolerate: number;
    readonly domains: readonly string[];
    readonly truncated: boolean;
    readonly scenarios: readonly PlanReportScenario[];
    readonly suggestion?: { readonly summary: string; readonly perNode: readonly { node: string; add: ReportResources }[] };
  };
}

export function toReportResources(r: Resources): ReportResources {
  return { cpus: r.cpus / 1000, mem: r.mem, disk: r.disk, gpus: r.gpus };
}

/** `skipped`: what the job's `plannable` left out of the plan. */
export function toPlanReport(analysis: ClusterAnalysis, jobName: string, skipped: readonly SkippedTask[]): PlanReport | undefined {
  const job = analysis.jobs.find((j) => j.name === jobName);
  if (!job) return undefined;
  const display = (id: string): string => {
    const t = analysis.instances.get(id);
    return t && t.job === jobName ? t.name : id;
  };
  const tasks: PlanReportTask[] = [];
  const onNode = new Map<string, string[]>();
  for (const [id, result] of analysis.plan.tasks) {
    const t = analysis.instances.get(id);
    if (!t) continue;
    if (result.kind === 'placed') {
      const list = onNode.get(result.node) ?? [];
      list.push(display(id));
      onNode.set(result.node, list);
    }
    if (t.job !== jobName) continue;
    const base = { name: t.name, job: t.job, task: t.task, resources: toReportResources(t.resources) };
    if (result.kind === 'placed') tasks.push({ ...base, status: 'placed', node: result.node, ports: result.ports });
    else if (result.kind === 'blocked') tasks.push({ ...base, status: 'blocked', blockedBy: result.blockedBy });
    else tasks.push({ ...base, status: 'unplaced', reasons: explain(analysis, id).summary });
  }
  const nodes = analysis.plan.nodes.map((n) => ({ name: n.name, capacity: toReportResources(n.capacity), allocated: toReportResources(n.allocated), tasks: onNode.get(n.name) ?? [] }));
  const report: FailoverReport | undefined = analysis.failover.get(jobName);
  return {
    job: jobName,
    cluster: analysis.cluster.name,
    strategy: job.strategy,
    preemption: job.preemption,
    tasks,
    skipped,
    nodes,
    failover: {
      safe: report?.safe ?? true,
      tolerate: job.failover.tolerate,
      domains: job.failover.domains,
      truncated: report?.truncated ?? false,
      scenarios: (report?.scenarios ?? []).map((s) => ({
        name: scenarioName(s),
        kind: s.kind,
        lost: s.lost,
        moves: s.moves.map((m) => ({ task: display(m.task), from: m.from, to: m.to })),
        evicted: s.evicted.map((e) => ({ task: display(e.task), from: e.from })),
        unplaced: s.unplaced.map((u) => ({ task: display(u.task), reasons: u.reason })),
      })),
      ...(report?.suggestion ? { suggestion: { summary: report.suggestion.summary, perNode: report.suggestion.perNode.map((p) => ({ node: p.node, add: toReportResources(p.add) })) } } : {}),
    },
  };
}
