/** A snapshot of a cluster as Docker has it: nodes (state, capacity, allocated, usage) and tasks. */
import type Docker from 'dockerode';
import type { EngineKind, Resources } from '../../server/engine/model';
import { hostCpus } from './docker';
import type { FailoverRecord } from './labels';
import { createStatsReader, type Usage } from './stats';
import { readCluster, type ContainerState } from './state';

/** A Swarm node: Ready and active shows as `running` (Berth places tasks there); else down, drained or paused. */
export type SwarmNodeState = 'down' | 'drained' | 'paused' | 'unknown' | 'disconnected';

export interface NodeStatus {
  readonly name: string;
  /** The node's container (local), or its Swarm hostname (swarm). */
  readonly container: string;
  readonly state: ContainerState | SwarmNodeState;
  /** Swarm only: Swarm's own state (ready, down, …) and availability (active, pause, drain). */
  readonly swarm?: { readonly state: string; readonly availability: string; readonly manager: boolean; readonly address: string };
  readonly capacity: Resources;
  /** Sum of the resources of the tasks running on it. */
  readonly allocated: Resources;
  readonly usage?: Usage;
  /** Set when the logical cpus exceed the host's cores: Docker limits are clamped. */
  readonly note?: string;
  readonly tasks: readonly string[];
}

export interface TaskStatus {
  /** `job/instance` */
  readonly id: string;
  readonly job: string;
  readonly task: string;
  readonly container: string;
  /** '' when waiting for a node. */
  readonly node: string;
  /** Local: the container's state; swarm: its Swarm task's (running, pending, starting, failed, …). Either: waiting, lost. */
  readonly state: ContainerState | 'waiting' | 'lost' | 'pending' | 'starting' | 'failed' | 'complete' | (string & {});
  readonly restarts: number;
  /** ISO time since when it is on this node (local: its container's creation; swarm: its Swarm task's state). */
  readonly since?: string;
  readonly health?: string;
  readonly resources: Resources;
  /** `127.0.0.1:hostport` for each of the task's ports published by its node (`port` inside). */
  readonly addresses: readonly { readonly port: number; readonly address?: string }[];
  readonly usage?: Usage;
  readonly failover?: FailoverRecord;
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly engine: EngineKind;
  /** Swarm: the manager's endpoint, usable as `docker -H`. */
  readonly manager?: string;
  /** Swarm: live usage could not be read (an existing swarm's node daemons are not reachable). */
  readonly usageNote?: string;
  readonly hostCpus: number;
  readonly nodes: readonly NodeStatus[];
  readonly tasks: readonly TaskStatus[];
}

export const ZERO: Resources = { cpus: 0, mem: 0, disk: 0, gpus: 0 };

export function add(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus + b.cpus, mem: a.mem + b.mem, disk: a.disk + b.disk, gpus: a.gpus + b.gpus };
}

/** The cluster now; with `usage`, one stats sample per running container too. */
export async function clusterStatus(docker: Docker, cluster: string, options: { usage?: boolean } = {}): Promise<ClusterStatus> {
  const [live, cores] = await Promise.all([readCluster(docker, cluster), hostCpus(docker)]);
  const stats = options.usage ? await createStatsReader(docker, cluster).sample() : undefined;
  const nodeState = new Map(live.nodes.map((n) => [n.name, n.state]));
  const portsOf = new Map(live.nodes.map((n) => [n.name, n.ports]));
  const tasks: TaskStatus[] = live.tasks.map((t) => {
    const nodeRunning = nodeState.get(t.node) === 'running';
    const state = t.waiting ? 'waiting' : t.state === 'running' && !nodeRunning ? 'lost' : t.state;
    const published = portsOf.get(t.node);
    const usage = stats?.containers.get(t.container);
    return {
      id: t.taskId,
      job: t.job,
      task: t.instance,
      container: t.container,
      node: t.node,
      state,
      restarts: t.restarts,
      ...(t.waiting || !(t.createdAt > 0) ? {} : { since: new Date(t.createdAt).toISOString() }),
      ...(t.health ? { health: t.health } : {}),
      resources: t.record.instance.resources,
      addresses: t.ports.map((port) => {
        const h = published?.get(port);
        return h === undefined ? { port } : { port, address: `127.0.0.1:${h}` };
      }),
      ...(usage ? { usage } : {}),
      ...(t.failover ? { failover: t.failover } : {}),
    };
  });
  const nodes: NodeStatus[] = live.nodes.map((n) => {
    const mine = tasks.filter((t) => t.node === n.name && t.state === 'running');
    const capacity = n.record.node.resources;
    const usage = stats?.nodes.get(n.name);
    return {
      name: n.name,
      container: n.container,
      state: n.state,
      capacity,
      allocated: mine.reduce((a, t) => add(a, t.resources), ZERO),
      ...(usage ? { usage } : {}),
      ...(capacity.cpus / 1000 > cores ? { note: `${capacity.cpus / 1000} cpus is logical: Docker limits tasks to the host's ${cores} cores` } : {}),
      tasks: tasks.filter((t) => t.node === n.name).map((t) => t.id),
    };
  });
  return { cluster, engine: 'local', hostCpus: cores, nodes, tasks };
}
