/** `berth.stopNode`: stops a node container (a simulated machine failure); its tasks die with it and the controller moves them. */
import * as vscode from 'vscode';
import { connect, stopNode } from '../../cluster/index';
import { runClusterCommand } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickNode } from '../cluster/pick';

export const STOP_NODE_COMMAND = 'berth.stopNode';

export function registerStopNodeCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(STOP_NODE_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'stop the node', async () => {
      const ref = await pickNode(session, arg, 'running');
      if (!ref) return;
      const docker = await connect({ endpoint: session.where() });
      // Someone must move the node's tasks: this window's controller (passive if another holds the lease).
      session.control(ref.cluster);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Berth: stopping ${ref.node}` }, () => stopNode(docker, ref.node, ref.cluster));
      log.info(`Node ${ref.node} of ${ref.cluster} stopped`);
      await session.refresh();
    }),
  );
}
