/**
 * The "Berth Cluster" tree (view id `berth.cluster`). Until the local Docker cluster is wired in
 * (client/cluster through this folder), no cluster runs: the tree is empty and the view's welcome
 * content (package.json `viewsWelcome`) says so. The Docker part replaces `ClusterTreeProvider`'s
 * items with nodes and their tasks and calls `refresh()` on its own timer (`berth.refreshInterval`).
 */
import * as vscode from 'vscode';

export const CLUSTER_VIEW_ID = 'berth.cluster';

export type ClusterTreeItem = vscode.TreeItem;

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterTreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(item: ClusterTreeItem): ClusterTreeItem {
    return item;
  }

  getChildren(): ClusterTreeItem[] {
    return [];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerClusterView(context: vscode.ExtensionContext): ClusterTreeProvider {
  const provider = new ClusterTreeProvider();
  context.subscriptions.push(provider, vscode.window.createTreeView(CLUSTER_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true }));
  return provider;
}
