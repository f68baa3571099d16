/** `berth.clusterUp`: the local Docker cluster of a cluster or job file (nodes as containers), then its failover controller. */
import * as vscode from 'vscode';
import { connect, up } from '../../cluster/index';
import { checkCancelled, loadFileSpecs, runClusterCommand, withClusterProgress } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { explainNoTarget, resolveTarget } from './target';

export const CLUSTER_UP_COMMAND = 'berth.clusterUp';

export function registerClusterUpCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(CLUSTER_UP_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'bring the cluster up', async () => {
      const target = await resolveTarget(arg);
      if (target.kind === 'none') return explainNoTarget('bring a cluster up', target);
      const { cluster } = await loadFileSpecs(target.uri);
      await withClusterProgress(`cluster ${cluster.name} up`, async (report, signal) => {
        const docker = await connect({ endpoint: session.where() });
        checkCancelled(signal, `cluster ${cluster.name} up`);
        const step = 100 / Math.max(1, cluster.nodes.length);
        // `up` has no signal (a half-created node is worse than a finished one): cancel stops before it starts.
        const result = await up(docker, cluster, {
          onProgress: (e) => {
            if (e.kind === 'node') report(`${e.node} ${e.action}`, step);
            else if (e.kind === 'network') report(`network ${e.name}${e.created ? ' created' : ''}`);
            else report(`pulling ${e.progress.image}: ${e.progress.status}`);
          },
        });
        log.info(`Cluster ${cluster.name} up: ${result.nodes.map((n) => `${n.node} ${n.action}`).join(', ')}`);
      });
      session.control(cluster.name);
      await session.refresh();
      void vscode.window.showInformationMessage(`Berth: cluster ${cluster.name} is up (${cluster.nodes.length} nodes).`);
    }),
  );
}
