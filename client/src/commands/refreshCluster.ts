/** `berth.refreshCluster`: re-reads the clusters from Docker now (the tree also follows Docker events). */
import * as vscode from 'vscode';
import { requireTrust } from '../cluster/workspaceTrust';
import type { ClusterSession } from '../cluster/clusterSession';

export const REFRESH_CLUSTER_COMMAND = 'berth.refreshCluster';

export function registerRefreshClusterCommand(session: ClusterSession): vscode.Disposable {
  return vscode.commands.registerCommand(REFRESH_CLUSTER_COMMAND, async () => {
    if (!requireTrust('Refresh Cluster')) return;
    await session.refresh();
  });
}
