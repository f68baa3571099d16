/**
 * The extension's live view of the local Docker clusters: which clusters exist, their status
 * (nodes, tasks) re-read on Docker events, live usage while the tree is visible, and the failover
 * controller of every cluster this window brought up or deployed. Docker is the only state: this
 * class keeps the last reading and says when it changed. The Docker layer (client/cluster) does
 * the work; nothing here talks to vscode except through `onDidChange` / `onFailover` listeners.
 */
import * as vscode from 'vscode';
import {
  createDocker,
  endpointOf,
  engineOfNow,
  isClusterError,
  listAllClusters,
  startStatsSampler,
  type ClusterEngine,
  type ClusterStatus,
  type ClusterWatch,
  type Controller,
  type ControllerEvent,
  type StatsSampler,
  type StatsSnapshot,
} from '../../cluster/index';
import { readClusterSettings } from '../settings';

export type Docker = ReturnType<typeof createDocker>;

/** What the tree shows: clusters, or one message when Docker cannot be reached. */
export type SessionState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'clusters'; readonly clusters: readonly ClusterStatus[] };

export interface FailoverNotice {
  readonly cluster: string;
  readonly task: string;
  readonly from: string;
  readonly predicted: string;
  readonly actual: string;
}

export class ClusterSession implements vscode.Disposable {
  private docker: Docker | undefined;
  private endpoint = '';
  private current: SessionState = { kind: 'loading' };
  private readonly watches = new Map<string, ClusterWatch>();
  private readonly samplers = new Map<string, StatsSampler>();
  private readonly stats = new Map<string, StatsSnapshot>();
  private readonly controllers = new Map<string, Controller>();
  /** The engine of each cluster seen (its Swarm record's, else the local engine at the configured endpoint). */
  private readonly engines = new Map<string, { readonly where: string; readonly engine: ClusterEngine }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly failedOver = new vscode.EventEmitter<FailoverNotice>();
  private readonly failovers: FailoverNotice[] = [];
  private visible = false;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private debounce: NodeJS.Timeout | undefined;
  private listTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  readonly onDidChange = this.changed.event;
  readonly onFailover = this.failedOver.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get state(): SessionState {
    return this.current;
  }

  /** The failovers this window's controllers performed, oldest first. */
  failoverLog(): readonly FailoverNotice[] {
    return this.failovers;
  }

  /** Usage of a cluster's containers from the latest stats sample (while the view is visible). */
  usage(cluster: string): StatsSnapshot | undefined {
    return this.stats.get(cluster);
  }

  /** The Docker client for the configured endpoint (created lazily, recreated when the setting changes). */
  client(): Docker {
    const endpoint = readClusterSettings().dockerHost;
    const where = endpointOf(endpoint ? { endpoint } : {});
    if (!this.docker || where !== this.endpoint) {
      this.docker = createDocker(endpoint ? { endpoint } : {});
      this.endpoint = where;
    }
    return this.docker;
  }

  where(): string {
    this.client();
    return this.endpoint;
  }

  /** The engine that holds a cluster: found from its state, so the tree and commands need no engine setting. */
  engine(cluster: string): ClusterEngine {
    const endpoint = readClusterSettings().dockerHost;
    const engine = engineOfNow(cluster, endpoint ? { endpoint } : {});
    const known = this.engines.get(cluster);
    if (known && known.where === engine.where) return known.engine;
    this.engines.set(cluster, { where: engine.where, engine });
    return engine;
  }

  /** Re-reads every cluster now (or right after the refresh in progress). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.read().finally(() => {
      this.refreshing = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /** A refresh soon: events come in bursts (a node and its tasks die together). */
  private soon(): void {
    if (this.debounce || this.disposed) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, 100);
  }

  private async read(): Promise<void> {
    if (this.disposed) return;
    // Untrusted: no Docker at all (berth.docker.host is a restricted setting); the welcome view shows.
    if (!vscode.workspace.isTrusted) return this.set({ kind: 'clusters', clusters: [] });
    let docker: Docker;
    try {
      docker = this.client();
      const all = await this.listAll(docker);
      const names = all.map((c) => c.name);
      // A swarm cluster's usage is read with its status (while the tree is visible); a local one's by the samplers.
      const clusters = await Promise.all(all.map((c) => this.engine(c.name).status(c.name, { usage: c.engine === 'swarm' && this.visible })));
      this.syncWatches(
        docker,
        names,
        all.filter((c) => c.engine === 'local').map((c) => c.name),
      );
      this.set({ kind: 'clusters', clusters });
    } catch (err) {
      if (isClusterError(err, 'docker/unreachable')) {
        const message = `Docker is not reachable at ${this.endpoint}: start Docker or set berth.docker.host`;
        // Said once: the log line and the tree item appear when the state changes, not on every refresh.
        if (this.current.kind !== 'unreachable') this.log.warn(`${message} (${err.message})`);
        this.stopLive();
        this.set({ kind: 'unreachable', message });
        return;
      }
      // Not a lost engine: a Docker answer we did not expect. Shown in the log; the tree keeps its last reading.
      this.log.error(`Reading the cluster state failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  private set(state: SessionState): void {
    this.current = state;
    this.changed.fire();
  }

  /** The clusters of the local engine and the Swarm ones; a local engine that is not there hides only its own. */
  private async listAll(docker: Docker): Promise<{ readonly name: string; readonly engine: 'local' | 'swarm' }[]> {
    try {
      return await listAllClusters(docker);
    } catch (err) {
      const swarm = await listAllClusters(undefined);
      if (swarm.length === 0 || !isClusterError(err, 'docker/unreachable')) throw err;
      return swarm;
    }
  }

  /** One event subscription per cluster present; samplers for the local ones too while the view is visible. */
  private syncWatches(docker: Docker, names: readonly string[], local: readonly string[]): void {
    const wanted = new Set(names);
    for (const [name, w] of this.watches) {
      if (wanted.has(name)) continue;
      w.dispose();
      this.watches.delete(name);
    }
    for (const name of names) {
      if (this.watches.has(name)) continue;
      this.watches.set(
        name,
        this.engine(name).watch(name, (change) => {
          if (change.kind === 'connection' && !change.connected) this.log.warn(`Lost the Docker event stream of cluster ${name}: ${change.message ?? 'ended'}; reconnecting`);
          this.soon();
        }),
      );
    }
    this.syncSamplers(docker, this.visible ? local : []);
  }

  private syncSamplers(docker: Docker, names: readonly string[]): void {
    const wanted = new Set(names);
    for (const [name, s] of this.samplers) {
      if (wanted.has(name)) continue;
      s.stop();
      this.samplers.delete(name);
      this.stats.delete(name);
    }
    const interval = readClusterSettings().refreshIntervalMs;
    for (const name of names) {
      if (this.samplers.has(name)) continue;
      this.samplers.set(
        name,
        startStatsSampler(
          docker,
          name,
          interval,
          (snapshot) => {
            this.stats.set(name, snapshot);
            this.changed.fire();
          },
          (err) => this.log.warn(`Live usage of cluster ${name}: ${err instanceof Error ? err.message : String(err)}`),
        ),
      );
    }
  }

  /** Stats are sampled only while the tree is visible: a hidden view costs the daemon nothing. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (this.listTimer) clearInterval(this.listTimer);
    this.listTimer = undefined;
    if (!visible) {
      for (const s of this.samplers.values()) s.stop();
      this.samplers.clear();
      this.stats.clear();
      return;
    }
    // While visible, clusters created or removed elsewhere (the CLI) show within one refresh interval:
    // one list call per interval, a full re-read only when the set of clusters changed.
    this.listTimer = setInterval(() => void this.poll(), readClusterSettings().refreshIntervalMs);
    void this.refresh();
  }

  private async poll(): Promise<void> {
    if (this.current.kind !== 'clusters' || this.refreshing) return void this.refresh();
    let names: string[];
    try {
      names = (await this.listAll(this.client())).map((c) => c.name);
    } catch {
      // The engine went away (or answered oddly): the full refresh says which, once.
      return this.refresh();
    }
    const known = this.current.kind === 'clusters' ? this.current.clusters.map((c) => c.cluster) : [];
    if (names.join('\n') !== known.join('\n')) await this.refresh();
  }

  private stopLive(): void {
    for (const w of this.watches.values()) w.dispose();
    this.watches.clear();
    for (const s of this.samplers.values()) s.stop();
    this.samplers.clear();
    this.stats.clear();
  }

  /** Runs the failover controller for a cluster while the window is open (a lease keeps a second one passive). */
  control(cluster: string): void {
    if (this.controllers.has(cluster) || this.disposed) return;
    const controller = this.engine(cluster).startController(cluster, { onEvent: (e) => this.onControllerEvent(cluster, e) });
    this.controllers.set(cluster, controller);
    this.log.info(`Failover controller for cluster ${cluster} started (${controller.id})`);
  }

  /** Resolves after this window's controller of the cluster has made its first pass (took the lease, or found it held). */
  async controlled(cluster: string): Promise<void> {
    await this.controllers.get(cluster)?.settled();
  }

  controlling(cluster: string): boolean {
    return this.controllers.has(cluster);
  }

  /** Stops the cluster's controller (before `down`, so it does not re-create what is being removed). */
  async release(cluster: string): Promise<void> {
    const c = this.controllers.get(cluster);
    if (!c) return;
    this.controllers.delete(cluster);
    await c.stop();
    this.log.info(`Failover controller for cluster ${cluster} stopped`);
  }

  private onControllerEvent(cluster: string, e: ControllerEvent): void {
    switch (e.kind) {
      case 'failover':
        this.log.info(`[${cluster}] ${e.from} lost: ${e.task} → ${e.actual} (predicted ${e.predicted || 'no node'})`);
        this.failovers.push({ cluster, task: e.task, from: e.from, predicted: e.predicted, actual: e.actual });
        this.failedOver.fire({ cluster, task: e.task, from: e.from, predicted: e.predicted, actual: e.actual });
        break;
      case 'lease':
        this.log.info(`[${cluster}] controller ${e.active ? 'is active' : `is passive (${e.holder} holds the lease)`}`);
        break;
      case 'connection':
        if (!e.connected) this.log.warn(`[${cluster}] controller lost Docker: ${e.message ?? ''}`);
        else this.log.info(`[${cluster}] controller reconnected to Docker`);
        break;
      case 'node':
        this.log.info(`[${cluster}] node ${e.node} ${e.up ? 'up' : 'down'}`);
        break;
      case 'task':
        this.log.info(`[${cluster}] task ${e.task} ${e.action}${e.node ? ` on ${e.node}` : ''}${e.message ? `: ${e.message}` : ''}`);
        break;
      case 'error':
        this.log.error(`[${cluster}] controller: ${e.message}`);
        break;
    }
    this.soon();
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.listTimer) clearInterval(this.listTimer);
    this.stopLive();
    for (const c of this.controllers.values()) void c.stop();
    this.controllers.clear();
    this.changed.dispose();
    this.failedOver.dispose();
  }
}
