/** A Berth cluster on a swarm as its manager has it: nodes (Swarm's view) and task services. */
import type Docker from 'dockerode';
import type { AllocationInput } from '../../../server/engine/alloc';
import { call } from '../docker';
import { LABEL, clusterFilter, isBerth, parseJson, type FailoverRecord, type NodeRecord, type TaskRecord } from '../labels';
import { jobsOf } from '../state';
import { listSwarmNodes, type SwarmNodeInfo } from './nodeLabels';
import type { NodeScale } from './services';

export interface SwarmLiveNode {
  readonly name: string;
  readonly id: string;
  readonly hostname: string;
  readonly record: NodeRecord;
  /** Swarm's node state: ready, down, unknown, disconnected. */
  readonly state: string;
  /** active, pause or drain. */
  readonly availability: string;
  /** Ready and active: Berth places tasks on it. */
  readonly up: boolean;
  readonly address: string;
  readonly manager: boolean;
  readonly scale: NodeScale;
}

export interface SwarmService {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly CreatedAt?: string;
  readonly Spec: { readonly Name: string; readonly Labels?: Record<string, string>; readonly [key: string]: unknown };
}

interface SwarmTask {
  readonly ServiceID: string;
  readonly NodeID?: string;
  readonly DesiredState?: string;
  readonly CreatedAt?: string;
  readonly Status?: { readonly State?: string; readonly Timestamp?: string; readonly Err?: string };
}

export interface SwarmLiveTask {
  /** `job/instance` */
  readonly taskId: string;
  readonly service: SwarmService;
  readonly job: string;
  readonly instance: string;
  /** The node it is pinned to; '' while it waits for one. */
  readonly node: string;
  readonly waiting: boolean;
  readonly record: TaskRecord;
  readonly ports: readonly number[];
  readonly restarts: number;
  readonly failover?: FailoverRecord;
  readonly from?: string;
  /** The state of its current Swarm task (running, pending, starting, failed, complete…); 'waiting' when none is wanted. */
  readonly state: string;
  /** Its current Swarm task runs on the node it is pinned to. */
  readonly running: boolean;
  readonly since?: string;
  readonly message?: string;
}

export interface SwarmLive {
  readonly cluster: string;
  readonly nodes: readonly SwarmLiveNode[];
  readonly tasks: readonly SwarmLiveTask[];
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function liveNodeOf(n: SwarmNodeInfo, cluster: string): SwarmLiveNode | undefined {
  const labels = n.Spec.Labels ?? {};
  if (labels[LABEL.cluster] !== cluster) return undefined;
  const record = parseJson<NodeRecord>(labels[LABEL.spec]);
  const name = labels[LABEL.node];
  if (!record || !name) return undefined;
  const state = n.Status?.State ?? 'unknown';
  const availability = n.Spec.Availability;
  return {
    name,
    id: n.ID,
    hostname: n.Description?.Hostname ?? '',
    record,
    state,
    availability,
    up: state === 'ready' && availability === 'active',
    address: n.Status?.Addr ?? '',
    manager: n.ManagerStatus !== undefined,
    scale: { nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0, memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0, cpus: record.node.resources.cpus, mem: record.node.resources.mem },
  };
}

/** The services of a cluster (task services only, or every Berth service of it with `all`). */
export async function listClusterServices(docker: Docker, cluster: string, all = false): Promise<SwarmService[]> {
  const list = (await call('listing services', () => docker.listServices({ filters: clusterFilter(cluster, all ? undefined : 'task') }))) as unknown as SwarmService[];
  return list.filter((s) => isBerth(s.Spec.Labels, cluster));
}

/** The latest task of each service that Swarm wants running (or the latest at all). */
function currentTasks(tasks: readonly SwarmTask[]): Map<string, SwarmTask> {
  const out = new Map<string, SwarmTask>();
  const rank = (t: SwarmTask): number => (t.DesiredState === 'running' ? 1 : 0);
  for (const t of tasks) {
    const seen = out.get(t.ServiceID);
    if (!seen || rank(t) > rank(seen) || (rank(t) === rank(seen) && (t.CreatedAt ?? '') > (seen.CreatedAt ?? ''))) out.set(t.ServiceID, t);
  }
  return out;
}

export async function readSwarm(docker: Docker, cluster: string): Promise<SwarmLive> {
  const [nodeList, services] = await Promise.all([listSwarmNodes(docker), listClusterServices(docker, cluster)]);
  const nodes = nodeList.map((n) => liveNodeOf(n, cluster)).filter((n): n is SwarmLiveNode => n !== undefined).sort(byName);
  const ids = services.map((s) => s.ID);
  const tasks = ids.length === 0 ? [] : ((await call('listing service tasks', () => docker.listTasks({ filters: { service: ids } }))) as SwarmTask[]);
  const current = currentTasks(tasks);
  const nodeById = new Map(nodes.map((n) => [n.id, n.name]));
  const out: SwarmLiveTask[] = [];
  for (const s of services) {
    const labels = s.Spec.Labels ?? {};
    const record = parseJson<TaskRecord>(labels[LABEL.spec]);
    if (!record) continue;
    const waiting = labels[LABEL.waiting] === 'true';
    const node = waiting ? '' : (labels[LABEL.node] ?? '');
    const t = current.get(s.ID);
    const state = waiting ? 'waiting' : (t?.Status?.State ?? 'pending');
    const failover = parseJson<FailoverRecord>(labels[LABEL.failover]);
    out.push({
      taskId: record.instance.id,
      service: s,
      job: labels[LABEL.job] ?? record.instance.job,
      instance: labels[LABEL.task] ?? record.instance.name,
      node,
      waiting,
      record,
      ports: (labels[LABEL.ports] ?? '').split(',').filter((p) => p !== '').map(Number),
      restarts: Number(labels[LABEL.restarts] ?? '0') || 0,
      state,
      running: !waiting && t?.DesiredState === 'running' && t.Status?.State === 'running' && t.NodeID !== undefined && nodeById.get(t.NodeID) === node,
      ...(t?.Status?.Timestamp ? { since: t.Status.Timestamp } : {}),
      ...(t?.Status?.Err ? { message: t.Status.Err } : {}),
      ...(labels[LABEL.from] ? { from: labels[LABEL.from] } : {}),
      ...(failover ? { failover } : {}),
    });
  }
  out.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  return { cluster, nodes, tasks: out };
}

/** The allocation input of the live swarm cluster. */
export function swarmInputOf(live: SwarmLive, records: readonly TaskRecord[], current: ReadonlyMap<string, string>, down?: ReadonlySet<string>): AllocationInput {
  return {
    nodes: live.nodes.map((n) => n.record.node),
    jobs: jobsOf(records),
    current,
    down: down ?? new Set(live.nodes.filter((n) => !n.up).map((n) => n.name)),
  };
}
