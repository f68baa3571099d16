/** `berth.clusterDown`: stops this window's controller for the cluster, then removes everything of it on its engine. */
import * as vscode from 'vscode';
import { clusterNameOf, isClusterError } from '../../cluster/index';
import { Cancelled, checkCancelled, runClusterCommand, withClusterProgress } from '../cluster/clusterCommand';
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
        const engine = session.engine(name);
        checkCancelled(signal, `cluster ${name} down`);
        report('stopping the failover controller');
        await session.release(name);
        // Cancel stops the down between its steps (never within one): a later down removes the rest.
        report(engine.kind === 'swarm' ? 'removing services (a test swarm: its daemons and namespaces)' : 'removing containers and network');
        const result = await engine.down(name, { signal }).catch((err: unknown) => {
          if (signal.aborted && isClusterError(err, 'cluster/cancelled')) throw new Cancelled(err.message);
          throw err;
        });
        log.info(`Cluster ${name} down: removed ${result.removed.join(', ')}`);
      });
      await session.refresh();
      void vscode.window.showInformationMessage(`Berth: cluster ${name} is down.`);
    }),
  );
}
