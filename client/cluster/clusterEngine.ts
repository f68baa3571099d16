/**
 * The engine boundary (SPEC.md §6, §6b): what deploy, the controller, status, logs, stop/start
 * node, down and the tree ask of an engine. Two implement it: the local containers (engine.ts)
 * and a Docker Swarm (swarm/swarmEngine.ts).
 */
import type { Writable } from 'node:stream';
import type { AllocationInput } from '../../server/engine/alloc';
import type { ClusterSpec, EngineKind, JobSpec } from '../../server/engine/model';
import type { Controller, ControllerOptions } from './controller';
import type { DeployOptions, DeployResult } from './deploy';
import type { DownOptions } from './down';
import type { DeployDiff } from './deployPlan';
import type { FoundTask, LogsOptions } from './logs';
import type { ClusterStatus } from './status';
import type { ClusterChange, ClusterWatch } from './watch';

export interface NodeChange {
  readonly cluster: string;
  readonly node: string;
  /** What was acted on: the node container, or the Swarm node's hostname. */
  readonly target: string;
  readonly change: 'stopped' | 'started' | 'cut off' | 'joined' | 'drained' | 'activated';
  /** It was so already. */
  readonly already: boolean;
}

export interface EngineDown {
  readonly engine: EngineKind;
  /** What was removed, in words (`3 containers`, `4 network namespaces`). */
  readonly removed: readonly string[];
}

export interface ClusterEngine {
  readonly kind: EngineKind;
  /** Where it runs, for messages: the Docker endpoint, or the swarm manager's. */
  readonly where: string;
  /** The cluster a Swarm engine holds (a local engine holds any number). */
  readonly cluster?: string;
  status(cluster: string, options?: { usage?: boolean }): Promise<ClusterStatus>;
  /** The allocation input of the live cluster: its nodes, every task's record, the running placements, the nodes down. */
  liveInput(cluster: string): Promise<AllocationInput>;
  deploy(cluster: ClusterSpec, job: JobSpec, options?: DeployOptions): Promise<DeployResult>;
  /** What `deploy` would do now, changing nothing (`berth diff`, the Deploy lens). */
  diff(cluster: ClusterSpec, job: JobSpec, options?: { readonly image?: string }): Promise<DeployDiff>;
  startController(cluster: string, options?: ControllerOptions): Controller;
  /** The holder of the cluster's controller lease (a controller acting on it somewhere), or undefined when none runs. */
  controllerHolder(cluster: string): Promise<string | undefined>;
  /** A simulated machine failure: the local engine stops the node container; a test swarm cuts the node's link; an existing swarm drains it. */
  stopNode(cluster: string, node: string): Promise<NodeChange>;
  startNode(cluster: string, node: string): Promise<NodeChange>;
  /** The node's cluster (any of this engine's, when `cluster` is not given): `cluster/not-found`, `cluster/ambiguous`. */
  findNode(node: string, cluster?: string): Promise<{ readonly cluster: string; readonly node: string }>;
  findTask(task: string, cluster?: string): Promise<FoundTask>;
  streamLogs(found: FoundTask, out: Writable, err: Writable, options?: LogsOptions): Promise<void>;
  /** `signal`: stops between steps (cluster/cancelled); a later down removes the rest. */
  down(cluster: string, options?: DownOptions): Promise<EngineDown>;
  watch(cluster: string, onChange: (c: ClusterChange) => void, retryMs?: number): ClusterWatch;
}
