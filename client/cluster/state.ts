/** The live cluster read from Docker labels: Docker is the only state. */
import type Docker from 'dockerode';
import type { AllocationInput, AllocationJob } from '../../server/engine/alloc';
import type { TaskInstance } from '../../server/engine/model';
import { call } from './docker';
import { LABEL, clusterFilter, isBerth, parseJson, parsePortMap, type FailoverRecord, type NodeRecord, type TaskRecord } from './labels';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface LiveNode {
  readonly name: string;
  readonly id: string;
  readonly container: string;
  readonly state: ContainerState;
  readonly record: NodeRecord;
  /** Container port → host port on 127.0.0.1. */
  readonly ports: ReadonlyMap<number, number>;
}

export interface LiveTask {
  /** TaskInstance.id: `job/instance`. */
  readonly taskId: string;
  readonly id: string;
  readonly container: string;
  readonly job: string;
  readonly instance: string;
  /** '' for a waiting task. */
  readonly node: string;
  readonly state: ContainerState;
  readonly waiting: boolean;
  readonly record: TaskRecord;
  readonly ports: readonly number[];
  readonly restarts: number;
  readonly failover?: FailoverRecord;
  /** Docker's health status when the task has a health check. */
  readonly health?: string;
  /** When the container was created (ms). */
  readonly createdAt: number;
  /** A waiting task: the node it was lost from. */
  readonly from?: string;
}

export interface LiveCluster {
  readonly name: string;
  readonly nodes: readonly LiveNode[];
  readonly tasks: readonly LiveTask[];
  readonly network?: string;
}

function nameOf(c: Docker.ContainerInfo): string {
  return (c.Names[0] ?? c.Id).replace(/^\//, '');
}

function healthOf(status: string): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  return m ? (m[1] === 'health: starting' ? 'starting' : m[1]) : undefined;
}

/** Reads every Berth container of the cluster (one list call). */
export async function readCluster(docker: Docker, cluster: string): Promise<LiveCluster> {
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: clusterFilter(cluster) }));
  const nodes: LiveNode[] = [];
  const tasks: LiveTask[] = [];
  for (const c of list) {
    const labels = c.Labels;
    if (!isBerth(labels, cluster)) continue;
    const role = labels[LABEL.role];
    const state = c.State as ContainerState;
    if (role === 'node') {
      const record = parseJson<NodeRecord>(labels[LABEL.spec]);
      if (!record) continue;
      nodes.push({ name: labels[LABEL.node] ?? record.node.name, id: c.Id, container: nameOf(c), state, record, ports: parsePortMap(labels[LABEL.ports]) });
    } else if (role === 'task') {
      const record = parseJson<TaskRecord>(labels[LABEL.spec]);
      if (!record) continue;
      const failover = parseJson<FailoverRecord>(labels[LABEL.failover]);
      const health = healthOf(c.Status);
      tasks.push({
        taskId: record.instance.id,
        id: c.Id,
        container: nameOf(c),
        job: labels[LABEL.job] ?? record.instance.job,
        instance: labels[LABEL.task] ?? record.instance.name,
        node: labels[LABEL.node] ?? '',
        state,
        waiting: labels[LABEL.waiting] === 'true',
        record,
        ports: (labels[LABEL.ports] ?? '').split(',').filter((p) => p !== '').map(Number),
        restarts: Number(labels[LABEL.restarts] ?? '0') || 0,
        createdAt: c.Created * 1000,
        ...(labels[LABEL.from] ? { from: labels[LABEL.from] } : {}),
        ...(failover ? { failover } : {}),
        ...(health ? { health } : {}),
      });
    }
  }
  nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  tasks.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  return { name: cluster, nodes, tasks };
}

/** The names of Berth clusters present in Docker (for `berth status` without a name). */
export async function listClusters(docker: Docker): Promise<string[]> {
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=node`] } }));
  return [...new Set(list.map((c) => c.Labels[LABEL.cluster]).filter((x): x is string => typeof x === 'string'))].sort();
}

export function isUp(node: LiveNode | undefined): boolean {
  return node !== undefined && node.state === 'running';
}

/** Allocation jobs rebuilt from task records (instances in their job's order; jobs by name). */
export function jobsOf(records: readonly TaskRecord[]): AllocationJob[] {
  const byJob = new Map<string, TaskRecord[]>();
  for (const r of records) {
    const list = byJob.get(r.instance.job);
    if (list) list.push(r);
    else byJob.set(r.instance.job, [r]);
  }
  return [...byJob.keys()].sort().map((name) => {
    const rs = (byJob.get(name) ?? []).sort((a, b) => a.order - b.order);
    const first = rs[0];
    return { name, strategy: first?.strategy ?? 'binpack', preemption: first?.preemption ?? false, tasks: rs.map((r): TaskInstance => r.instance) };
  });
}

/** The allocation input of the live cluster: its nodes, the given task records, and which nodes are down. */
export function inputOf(live: LiveCluster, records: readonly TaskRecord[], current: ReadonlyMap<string, string>, down?: ReadonlySet<string>): AllocationInput {
  return {
    nodes: live.nodes.map((n) => n.record.node),
    jobs: jobsOf(records),
    current,
    down: down ?? new Set(live.nodes.filter((n) => !isUp(n)).map((n) => n.name)),
  };
}
