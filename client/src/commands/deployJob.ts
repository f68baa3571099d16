/**
 * `berth.deployJob`: deploys a job file's jobs to its local cluster (brought up when needed) with
 * per-task progress; cancel aborts the deploy, which removes what it created (no orphans). A code
 * lens passes `(uri, jobName)`, the editor title a Uri, the palette nothing (the active editor).
 */
import * as vscode from 'vscode';
import { deployCluster, type DeployProgress } from '../../cluster/index';
import { readClusterSettings } from '../settings';
import { Cancelled, loadFileSpecs, runClusterCommand, withClusterProgress, type Report } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { explainNoTarget, resolveTarget } from './target';

export const DEPLOY_JOB_COMMAND = 'berth.deployJob';

export function registerDeployJobCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(DEPLOY_JOB_COMMAND, (arg?: unknown, jobName?: unknown) =>
    runClusterCommand(log, 'deploy', async () => {
      const target = await resolveTarget(arg);
      if (target.kind === 'none') return explainNoTarget('deploy', target);
      const specs = await loadFileSpecs(target.uri);
      const jobs = specs.jobs.filter((j) => typeof jobName !== 'string' || j.name === jobName);
      if (jobs.length === 0) {
        void vscode.window.showWarningMessage(`Berth: cannot deploy: ${vscode.workspace.asRelativePath(target.uri)} has no job${typeof jobName === 'string' ? ` named ${jobName}` : ''}.`);
        return;
      }
      const cluster = specs.cluster;
      for (const job of jobs) {
        const title = `deploy ${job.name} to ${cluster.name}`;
        const result = await withClusterProgress(title, async (report, signal) => {
          const engine = readClusterSettings().engine;
          try {
            const { result: deployed } = await deployCluster(cluster, job, { endpoint: session.where(), ...(engine ? { engine } : {}), signal, onStep: (s) => report(s), onProgress: progressReporter(report, log, job.name) });
            return deployed;
          } catch (err) {
            if (signal.aborted) throw new Cancelled(`${title} cancelled (what it had started was removed)`);
            throw err;
          }
        });
        // From now on this window fails the cluster's tasks over (passive if another controller holds the lease).
        session.control(cluster.name);
        const counts = new Map<string, number>();
        for (const t of result.tasks) counts.set(t.action, (counts.get(t.action) ?? 0) + 1);
        const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
        log.info(`Deployed ${job.name} to ${cluster.name}: ${result.tasks.map((t) => `${t.id} ${t.action}${t.node ? ` on ${t.node}` : ''}`).join(', ')}`);
        void vscode.window.showInformationMessage(`Berth: ${job.name} deployed to ${cluster.name} (${summary || 'nothing to do'}).`);
      }
      await session.refresh();
    }),
  );
}

function progressReporter(report: Report, log: vscode.LogOutputChannel, job: string): (e: DeployProgress) => void {
  let total = 1;
  return (e) => {
    switch (e.kind) {
      case 'plan':
        total = Math.max(1, e.total);
        report(`${e.placed} of ${e.total} tasks placed`);
        break;
      case 'task':
        log.info(`[${job}] ${e.task}${e.node ? ` on ${e.node}` : ''}: ${e.state}${e.message ? ` (${e.message})` : ''}`);
        report(`${e.task}: ${e.state}${e.node ? ` on ${e.node}` : ''}`, e.state === 'running' || e.state === 'kept' || e.state === 'waiting' ? 100 / total : undefined);
        break;
      case 'pull':
        report(`pulling ${e.image}: ${e.status}${e.fraction !== undefined ? ` ${Math.round(e.fraction * 100)}%` : ''}`);
        break;
      case 'rollback':
        log.warn(`[${job}] rolled back: removed ${e.removed} containers or services`);
        report(`rolling back (${e.removed} removed)`);
        break;
    }
  };
}
