/** A snapshot of a cluster as Docker has it: nodes (state, capacity, allocated, usage) and tasks. */
import type Docker from 'dockerode';
import type { Resources } from '../../server/engine/model';
import { hostCpus } from './docker';
import type { FailoverRecord } from './labels';
import { createStatsReader, type Usage } from './stats';
import { readCluster, type ContainerState } from './state';

export interface NodeStatus {
  readonly name: string;
  readonly container: string;
  readonly state: ContainerState;
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
  readonly state: ContainerState | 'waiting' | 'lost';
  readonly restarts: number;
  readonly health?: string;
  readonly resources: Resources;
  /** `127.0.0.1:hostport` for each of the task's ports published by its node (`port` inside). */
  readonly addresses: readonly { readonly port: number; readonly address?: string }[];
  readonly usage?: Usage;
  readonly failover?: FailoverRecord;
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly hostCpus: number;
  readonly nodes: readonly NodeStatus[];
  readonly tasks: readonly TaskStatus[];
}

const ZERO: Resources = { cpus: 0, mem: 0, disk: 0, gpus: 0 };

function add(a: Resources, b: Resources): Resources {
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
  return { cluster, hostCpus: cores, nodes, tasks };
}
