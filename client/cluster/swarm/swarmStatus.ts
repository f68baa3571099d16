/** A swarm cluster now: nodes as Swarm reports them, tasks from their services; usage where node daemons can be read. */
import type Docker from 'dockerode';
import { LABEL } from '../labels';
import type { SwarmRecord } from '../registry';
import { add, ZERO, type ClusterStatus, type NodeStatus, type TaskStatus } from '../status';
import type { Usage } from '../stats';
import { readSwarm, type SwarmLive, type SwarmLiveNode } from './live';
import { dockerOf } from './testSwarmPaths';

function nodeState(n: SwarmLiveNode): NodeStatus['state'] {
  if (n.up) return 'running';
  if (n.state !== 'ready') return (n.state === 'down' || n.state === 'disconnected' ? n.state : 'unknown');
  return n.availability === 'drain' ? 'drained' : 'paused';
}

interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: { cache?: number; inactive_file?: number } };
}

/** Usage of the cluster's task containers on each test-swarm node daemon (by service name, and summed per node). */
async function sampleTestSwarm(record: Extract<SwarmRecord, { kind: 'test' }>, cluster: string): Promise<{ tasks: Map<string, Usage>; nodes: Map<string, Usage> }> {
  const tasks = new Map<string, Usage>();
  const nodes = new Map<string, Usage>();
  await Promise.all(
    record.nodes.map(async (n) => {
      const docker = dockerOf(n);
      let list: Docker.ContainerInfo[];
      try {
        list = await docker.listContainers({ filters: { label: [`${LABEL.cluster}=${cluster}`] } });
      } catch {
        return; // a daemon that does not answer has no usage to show
      }
      await Promise.all(
        list.map(async (c) => {
          let raw: RawStats;
          try {
            raw = (await docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as { stream: false }));
          } catch {
            return;
          }
          const cpu = (raw.cpu_stats?.cpu_usage?.total_usage ?? 0) - (raw.precpu_stats?.cpu_usage?.total_usage ?? 0);
          const system = (raw.cpu_stats?.system_cpu_usage ?? 0) - (raw.precpu_stats?.system_cpu_usage ?? 0);
          const mem = raw.memory_stats;
          const usage: Usage = {
            cpuPercent: system > 0 && cpu > 0 ? (cpu / system) * (raw.cpu_stats?.online_cpus ?? 1) * 100 : 0,
            memory: Math.max(0, (mem?.usage ?? 0) - (mem?.stats?.inactive_file ?? mem?.stats?.cache ?? 0)),
          };
          const service = c.Labels['com.docker.swarm.service.name'];
          if (service) tasks.set(service, usage);
          const sum = nodes.get(n.name) ?? { cpuPercent: 0, memory: 0 };
          nodes.set(n.name, { cpuPercent: sum.cpuPercent + usage.cpuPercent, memory: sum.memory + usage.memory });
        }),
      );
    }),
  );
  return { tasks, nodes };
}

export function statusOfSwarm(live: SwarmLive, record: SwarmRecord, usage?: { tasks: Map<string, Usage>; nodes: Map<string, Usage> }): ClusterStatus {
  const nodeOf = new Map(live.nodes.map((n) => [n.name, n]));
  const tasks: TaskStatus[] = live.tasks.map((t) => {
    const node = nodeOf.get(t.node);
    const state = t.waiting ? 'waiting' : node && !node.up ? 'lost' : t.state;
    const host = node?.address ?? '';
    const u = usage?.tasks.get(t.service.Spec.Name);
    return {
      id: t.taskId,
      job: t.job,
      task: t.instance,
      container: t.service.Spec.Name,
      node: t.node,
      state,
      restarts: t.restarts,
      ...(t.since ? { since: t.since } : {}),
      resources: t.record.instance.resources,
      // Published in host mode on the node: reachable at the node's address.
      addresses: t.ports.map((port) => (host ? { port, address: `${host}:${port}` } : { port })),
      ...(u ? { usage: u } : {}),
      ...(t.failover ? { failover: t.failover } : {}),
    };
  });
  const cores = Math.min(...live.nodes.map((n) => n.scale.nanoCpus / 1e9).filter((c) => c > 0), Infinity);
  const nodes: NodeStatus[] = live.nodes.map((n) => {
    const mine = tasks.filter((t) => t.node === n.name && t.state === 'running');
    const capacity = n.record.node.resources;
    const real = n.scale.nanoCpus / 1e9;
    const u = usage?.nodes.get(n.name);
    return {
      name: n.name,
      container: n.hostname,
      state: nodeState(n),
      swarm: { state: n.state, availability: n.availability, manager: n.manager, address: n.address },
      capacity,
      allocated: mine.reduce((a, t) => add(a, t.resources), ZERO),
      ...(u ? { usage: u } : {}),
      ...(real > 0 && capacity.cpus / 1000 > real ? { note: `${capacity.cpus / 1000} cpus is logical: the node has ${real}; reservations are scaled to fit` } : {}),
      tasks: tasks.filter((t) => t.node === n.name).map((t) => t.id),
    };
  });
  return {
    cluster: live.cluster,
    engine: 'swarm',
    manager: record.manager,
    ...(record.kind === 'existing' ? { usageNote: 'usage not available: the node daemons of an existing swarm are not read' } : {}),
    hostCpus: Number.isFinite(cores) ? cores : 0,
    nodes,
    tasks,
  };
}

export async function swarmStatus(manager: Docker, record: SwarmRecord, options: { usage?: boolean } = {}): Promise<ClusterStatus> {
  const live = await readSwarm(manager, record.cluster);
  const usage = options.usage && record.kind === 'test' ? await sampleTestSwarm(record, record.cluster) : undefined;
  return statusOfSwarm(live, record, usage);
}
