/**
 * `berth.stopNode` stops a node container (a simulated machine failure): its tasks die with it and
 * the controller moves them. `berth.startNode` starts a stopped one again: its capacity returns and
 * waiting tasks are placed. Either way this window's controller takes part (passively if another
 * window holds the lease), so that someone moves the tasks.
 */
import * as vscode from 'vscode';
import { connect, startNode, stopNode } from '../../cluster/index';
import { runClusterCommand } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickNode } from '../cluster/pick';

export const STOP_NODE_COMMAND = 'berth.stopNode';
export const START_NODE_COMMAND = 'berth.startNode';

const NODE_COMMANDS = [
  { id: STOP_NODE_COMMAND, verb: 'stop', doing: 'stopping', done: 'stopped', from: 'running', run: stopNode },
  { id: START_NODE_COMMAND, verb: 'start', doing: 'starting', done: 'started', from: 'stopped', run: startNode },
] as const;

export function registerNodeCommands(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return NODE_COMMANDS.map((c) =>
    vscode.commands.registerCommand(c.id, (arg?: unknown) =>
      runClusterCommand(log, `${c.verb} the node`, async () => {
        const ref = await pickNode(session, arg, c.from);
        if (!ref) return;
        const docker = await connect({ endpoint: session.where() });
        session.control(ref.cluster);
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Berth: ${c.doing} ${ref.node}` }, () => c.run(docker, ref.node, ref.cluster));
        log.info(`Node ${ref.node} of ${ref.cluster} ${c.done}`);
        await session.refresh();
      }),
    ),
  );
}
