/**
 * A task instance as a Swarm service: replicas 1 (0 while it waits for a node), named
 * `<cluster>-<job>-<instance>`, labelled as a local task container is, its resources as
 * reservations and limits, pinned to the planned node by `node.labels.berth.node==<node>`, env,
 * argv, health check and restart policy mapped, ports published in host mode on that node.
 */
import { LABEL, taskContainerName, type FailoverRecord, type TaskRecord } from '../labels';
import { envOf, healthcheckOf, taskLabels } from '../tasks';

export interface ServicePlacement {
  readonly cluster: string;
  readonly record: TaskRecord;
  /** '' for a task waiting for a node (replicas 0). */
  readonly node: string;
  readonly ports: readonly number[];
  readonly restarts: number;
  readonly failover?: FailoverRecord;
  /** A waiting task: the node it was lost from. */
  readonly from?: string;
}

/** What a Swarm node really has, and the logical capacity the cluster file gives it. */
export interface NodeScale {
  /** Swarm's NanoCPUs and MemoryBytes of the node. */
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  /** The cluster file's capacity: millicpus and MiB. */
  readonly cpus: number;
  readonly mem: number;
}

export function serviceName(cluster: string, job: string, instance: string): string {
  return taskContainerName(cluster, job, instance);
}

export function pinOf(node: string): string {
  return `node.labels.${LABEL.node}==${node}`;
}

const RESTART = { never: 'none', 'on-failure': 'on-failure', always: 'any' } as const;
const MiB = 1024 * 1024;
const STOP_GRACE_NS = 1_000_000_000;

/**
 * Reservations and limits on a node. Swarm refuses a reservation above what a node reports, and a
 * local test swarm's nodes all report the one host; so where the file's logical capacity exceeds
 * the node's real one, reservations are scaled by real/logical (summed over the node they never
 * exceed it, as the allocator keeps the logical sum within the logical capacity) and limits clamped.
 */
export function resourcesOf(record: TaskRecord, scale: NodeScale | undefined): { Reservations: Record<string, unknown>; Limits: Record<string, unknown> } {
  const r = record.instance.resources;
  const nano = r.cpus * 1_000_000;
  const bytes = r.mem * MiB;
  const cpuFactor = scale && scale.cpus > 0 ? Math.min(1, scale.nanoCpus / (scale.cpus * 1_000_000)) : 1;
  const memFactor = scale && scale.mem > 0 ? Math.min(1, scale.memoryBytes / (scale.mem * MiB)) : 1;
  const gpus = r.gpus > 0 ? { GenericResources: [{ DiscreteResourceSpec: { Kind: 'gpu', Value: r.gpus } }] } : {};
  return {
    Reservations: { ...(nano > 0 ? { NanoCPUs: Math.floor(nano * cpuFactor) } : {}), ...(bytes > 0 ? { MemoryBytes: Math.floor(bytes * memFactor) } : {}), ...gpus },
    Limits: {
      ...(nano > 0 ? { NanoCPUs: Math.min(nano, scale?.nanoCpus ?? nano) } : {}),
      ...(r.mem >= 6 ? { MemoryBytes: Math.min(bytes, scale?.memoryBytes ?? bytes) } : {}),
    },
  };
}

/** The service spec (the body of a create or an update) for a placement. */
export function serviceSpec(p: ServicePlacement, scale: NodeScale | undefined): Record<string, unknown> {
  const { record } = p;
  const healthcheck = healthcheckOf(record);
  return {
    Name: serviceName(p.cluster, record.instance.job, record.instance.name),
    Labels: taskLabels(p),
    TaskTemplate: {
      ContainerSpec: {
        Image: record.image,
        // As `docker run IMAGE ARGS...`: the argv replaces the image's CMD, not its entrypoint.
        ...(record.command ? { Args: [...record.command] } : {}),
        Env: envOf(p),
        Labels: { [LABEL.cluster]: p.cluster, [LABEL.role]: 'task', [LABEL.job]: record.instance.job, [LABEL.task]: record.instance.name },
        ...(healthcheck ? { Healthcheck: healthcheck } : {}),
        // A task being moved or evicted gets 1 s after SIGTERM (the local engine kills at once): a
        // shell that ignores TERM would otherwise hold its reservation, and the node, for 10 s.
        StopGracePeriod: STOP_GRACE_NS,
      },
      Resources: resourcesOf(record, p.node === '' ? undefined : scale),
      RestartPolicy: { Condition: RESTART[record.restart], Delay: 500_000_000, MaxAttempts: 0 },
      Placement: { Constraints: p.node === '' ? [] : [pinOf(p.node)] },
      Networks: [{ Target: 'host' }],
    },
    Mode: { Replicated: { Replicas: p.node === '' ? 0 : 1 } },
    // A re-pin starts the new task before the old one is seen stopped: the old one is on a lost node,
    // and waiting for it would hold the move until Swarm gives up on that node.
    UpdateConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'continue', Monitor: 0 },
    EndpointSpec: { Ports: p.ports.map((port) => ({ Protocol: 'tcp', TargetPort: port, PublishedPort: port, PublishMode: 'host' })) },
  };
}
