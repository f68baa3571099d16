/** `berth.clusterUp`: the cluster of a cluster or job file on its engine (local containers, or a swarm), then its failover controller. */
import * as vscode from 'vscode';
import { isClusterError, upCluster } from '../../cluster/index';
import { readClusterSettings } from '../settings';
import { Cancelled, checkCancelled, loadFileSpecs, runClusterCommand, withClusterProgress } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { explainNoTarget, resolveTarget } from './target';

export const CLUSTER_UP_COMMAND = 'berth.clusterUp';

export function registerClusterUpCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(CLUSTER_UP_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'bring the cluster up', async () => {
      const target = await resolveTarget(arg);
      if (target.kind === 'none') return explainNoTarget('bring a cluster up', target);
      const { cluster, jobs } = await loadFileSpecs(target.uri);
      const settings = readClusterSettings();
      await withClusterProgress(`cluster ${cluster.name} up`, async (report, signal) => {
        checkCancelled(signal, `cluster ${cluster.name} up`);
        const step = 100 / Math.max(1, cluster.nodes.length);
        // Cancel stops the up at its next step and removes what it had made (up.ts, testSwarm.ts).
        const result = await upCluster(cluster, {
          endpoint: session.where(),
          signal,
          ...(settings.engine ? { engine: settings.engine } : {}),
          images: jobs.flatMap((j) => j.tasks.map((t) => t.image).filter((i): i is string => i !== undefined)),
          onStep: (s) => report(s),
          onProgress: (e) => {
            if (e.kind === 'node') report(`${e.node} ${e.action}`, step);
            else if (e.kind === 'network') report(`network ${e.name}${e.created ? ' created' : ''}`);
            else report(`pulling ${e.progress.image}: ${e.progress.status}`);
          },
        }).catch((err: unknown) => {
          if (signal.aborted && isClusterError(err, 'cluster/cancelled')) throw new Cancelled(err.message);
          throw err;
        });
        if (result.local) log.info(`Cluster ${cluster.name} up: ${result.local.nodes.map((n) => `${n.node} ${n.action}`).join(', ')}`);
        if (result.swarm) log.info(`Cluster ${cluster.name} up on ${result.kind === 'test-swarm' ? 'a local test swarm' : 'an existing swarm'} (manager ${result.swarm.manager}): ${result.swarm.nodes.join('; ')}`);
      });
      session.control(cluster.name);
      await session.refresh();
      void vscode.window.showInformationMessage(`Berth: cluster ${cluster.name} is up (${cluster.nodes.length} nodes).`);
    }),
  );
}
