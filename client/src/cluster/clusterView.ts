/**
 * The "Berth Cluster" tree (view id `berth.cluster`): clusters → nodes (state, capacity vs
 * allocated vs live usage) → tasks (state, restarts, health). It renders what `ClusterSession`
 * last read; the session re-reads on Docker events and samples usage only while this view is
 * visible. With no cluster the tree is empty and the welcome content (package.json) says so.
 */
import * as vscode from 'vscode';
import type { ClusterStatus, NodeStatus, TaskStatus, Usage } from '../../cluster/index';
import type { ClusterSession } from './clusterSession';

export const CLUSTER_VIEW_ID = 'berth.cluster';

export class ClusterItem extends vscode.TreeItem {
  readonly kind = 'cluster';
  constructor(readonly status: ClusterStatus) {
    super(status.cluster, vscode.TreeItemCollapsibleState.Expanded);
    const up = status.nodes.filter((n) => n.state === 'running').length;
    this.id = `cluster:${status.cluster}`;
    this.description = `${up}/${status.nodes.length} nodes up · ${status.tasks.length} tasks`;
    this.iconPath = new vscode.ThemeIcon('server-environment', up < status.nodes.length ? new vscode.ThemeColor('list.warningForeground') : undefined);
    this.contextValue = 'berth.cluster';
    this.tooltip = `Cluster ${status.cluster}: ${up} of ${status.nodes.length} nodes running; host has ${status.hostCpus} cores`;
  }
}

export class NodeItem extends vscode.TreeItem {
  readonly kind = 'node';
  constructor(
    readonly cluster: string,
    readonly status: NodeStatus,
    usage: Usage | undefined,
  ) {
    super(status.name, vscode.TreeItemCollapsibleState.Expanded);
    const running = status.state === 'running';
    this.id = `node:${cluster}/${status.name}`;
    this.description = `${running ? '' : `${status.state} · `}${nodeDescription(status, usage)}`;
    this.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline', running ? new vscode.ThemeColor('testing.iconPassed') : new vscode.ThemeColor('testing.iconFailed'));
    this.contextValue = running ? 'berth.node.running' : 'berth.node.stopped';
    this.tooltip = nodeTooltip(status, usage);
  }
}

export class TaskItem extends vscode.TreeItem {
  readonly kind = 'task';
  constructor(
    readonly cluster: string,
    readonly status: TaskStatus,
    usage: Usage | undefined,
  ) {
    super(status.task, vscode.TreeItemCollapsibleState.None);
    this.id = `task:${cluster}/${status.id}`;
    const parts = [status.state, ...(status.health ? [status.health] : []), ...(status.restarts > 0 ? [`${status.restarts} restarts`] : []), ...(usage ? [usageText(usage)] : [])];
    if (status.failover) parts.push(`moved from ${status.failover.from}`);
    this.description = parts.join(' · ');
    this.iconPath = taskIcon(status);
    this.contextValue = 'berth.task';
    const r = status.resources;
    this.tooltip = [
      `${status.id} on ${status.node || '(waiting for a node)'}`,
      `state: ${status.state}${status.health ? ` (${status.health})` : ''}, restarts: ${status.restarts}`,
      `resources: ${cpus(r.cpus)} cpus, ${gib(r.mem)} GiB memory`,
      ...status.addresses.map((a) => `port ${a.port}${a.address ? ` → ${a.address}` : ' (not published)'}`),
      ...(status.failover ? [`failover: ${status.failover.from} lost at ${status.failover.lostAt}; predicted ${status.failover.predicted || 'no node'}, now on ${status.node || 'no node'}`] : []),
      `container: ${status.container}`,
    ].join('\n');
  }
}

export class GroupItem extends vscode.TreeItem {
  readonly kind = 'waiting';
  constructor(
    readonly cluster: string,
    readonly tasks: readonly TaskStatus[],
  ) {
    super('waiting for a node', vscode.TreeItemCollapsibleState.Expanded);
    this.id = `waiting:${cluster}`;
    this.description = `${tasks.length}`;
    this.iconPath = new vscode.ThemeIcon('watch');
    this.tooltip = 'Tasks without a node: the controller places them when capacity returns.';
  }
}

export class MessageItem extends vscode.TreeItem {
  readonly kind = 'message';
  constructor(message: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('warning');
    this.tooltip = message;
    this.command = { command: 'berth.refreshCluster', title: 'Refresh' };
  }
}

export type ClusterTreeItem = ClusterItem | NodeItem | TaskItem | GroupItem | MessageItem;

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterTreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeItem | undefined>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly session: ClusterSession) {
    this.subscription = session.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(item: ClusterTreeItem): ClusterTreeItem {
    return item;
  }

  getChildren(item?: ClusterTreeItem): ClusterTreeItem[] {
    const state = this.session.state;
    if (!item) {
      if (state.kind === 'unreachable') return [new MessageItem(state.message)];
      return state.kind === 'clusters' ? state.clusters.map((c) => new ClusterItem(c)) : [];
    }
    if (item instanceof ClusterItem) {
      const usage = this.session.usage(item.status.cluster);
      const nodes = item.status.nodes.map((n) => new NodeItem(item.status.cluster, n, usage?.nodes.get(n.name)));
      const waiting = item.status.tasks.filter((t) => t.node === '');
      return waiting.length > 0 ? [...nodes, new GroupItem(item.status.cluster, waiting)] : nodes;
    }
    if (item instanceof NodeItem) {
      const usage = this.session.usage(item.cluster);
      const cluster = this.clusterStatus(item.cluster);
      return (cluster?.tasks ?? []).filter((t) => t.node === item.status.name).map((t) => new TaskItem(item.cluster, t, usage?.containers.get(t.container)));
    }
    if (item instanceof GroupItem) return item.tasks.map((t) => new TaskItem(item.cluster, t, undefined));
    return [];
  }

  private clusterStatus(name: string): ClusterStatus | undefined {
    const state = this.session.state;
    return state.kind === 'clusters' ? state.clusters.find((c) => c.cluster === name) : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Creates the tree view; usage is sampled only while it is visible. */
export function registerClusterView(context: vscode.ExtensionContext, session: ClusterSession): ClusterTreeProvider {
  const provider = new ClusterTreeProvider(session);
  const view = vscode.window.createTreeView(CLUSTER_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(
    provider,
    view,
    view.onDidChangeVisibility((e) => session.setVisible(e.visible)),
  );
  if (view.visible) session.setVisible(true);
  return provider;
}

function cpus(milli: number): string {
  return String(Math.round(milli / 100) / 10);
}

function gib(mib: number): string {
  return String(Math.round((mib / 1024) * 10) / 10);
}

function usageText(u: Usage): string {
  return `CPU ${Math.round(u.cpuPercent)}% · ${Math.round(u.memory / 1024 / 1024)} MiB`;
}

/** "cpus 2/3 · mem 4/6 GiB · CPU 12% · 300 MiB": allocated/capacity, then live usage when sampled. */
export function nodeDescription(n: NodeStatus, usage: Usage | undefined): string {
  const parts = [`cpus ${cpus(n.allocated.cpus)}/${cpus(n.capacity.cpus)}`, `mem ${gib(n.allocated.mem)}/${gib(n.capacity.mem)} GiB`];
  if (usage) parts.push(usageText(usage));
  return parts.join(' · ');
}

function nodeTooltip(n: NodeStatus, usage: Usage | undefined): string {
  const c = n.capacity;
  const a = n.allocated;
  return [
    `${n.name} (${n.container}): ${n.state}`,
    `capacity:  ${cpus(c.cpus)} cpus, ${gib(c.mem)} GiB memory, ${gib(c.disk)} GiB disk${c.gpus ? `, ${c.gpus} gpus` : ''}`,
    `allocated: ${cpus(a.cpus)} cpus, ${gib(a.mem)} GiB memory, ${gib(a.disk)} GiB disk${a.gpus ? `, ${a.gpus} gpus` : ''}`,
    usage ? `live:      CPU ${Math.round(usage.cpuPercent)}% of one core, ${Math.round(usage.memory / 1024 / 1024)} MiB memory` : 'live:      sampled while this view is visible',
    ...(n.note ? [n.note] : []),
  ].join('\n');
}

function taskIcon(t: TaskStatus): vscode.ThemeIcon {
  switch (t.state) {
    case 'running':
      return t.health === 'unhealthy' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'waiting':
      return new vscode.ThemeIcon('watch');
    case 'created':
    case 'restarting':
      return new vscode.ThemeIcon('sync~spin');
    case 'lost':
    case 'dead':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    default:
      return new vscode.ThemeIcon('circle-slash');
  }
}
