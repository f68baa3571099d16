/** Task containers: created joined to their node's PID and network namespaces, with limits, env, argv and health check. */
import type Docker from 'dockerode';
import { call, wrap } from './docker';
import { ClusterError, statusOf } from './errors';
import { LABEL, isBerth, nodeContainerName, taskContainerName, type FailoverRecord, type TaskRecord } from './labels';

export interface TaskPlacement {
  readonly cluster: string;
  readonly record: TaskRecord;
  /** '' creates a waiting task: a container that is never started, remembering the task. */
  readonly node: string;
  readonly ports: readonly number[];
  readonly restarts: number;
  readonly failover?: FailoverRecord;
  /** For a waiting task: the node it was lost from. */
  readonly from?: string;
}

const MS = 1_000_000;

/** The labels of a task, on its container (local) or its service (swarm): where it is placed, its record, ports, restarts, failover. */
export function taskLabels(p: TaskPlacement): Record<string, string> {
  const { record } = p;
  return {
    [LABEL.cluster]: p.cluster,
    [LABEL.role]: 'task',
    [LABEL.node]: p.node,
    [LABEL.job]: record.instance.job,
    [LABEL.task]: record.instance.name,
    [LABEL.spec]: JSON.stringify(record),
    [LABEL.ports]: p.ports.join(','),
    [LABEL.restarts]: String(p.restarts),
    ...(p.node === '' ? { [LABEL.waiting]: 'true' } : {}),
    ...(p.failover ? { [LABEL.failover]: JSON.stringify(p.failover) } : {}),
    ...(p.from ? { [LABEL.from]: p.from } : {}),
  };
}

/** Env given to every task: the spec's, plus where it runs and its ports (PORT0, PORT1, ...). */
export function envOf(p: Pick<TaskPlacement, 'cluster' | 'record' | 'node' | 'ports'>): string[] {
  const env: Record<string, string> = { ...p.record.env, BERTH_CLUSTER: p.cluster, BERTH_JOB: p.record.instance.job, BERTH_TASK: p.record.instance.name, BERTH_NODE: p.node };
  p.ports.forEach((port, i) => (env[`PORT${i}`] = String(port)));
  if (p.ports.length > 0) env['BERTH_PORTS'] = p.ports.join(',');
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** Docker limits from logical resources: cpus clamped to the host's cores (Docker refuses more). */
export function limitsOf(record: TaskRecord, hostCpus: number): { NanoCpus?: number; Memory?: number } {
  const cpus = Math.min(record.instance.resources.cpus / 1000, hostCpus);
  const mem = record.instance.resources.mem;
  return { ...(cpus > 0 ? { NanoCpus: Math.round(cpus * 1e9) } : {}), ...(mem >= 6 ? { Memory: mem * 1024 * 1024 } : {}) };
}

/** The task's health check as Docker takes it (durations in ns), for containers and services alike. */
export function healthcheckOf(record: TaskRecord): { Test: string[]; Interval: number; Timeout: number; Retries: number; StartPeriod: number } | undefined {
  const hc = record.healthCheck;
  if (!hc) return undefined;
  return { Test: ['CMD', ...hc.command], Interval: Math.max(hc.interval, 1) * MS, Timeout: Math.max(hc.timeout, 1) * MS, Retries: hc.retries, StartPeriod: hc.startPeriod * MS };
}

/** How long a started task may take to be ready: its health check's whole budget, plus slack. */
export function readyDeadlineOf(record: TaskRecord): number {
  const hc = record.healthCheck;
  if (!hc) return 10_000;
  return hc.startPeriod + (hc.interval + hc.timeout) * (hc.retries + 1) + 10_000;
}

/** Creates the task's container (not started). A clash with a foreign container is `cluster/name-clash`. */
export async function createTask(docker: Docker, p: TaskPlacement, hostCpus: number): Promise<Docker.Container> {
  const { record } = p;
  const name = taskContainerName(p.cluster, record.instance.job, record.instance.name);
  const labels = taskLabels(p);

  const node = nodeContainerName(p.cluster, p.node);
  const healthcheck = healthcheckOf(record);
  const options: Docker.ContainerCreateOptions = {
    name,
    Image: record.image,
    ...(record.command ? { Cmd: [...record.command] } : {}),
    Env: envOf(p),
    Labels: labels,
    HostConfig:
      p.node === ''
        ? { NetworkMode: 'none', RestartPolicy: { Name: 'no' } }
        : { NetworkMode: `container:${node}`, PidMode: `container:${node}`, RestartPolicy: { Name: 'no' }, ...limitsOf(record, hostCpus) },
    ...(healthcheck && p.node !== '' ? { Healthcheck: healthcheck } : {}),
  };
  try {
    return await docker.createContainer(options);
  } catch (err) {
    if (statusOf(err) === 409) {
      let info: Docker.ContainerInspectInfo | undefined;
      try {
        info = await docker.getContainer(name).inspect();
      } catch (inspectErr) {
        if (statusOf(inspectErr) !== 404) throw wrap(`inspecting ${name}`, inspectErr);
      }
      if (info && !isBerth(info.Config.Labels ?? undefined, p.cluster)) {
        throw new ClusterError('cluster/name-clash', `a container named ${name} exists and is not Berth's: Berth leaves it untouched; remove or rename it, or choose another cluster name`);
      }
    }
    throw wrap(`creating task ${name}`, err);
  }
}

/** Removes a container (Berth's, by id), ignoring one that is already gone. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    const s = statusOf(err);
    if (s === 404 || s === 409) return; // gone, or removal already in progress
    throw wrap(`removing container ${id.slice(0, 12)}`, err);
  }
}

/** Removes, by name, a Berth container of this cluster that would block a new one; a foreign one is a clash. */
export async function clearName(docker: Docker, cluster: string, name: string): Promise<void> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw wrap(`inspecting ${name}`, err);
  }
  if (!isBerth(info.Config.Labels ?? undefined, cluster)) throw new ClusterError('cluster/name-clash', `a container named ${name} exists and is not Berth's: Berth leaves it untouched; remove or rename it, or choose another cluster name`);
  await removeContainer(docker, info.Id);
}

/**
 * Waits until a started task is ready: running (and healthy when it has a health check). A task
 * that exited with 0 before that is done, which counts as ready.
 */
export async function waitReady(docker: Docker, id: string, record: TaskRecord, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + readyDeadlineOf(record);
  const name = record.instance.id;
  for (;;) {
    const info = await call(`inspecting task ${name}`, () => docker.getContainer(id).inspect());
    const s = info.State;
    if (!s.Running) {
      if (s.Status === 'exited' && s.ExitCode === 0) return;
      if (s.Status === 'exited' || s.Status === 'dead') throw new ClusterError('deploy/failed', `task ${name} exited with code ${s.ExitCode} before it was ready`);
    } else if (!record.healthCheck || s.Health?.Status === 'healthy') {
      return;
    } else if (s.Health?.Status === 'unhealthy') {
      throw new ClusterError('deploy/unhealthy', `task ${name} is unhealthy: its health check failed ${record.healthCheck.retries} times`);
    }
    if (Date.now() > end) throw new ClusterError('deploy/unhealthy', `task ${name} was not ${record.healthCheck ? 'healthy' : 'running'} within ${Math.round(readyDeadlineOf(record) / 1000)} s`);
    if (signal?.aborted) throw new ClusterError('deploy/failed', 'deploy cancelled');
    await new Promise((r) => setTimeout(r, record.healthCheck ? 200 : 50));
  }
}
