/** `berth.startNode`: starts a stopped node container again; its capacity returns and waiting tasks are placed. */
import * as vscode from 'vscode';
import { connect, startNode } from '../../cluster/index';
import { runClusterCommand } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickNode } from '../cluster/pick';

export const START_NODE_COMMAND = 'berth.startNode';

export function registerStartNodeCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(START_NODE_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'start the node', async () => {
      const ref = await pickNode(session, arg, 'stopped');
      if (!ref) return;
      const docker = await connect({ endpoint: session.where() });
      session.control(ref.cluster);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Berth: starting ${ref.node}` }, () => startNode(docker, ref.node, ref.cluster));
      log.info(`Node ${ref.node} of ${ref.cluster} started`);
      await session.refresh();
    }),
  );
}
