/** Which cluster, node or task a command acts on: its tree item, a name, or a quick pick of what runs. */
import * as vscode from 'vscode';
import type { NodeStatus, TaskStatus } from '../../cluster/index';
import type { ClusterSession } from './clusterSession';
import { ClusterItem, NodeItem, TaskItem } from './clusterView';

export interface NodeRef {
  readonly cluster: string;
  readonly node: string;
}
export interface TaskRef {
  readonly cluster: string;
  /** `job/instance` */
  readonly task: string;
  readonly container: string;
}

async function statuses(session: ClusterSession): Promise<readonly { cluster: string; nodes: readonly NodeStatus[]; tasks: readonly TaskStatus[] }[]> {
  await session.refresh();
  const s = session.state;
  return s.kind === 'clusters' ? s.clusters : [];
}

export async function pickCluster(session: ClusterSession, arg: unknown): Promise<string | undefined> {
  if (arg instanceof ClusterItem) return arg.status.cluster;
  if (typeof arg === 'string' && arg !== '') return arg;
  const clusters = await statuses(session);
  if (clusters.length === 0) {
    void vscode.window.showInformationMessage('Berth: no cluster is running.');
    return undefined;
  }
  if (clusters.length === 1) return clusters[0]?.cluster;
  return (await vscode.window.showQuickPick(clusters.map((c) => c.cluster), { title: 'Berth: which cluster' })) ?? undefined;
}

export async function pickNode(session: ClusterSession, arg: unknown, want: 'running' | 'stopped'): Promise<NodeRef | undefined> {
  if (arg instanceof NodeItem) return { cluster: arg.cluster, node: arg.status.name };
  const items = (await statuses(session)).flatMap((c) =>
    c.nodes.filter((n) => (want === 'running') === (n.state === 'running')).map((n) => ({ label: n.name, description: `${c.cluster} · ${n.state}`, ref: { cluster: c.cluster, node: n.name } })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Berth: no ${want} node.`);
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: `Berth: which node` }))?.ref;
}

export async function pickTask(session: ClusterSession, arg: unknown): Promise<TaskRef | undefined> {
  if (arg instanceof TaskItem) return { cluster: arg.cluster, task: arg.status.id, container: arg.status.container };
  const items = (await statuses(session)).flatMap((c) =>
    c.tasks.map((t) => ({ label: t.id, description: `${c.cluster} · ${t.node || 'waiting'} · ${t.state}`, ref: { cluster: c.cluster, task: t.id, container: t.container } })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Berth: no task is deployed.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Berth: which task' }))?.ref;
}
