/** `berth/plan`: the plan and failover of a job (or of every job on a cluster file) for the client. */
import { RequestType } from 'vscode-languageserver';
import { PLAN_METHOD, type PlanParams, type PlanResult } from '../../engine/protocol';
import { toPlanReport, type PlanReport } from '../../engine/planReport';
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
    if (!job.ok) return { kind: 'unavailable', uri: params.uri, reason: `job "${job.spec.name}" has errors; fix them to see its plan` };
    if (!job.cluster?.ok) return { kind: 'unavailable', uri: params.uri, reason: `the cluster of job "${job.spec.name}" is missing or has errors` };
    const analysis = ctx.analyses.forCluster(job.cluster.path, job.cluster.spec, 'full');
    const report = analysis && toPlanReport(analysis, job.spec.name);
    if (report) reports.push(report);
  }
  const cluster = checked.clusters[0];
  if (checked.jobs.length === 0 && cluster) {
    if (!cluster.ok) return { kind: 'unavailable', uri: params.uri, reason: 'this cluster has errors; fix them to see its plan' };
    const analysis = ctx.analyses.forCluster(path, cluster.spec, 'full');
    for (const job of analysis?.jobs ?? []) {
      const report = analysis && toPlanReport(analysis, job.name);
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
