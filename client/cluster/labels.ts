/**
 * The names and labels contract (users script against it): node containers `<cluster>-<node>`,
 * task containers `<cluster>-<job>-<instance>`, the network `berth-<cluster>`. Every container
 * carries `berth.cluster`, `berth.role` and `berth.node`; task containers also `berth.job` and
 * `berth.task` (the instance name). `berth.spec` holds what the controller needs to place the
 * container again, so Docker is the only state.
 */
import type { ClusterNode, HealthCheck, RestartPolicy, Strategy, TaskInstance } from '../../server/engine/model';

export const LABEL = {
  cluster: 'berth.cluster',
  role: 'berth.role',
  node: 'berth.node',
  job: 'berth.job',
  task: 'berth.task',
  spec: 'berth.spec',
  /** Node: published ports, `containerPort:hostPort,...`. Task: its assigned node ports. */
  ports: 'berth.ports',
  restarts: 'berth.restarts',
  /** A task created without a node (waiting for capacity). */
  waiting: 'berth.waiting',
  /** Replacement after a node loss: JSON FailoverRecord. */
  failover: 'berth.failover',
  holder: 'berth.holder',
  /** A waiting task: the node it last ran on (it waits because that node was lost). */
  from: 'berth.from',
} as const;

export type Role = 'node' | 'task' | 'lease';

export function nodeContainerName(cluster: string, node: string): string {
  return `${cluster}-${node}`;
}
export function taskContainerName(cluster: string, job: string, instance: string): string {
  return `${cluster}-${job}-${instance}`;
}
export function networkName(cluster: string): string {
  return `berth-${cluster}`;
}
export function leaseContainerName(cluster: string): string {
  return `${cluster}-berth-controller`;
}

/** What a node container remembers of its spec. */
export interface NodeRecord {
  readonly node: ClusterNode;
  readonly image: string;
}

/** What a task container remembers: enough to create it again on another node. */
export interface TaskRecord {
  readonly instance: TaskInstance;
  /** Position of the instance in its job (expandInstances order). */
  readonly order: number;
  readonly strategy: Strategy;
  readonly preemption: boolean;
  readonly image: string;
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly healthCheck?: HealthCheck;
  readonly restart: RestartPolicy;
}

export interface FailoverRecord {
  /** The lost node. */
  readonly from: string;
  /** ISO time the node was seen lost. */
  readonly lostAt: string;
  /** Where the allocator's scenario for losing `from` put this task. */
  readonly predicted: string;
}

export function clusterFilter(cluster: string, role?: Role): { label: string[] } {
  return { label: [`${LABEL.cluster}=${cluster}`, ...(role ? [`${LABEL.role}=${role}`] : [])] };
}

/** Is this label set Berth's? (only such containers are ever touched) */
export function isBerth(labels: Readonly<Record<string, string>> | undefined, cluster?: string): boolean {
  if (!labels) return false;
  const c = labels[LABEL.cluster];
  return c !== undefined && (cluster === undefined || c === cluster) && labels[LABEL.role] !== undefined;
}

export function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** `31000:41000,31001:41001` ↔ pairs. */
export function formatPortMap(map: ReadonlyMap<number, number>): string {
  return [...map].map(([c, h]) => `${c}:${h}`).join(',');
}
export function parsePortMap(text: string | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const part of (text ?? '').split(',')) {
    const [c, h] = part.split(':').map(Number);
    if (c !== undefined && h !== undefined && Number.isInteger(c) && Number.isInteger(h)) out.set(c, h);
  }
  return out;
}

/** A stable fingerprint of a task record: deploy keeps a running container whose spec is unchanged. */
export function specKey(r: TaskRecord): string {
  const { instance, ...rest } = r;
  const { constraints, ...inst } = instance;
  return JSON.stringify({ ...rest, instance: inst, constraints: constraints.map((c) => [c.field, c.operator, c.value]) });
}
