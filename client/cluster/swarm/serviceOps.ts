/** Creating, updating and removing Berth's services, and waiting until a service's task runs where it is pinned. */
import type Docker from 'dockerode';
import { call, wrap } from '../docker';
import { ClusterError, statusOf } from '../errors';
import { isBerth, type TaskRecord } from '../labels';
import { readyDeadlineOf } from '../tasks';
import type { SwarmService } from './live';

/** Creates the service, or updates the existing one to `spec` (Swarm keeps its ID and history). */
export async function putService(docker: Docker, existing: SwarmService | undefined, spec: Record<string, unknown>): Promise<string> {
  const name = String(spec['Name']);
  if (existing) {
    await call(`updating service ${name}`, () => docker.getService(existing.ID).update({ _query: { version: existing.Version.Index }, ...spec }));
    return existing.ID;
  }
  const created = (await call(`creating service ${name}`, () => docker.createService(spec as unknown as Docker.CreateServiceOptions))) as unknown as { ID?: string; id?: string };
  return created.ID ?? created.id ?? name;
}

export async function removeService(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getService(id).remove();
  } catch (err) {
    if (statusOf(err) !== 404) throw wrap(`removing service ${id}`, err);
  }
}

/** The services with these exact names; one that is not this cluster's Berth service is a clash (nothing is changed). */
export async function servicesNamed(docker: Docker, cluster: string, names: readonly string[]): Promise<Map<string, SwarmService>> {
  const wanted = new Set(names);
  const list = (await call('listing services', () => docker.listServices())) as unknown as SwarmService[];
  const out = new Map<string, SwarmService>();
  const clashes: string[] = [];
  for (const s of list) {
    if (!wanted.has(s.Spec.Name)) continue;
    if (!isBerth(s.Spec.Labels, cluster)) clashes.push(s.Spec.Name);
    else out.set(s.Spec.Name, s);
  }
  if (clashes.length > 0) {
    throw new ClusterError('cluster/name-clash', `the swarm already has service${clashes.length === 1 ? '' : 's'} ${clashes.join(', ')} that ${clashes.length === 1 ? 'is' : 'are'} not Berth's for cluster ${cluster}: Berth leaves ${clashes.length === 1 ? 'it' : 'them'} untouched; remove or rename ${clashes.length === 1 ? 'it' : 'them'}, or choose another cluster name`);
  }
  return out;
}

/** Slack on top of the task's own readiness budget for Swarm's scheduling and the agent's start queue. */
const SWARM_START_MS = 30_000;

interface TaskView {
  readonly NodeID?: string;
  readonly DesiredState?: string;
  readonly CreatedAt?: string;
  readonly Status?: { readonly State?: string; readonly Err?: string; readonly ContainerStatus?: { readonly ExitCode?: number } };
}

/**
 * Waits until the service's task runs on `nodeId` (Swarm reports a task with a health check
 * running only once it is healthy). A task that completed with 0 is done, which counts as ready.
 */
export async function waitServiceRunning(docker: Docker, serviceId: string, nodeId: string, record: TaskRecord, signal?: AbortSignal): Promise<void> {
  // A swarm agent starts a node's tasks one after another: 20 at once took 7-10 s on a 2-core test swarm.
  const deadline = readyDeadlineOf(record) + SWARM_START_MS;
  const end = Date.now() + deadline;
  const name = record.instance.id;
  for (;;) {
    const tasks = (await call(`reading the tasks of ${name}`, () => docker.listTasks({ filters: { service: [serviceId] } }))) as TaskView[];
    const mine = tasks.filter((t) => t.NodeID === nodeId).sort((a, b) => ((a.CreatedAt ?? '') < (b.CreatedAt ?? '') ? 1 : -1));
    const latest = mine[0];
    const state = latest?.Status?.State;
    if (latest?.DesiredState === 'running' && state === 'running') return;
    if (state === 'complete' && (latest?.Status?.ContainerStatus?.ExitCode ?? 0) === 0) return;
    const err = latest?.Status?.Err ?? '';
    // A node without the image rejects the task again and again: say so now, not at the deadline.
    if (state === 'rejected' && /No such image|pull access denied|manifest unknown/i.test(err)) {
      throw new ClusterError('deploy/image-missing', `task ${name}: the node cannot get image ${record.image} (${err}): load it on every node (a test swarm loads what the host's engine has), or push it to a registry the swarm reaches`);
    }
    if (record.restart === 'never' && (state === 'failed' || state === 'rejected')) {
      throw new ClusterError('deploy/failed', `task ${name} ${state} before it was ready${latest?.Status?.Err ? `: ${latest.Status.Err}` : ''}`);
    }
    if (Date.now() > end) {
      const why = latest?.Status?.Err ? ` (${latest.Status.Err})` : state ? ` (its task is ${state})` : ' (Swarm has not scheduled it)';
      throw new ClusterError('deploy/unhealthy', `task ${name} was not ${record.healthCheck ? 'healthy' : 'running'} within ${Math.round(deadline / 1000)} s${why}`);
    }
    if (signal?.aborted) throw new ClusterError('deploy/failed', 'deploy cancelled');
    await new Promise((r) => setTimeout(r, 100));
  }
}
