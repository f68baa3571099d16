/**
 * `berth.stopNode` simulates a machine failure on the cluster's engine — the local engine stops the
 * node container (its tasks die with it), a test swarm cuts the node's link, an existing swarm
 * drains the node — and the controller moves its tasks. `berth.startNode` starts a stopped one again: its capacity returns and
 * waiting tasks are placed. Either way this window's controller takes part (passively if another
 * window holds the lease), so that someone moves the tasks.
 */
import * as vscode from 'vscode';
import { runClusterCommand } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickNode } from '../cluster/pick';

export const STOP_NODE_COMMAND = 'berth.stopNode';
export const START_NODE_COMMAND = 'berth.startNode';

const NODE_COMMANDS = [
  { id: STOP_NODE_COMMAND, verb: 'stop', doing: 'stopping', from: 'running', stop: true },
  { id: START_NODE_COMMAND, verb: 'start', doing: 'starting', from: 'stopped', stop: false },
] as const;

export function registerNodeCommands(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return NODE_COMMANDS.map((c) =>
    vscode.commands.registerCommand(c.id, (arg?: unknown) =>
      runClusterCommand(log, `${c.verb} the node`, async () => {
        const ref = await pickNode(session, arg, c.from);
        if (!ref) return;
        const engine = session.engine(ref.cluster);
        session.control(ref.cluster);
        const change = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Berth: ${c.doing} ${ref.node}` }, () => (c.stop ? engine.stopNode(ref.cluster, ref.node) : engine.startNode(ref.cluster, ref.node)));
        log.info(`Node ${ref.node} of ${ref.cluster} ${change.already ? 'was already ' : ''}${change.change} (${change.target})`);
        // An existing swarm's machine is drained, never stopped: say so where the user looks.
        if (change.change === 'drained') void vscode.window.showInformationMessage(`Berth: ${ref.node} is a machine of an existing swarm: it was drained (its tasks leave it, as on a loss), not stopped.`);
        await session.refresh();
      }),
    ),
  );
}
