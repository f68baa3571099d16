/**
 * `berth.drill` (*Berth: Run Failover Drill*): the preview's failover scenarios on the live
 * cluster, as `berth drill` runs them. Arguments `(uri, scenario?, job?)`: a Drill lens passes the
 * file and the scenario's nodes, the placement view also the job; without a scenario every single
 * node, like the command line. Refused, in one line each and before anything is stopped, in an
 * untrusted workspace, for a node the cluster does not have, a cluster that is not running, a job
 * that is not deployed, and (unless the user lets this window run one) a cluster no controller
 * acts on. Progress per scenario; Cancel brings back the nodes the drill stopped. The results go to
 * the placement view and a summary notification.
 */
import * as vscode from 'vscode';
import { differingTasks, drillNodeText, drillSummary, runDrill, type DrillProgress, type DrillReport } from '../../cluster/index';
import { messageOf } from '../../cluster/errors';
import { loadFileSpecs, showClusterError, type Report } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { requireTrust } from '../cluster/workspaceTrust';
import type { DrillResults } from '../drillResults';
import type { PlacementView } from '../placementView';
import { DEPLOY_JOB_COMMAND } from './deployJob';
import { resolveTarget } from './target';

export const DRILL_COMMAND = 'berth.drill';
const RUN_HERE = 'Run Controller Here';
const DEPLOY = 'Deploy Job';

/** What the command did (its return value, for the editor tests). */
export type DrillOutcome = { readonly kind: 'refused'; readonly reason: string } | { readonly kind: 'ran'; readonly report: DrillReport } | { readonly kind: 'failed'; readonly message: string };

export function registerDrillCommand(session: ClusterSession, log: vscode.LogOutputChannel, results: DrillResults, view: PlacementView): vscode.Disposable {
  const running = new Set<string>();
  return vscode.commands.registerCommand(DRILL_COMMAND, async (arg?: unknown, scenario?: unknown, jobName?: unknown): Promise<DrillOutcome> => {
    if (!requireTrust('a failover drill', 'stops nodes and starts containers')) return { kind: 'refused', reason: 'the workspace is not trusted' };
    const refuse = (reason: string, deployFile?: vscode.Uri): DrillOutcome => {
      log.warn(`Drill refused: ${reason}`);
      void vscode.window.showWarningMessage(`Berth: cannot drill: ${reason}.`, ...(deployFile ? [DEPLOY] : [])).then((choice) => {
        if (choice === DEPLOY && deployFile) void vscode.commands.executeCommand(DEPLOY_JOB_COMMAND, deployFile);
      });
      return { kind: 'refused', reason };
    };
    let cluster = '';
    try {
      const target = await resolveTarget(arg);
      if (target.kind === 'none') return refuse(target.why);
      if (scenario !== undefined && !(Array.isArray(scenario) && scenario.length > 0 && scenario.every((n) => typeof n === 'string' && n !== ''))) return refuse('a scenario is a list of node names');
      const lost = scenario as readonly string[] | undefined;
      const specs = await loadFileSpecs(target.uri);
      cluster = specs.cluster.name;
      const names = specs.cluster.nodes.map((n) => n.name);
      const unknown = (lost ?? []).filter((n) => !names.includes(n));
      if (unknown.length > 0) return refuse(`cluster ${cluster} has no node ${unknown.join(', ')} (nodes: ${names.join(', ')})`);
      if (running.has(cluster)) return refuse(`a drill of cluster ${cluster} is running already`);
      const jobFile = specs.jobs.length > 0 ? target.uri : undefined;
      const engine = session.engine(cluster);
      const status = await engine.status(cluster, { usage: false });
      if (status.nodes.length === 0) return refuse(`cluster ${cluster} is not running: deploy a job to it first (Berth: Deploy Job)`, jobFile);
      const deployed = [...new Set(status.tasks.map((t) => t.job))].sort();
      let job: string | undefined = typeof jobName === 'string' ? jobName : specs.jobs.length === 1 ? specs.jobs[0]?.name : undefined;
      if (job === undefined) {
        const candidates = specs.jobs.length > 0 ? specs.jobs.map((j) => j.name) : deployed;
        if (candidates.length === 0) return refuse(`no job is deployed on cluster ${cluster}: deploy one first (Berth: Deploy Job)`);
        job = candidates.length === 1 ? candidates[0] : await vscode.window.showQuickPick(candidates, { title: 'Berth: Run Failover Drill', placeHolder: `Which job of cluster ${cluster} to drill` });
        if (job === undefined) return { kind: 'refused', reason: 'no job was picked' };
      }
      if (!deployed.includes(job)) return refuse(`job ${job} is not deployed on cluster ${cluster}: deploy it first (Berth: Deploy Job)`, jobFile);
      // Someone has to move the tasks of a lost node: this window's controller, or one holding the lease elsewhere (berth watch).
      if (!session.controlling(cluster)) {
        const holder = await engine.controllerHolder(cluster);
        if (holder === undefined) {
          const choice = await vscode.window.showWarningMessage(`Berth: no failover controller runs for cluster ${cluster}, so nothing would move the tasks of a lost node. Run one in this window (as Deploy Job does) and drill?`, RUN_HERE);
          if (choice !== RUN_HERE) return { kind: 'refused', reason: `no failover controller runs for cluster ${cluster}` };
        } else log.info(`Drill: the controller ${holder} acts on cluster ${cluster}`);
        session.control(cluster);
      }
      await session.controlled(cluster);
      const scenarios = lost ? [lost] : specs.cluster.nodes.map((n) => [n.name]);
      const drilled = job;
      running.add(cluster);
      let report: DrillReport;
      try {
        report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Berth: drill ${drilled} on ${cluster}`, cancellable: true }, async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await runDrill(engine, cluster, drilled, scenarios, { signal: abort.signal, onProgress: progressReporter((message, increment) => progress.report({ message, ...(increment !== undefined ? { increment } : {}) }), log) });
          } finally {
            sub.dispose();
          }
        });
      } finally {
        running.delete(cluster);
      }
      results.record(report, jobFile);
      announce(report, view, jobFile ?? target.uri, log);
      void session.refresh();
      return { kind: 'ran', report };
    } catch (err) {
      showClusterError(log, 'run the failover drill', err);
      return { kind: 'failed', message: messageOf(err) };
    }
  });
}

function progressReporter(report: Report, log: vscode.LogOutputChannel): (p: DrillProgress) => void {
  let name = '';
  let total = 1;
  let many = false;
  return (p) => {
    switch (p.kind) {
      case 'scenario':
        name = `${p.total > 1 ? `${p.index + 1}/${p.total} ` : ''}${p.lost.join(', ')}`;
        many = p.lost.length > 1;
        total = Math.max(1, p.total);
        break;
      case 'step': {
        const text = { lose: many ? 'losing nodes' : 'losing node', wait: 'waiting for the controller', restore: many ? 'bringing the nodes back' : 'bringing the node back', settle: 'waiting for the cluster to settle' }[p.phase];
        report(`${name}: ${text}…`);
        break;
      }
      case 'result': {
        const s = p.scenario;
        const line = s.verdict === 'skipped' ? `skipped (${s.note ?? ''})` : `${s.verdict} in ${s.seconds.toFixed(1)} s`;
        log.info(`Drill: lose ${s.lost.join(', ')}: ${line}${s.verdict === 'fail' ? `: ${differingTasks(s).map((t) => `${t.task} predicted ${drillNodeText(t.predicted, 'predicted')}, observed ${drillNodeText(t.observed, 'observed')}`).join('; ') || (s.note ?? '')}` : ''}`);
        report(`${name}: ${line}`, 100 / total);
        break;
      }
    }
  };
}

/** The summary notification; "Show" opens the placement view on the first failing scenario. */
function announce(report: DrillReport, view: PlacementView, file: vscode.Uri, log: vscode.LogOutputChannel): void {
  const text = `Berth: ${drillSummary(report)}`;
  log.info(text);
  const failing = report.scenarios.find((s) => s.verdict === 'fail');
  const shown = failing ? vscode.window.showWarningMessage(text, 'Show') : vscode.window.showInformationMessage(text, 'Show');
  void shown.then((choice) => {
    if (choice) void view.show(file, failing?.lost ?? report.scenarios[0]?.lost);
  });
}
