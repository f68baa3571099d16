/** `berth/plan`: the plan and failover of a job (or of every job on a cluster file) for the client. */
import { RequestType } from 'vscode-languageserver';
import { PLAN_METHOD, type PlanParams, type PlanResult } from '../../engine/protocol';
import { toPlanReport, type PlanReport } from '../../engine/report/planReport';
import type { SkippedTask } from '../../engine/analysis/plannable';
import { uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';

export function planFor(ctx: FeatureContext, params: PlanParams): PlanResult {
  const path = uriToPath(params.uri);
  const checked = ctx.workspace.check(path);
  if (!checked) return { kind: 'unavailable', uri: params.uri, reason: 'this is not a Berth file the server knows (a *.job.yaml, *.cluster.yaml, or YAML with apiVersion: berth/v1)' };
  const reports: PlanReport[] = [];
  for (const job of checked.jobs) {
    if (params.job !== undefined && job.spec.name !== params.job) continue;
    // What is planned is the job's `plannable` (plannable.ts), as for `berth plan`.
    const { plannable, cluster } = job;
    if (plannable.kind === 'not-plannable') return { kind: 'unavailable', uri: params.uri, reason: plannable.reason };
    if (!cluster) continue;
    const analysis = ctx.analyses.forCluster(cluster.path, cluster.spec, 'full');
    const report = analysis && toPlanReport(analysis, plannable.spec.name, plannable.skipped);
    if (report) reports.push(report);
  }
  const cluster = checked.clusters[0];
  if (checked.jobs.length === 0 && cluster) {
    if (!cluster.ok) return { kind: 'unavailable', uri: params.uri, reason: 'this cluster has errors; fix them to see its plan' };
    const analysis = ctx.analyses.forCluster(path, cluster.spec, 'full');
    // The jobs planned on it, each with the tasks its `plannable` skipped.
    const skipped = new Map<string, readonly SkippedTask[]>();
    for (const { job } of ctx.workspace.jobsTargeting(path)) if (job.plannable.kind === 'plannable' && !skipped.has(job.spec.name)) skipped.set(job.spec.name, job.plannable.skipped);
    for (const job of analysis?.jobs ?? []) {
      const report = analysis && toPlanReport(analysis, job.name, skipped.get(job.name) ?? []);
      if (report) reports.push(report);
    }
  }
  if (reports.length === 0 && checked.jobs.length === 0 && !cluster) return { kind: 'unavailable', uri: params.uri, reason: 'this file holds no Job or Cluster document' };
  return { kind: 'plan', uri: params.uri, version: ctx.workspace.version(path), reports };
}

const planRequest = new RequestType<PlanParams, PlanResult, void>(PLAN_METHOD);

export function registerPlan(ctx: FeatureContext): void {
  ctx.connection.onRequest(planRequest, (params): PlanResult =>
    guarded(ctx.log, PLAN_METHOD, { kind: 'unavailable', uri: params.uri, reason: 'internal error (see the Berth log)' }, () => planFor(ctx, params)),
  );
}
