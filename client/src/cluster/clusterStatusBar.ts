/** A status bar item with the clusters' state (nodes up/total); a click focuses the Berth Cluster view. */
import * as vscode from 'vscode';
import type { ClusterSession } from './clusterSession';

export function registerClusterStatusBar(session: ClusterSession): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('berth.cluster.status', vscode.StatusBarAlignment.Left, -1);
  item.name = 'Berth cluster';
  item.command = 'berth.cluster.focus';
  const render = (): void => {
    const s = session.state;
    if (s.kind === 'loading' || (s.kind === 'clusters' && s.clusters.length === 0)) {
      item.hide();
      return;
    }
    if (s.kind === 'unreachable') {
      item.text = '$(debug-disconnect) Berth: no Docker';
      item.tooltip = s.message;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      const parts = s.clusters.map((c) => `${c.cluster} ${c.nodes.filter((n) => n.state === 'running').length}/${c.nodes.length}`);
      const degraded = s.clusters.some((c) => c.nodes.some((n) => n.state !== 'running'));
      item.text = `$(server-environment) ${parts.join(' · ')}`;
      item.tooltip = s.clusters.map((c) => `Cluster ${c.cluster}: ${c.nodes.map((n) => `${n.name} ${n.state}`).join(', ')}; ${c.tasks.filter((t) => t.state === 'running').length}/${c.tasks.length} tasks running`).join('\n');
      item.backgroundColor = degraded ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    }
    item.show();
  };
  const sub = session.onDidChange(render);
  return vscode.Disposable.from(sub, item);
}
