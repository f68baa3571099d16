/** `berth.clusterDown`: stops this window's controller for the cluster, then removes everything labelled with it. */
import * as vscode from 'vscode';
import { clusterNameOf, connect, down } from '../../cluster/index';
import { checkCancelled, runClusterCommand, withClusterProgress } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickCluster } from '../cluster/pick';

export const CLUSTER_DOWN_COMMAND = 'berth.clusterDown';

export function registerClusterDownCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(CLUSTER_DOWN_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'take the cluster down', async () => {
      // A file (editor title, explorer) names its cluster; a tree item or a name names itself.
      const name = arg instanceof vscode.Uri ? clusterNameOf(arg.fsPath) : await pickCluster(session, arg);
      if (!name) return;
      await withClusterProgress(`cluster ${name} down`, async (report, signal) => {
        const docker = await connect({ endpoint: session.where() });
        checkCancelled(signal, `cluster ${name} down`);
        report('stopping the failover controller');
        await session.release(name);
        // `down` has no signal: once removal starts it finishes, so nothing is left half-removed.
        report('removing containers and network');
        const result = await down(docker, name);
        log.info(`Cluster ${name} down: ${result.containers} containers, ${result.networks} networks removed`);
      });
      await session.refresh();
      void vscode.window.showInformationMessage(`Berth: cluster ${name} is down.`);
    }),
  );
}
