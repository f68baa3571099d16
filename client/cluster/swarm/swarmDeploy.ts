/**
 * Deploy on a swarm, with the local deploy's contract: place with the allocator against the live
 * cluster, then create or update one service per instance in dependency order (a level at a time,
 * in parallel within a level), waiting until each runs where it is pinned (and is healthy where it
 * has a check). Idempotent: unchanged running services are kept, changed ones updated. Names are
 * unique in a swarm, so a cut deploy leaves nothing a rerun duplicates; a failure removes the
 * services this deploy created.
 */
import type Docker from 'dockerode';
import type { ClusterSpec, JobSpec } from '../../../server/engine/model';
import { levelsOf, recordsOf, type DeployOptions, type DeployResult, type DeployedTask } from '../deploy';
import { ClusterError } from '../errors';
import type { TaskRecord } from '../labels';
import { planDeploy, type DeployDiff, type DeployPlan, type LiveTaskView } from '../deployPlan';
import { readSwarm, type SwarmLive, type SwarmLiveTask } from './live';
import { putService, removeService, servicesNamed, waitServiceRunning } from './serviceOps';
import { serviceName, serviceSpec } from './services';

type SwarmView = LiveTaskView & { readonly live: SwarmLiveTask };

/** The swarm's tasks as the shared deploy decision reads them (deployPlan.ts). */
function decideSwarm(live: SwarmLive, cluster: string, records: readonly TaskRecord[], job: string): Omit<DeployPlan<SwarmView>, 'stale' | 'evicted'> & { stale: SwarmLiveTask[]; evicted: SwarmLiveTask[] } {
  const up = new Set(live.nodes.filter((n) => n.up).map((n) => n.name));
  const views = live.tasks.map((t): SwarmView => {
    const running = t.running && up.has(t.node);
    return { taskId: t.taskId, job: t.job, node: t.node, running, holds: running || (!t.waiting && up.has(t.node)), record: t.record, live: t };
  });
  const down = new Set(live.nodes.filter((n) => !n.up).map((n) => n.name));
  const d = planDeploy(cluster, live.nodes.map((n) => n.record.node), down, views, records, job);
  return { ...d, stale: d.stale.map((v) => v.live), evicted: d.evicted.map((v) => v.live) };
}

/** What `deploySwarm` would do now, without doing it (`berth diff`). */
export async function diffSwarm(docker: Docker, cluster: ClusterSpec, job: JobSpec, options: { image?: string } = {}): Promise<DeployDiff> {
  const live = await readSwarm(docker, cluster.name);
  if (live.nodes.length === 0) throw new ClusterError('cluster/not-up', `cluster ${cluster.name} has no nodes on this swarm: berth up first`);
  return decideSwarm(live, cluster.name, recordsOf(cluster, job, options.image), job.name).diff;
}

export async function deploySwarm(docker: Docker, cluster: ClusterSpec, job: JobSpec, options: DeployOptions = {}): Promise<DeployResult> {
  const progress = options.onProgress ?? (() => undefined);
  const live = await readSwarm(docker, cluster.name);
  if (live.nodes.length === 0) throw new ClusterError('cluster/not-up', `cluster ${cluster.name} has no nodes on this swarm: berth up first`);
  const nodeOf = new Map(live.nodes.map((n) => [n.name, n]));
  const records = recordsOf(cluster, job, options.image);
  const wanted = new Map(records.map((r) => [r.instance.id, r]));
  const existing = await servicesNamed(docker, cluster.name, records.map((r) => serviceName(cluster.name, r.instance.job, r.instance.name)));

  const { plan, current, kept, stale, evicted } = decideSwarm(live, cluster.name, records, job.name);
  const placed = records.filter((r) => plan.tasks.get(r.instance.id)?.kind === 'placed').length;
  progress({ kind: 'plan', placed, total: records.length });

  const created: string[] = [];
  const results: DeployedTask[] = [];
  try {
    // A changed service is updated in place below; only those the job no longer has are removed.
    for (const t of stale.filter((x) => !wanted.has(x.taskId))) {
      await removeService(docker, t.service.ID);
      results.push({ id: t.taskId, node: t.node, action: 'removed' });
      progress({ kind: 'task', task: t.taskId, node: t.node, state: 'removed' });
    }
    for (const t of evicted) {
      await putService(docker, t.service, serviceSpec({ cluster: cluster.name, record: t.record, node: '', ports: [], restarts: t.restarts }, undefined));
      progress({ kind: 'task', task: t.taskId, node: '', state: 'waiting', message: 'evicted' });
    }
    for (const level of levelsOf(job)) {
      if (options.signal?.aborted) throw new ClusterError('deploy/failed', 'deploy cancelled');
      const names = new Set(level);
      await Promise.all(
        records
          .filter((r) => names.has(r.instance.task))
          .map(async (r) => {
            const id = r.instance.id;
            if (kept.has(id)) {
              const node = current.get(id) ?? '';
              results.push({ id, node, action: 'kept' });
              progress({ kind: 'task', task: id, node, state: 'kept' });
              return;
            }
            const result = plan.tasks.get(id);
            if (result?.kind !== 'placed') return;
            const name = serviceName(cluster.name, r.instance.job, r.instance.name);
            const node = nodeOf.get(result.node);
            if (!node) throw new ClusterError('deploy/failed', `node ${result.node} is not on the swarm`);
            const before = existing.get(name);
            progress({ kind: 'task', task: id, node: result.node, state: 'creating' });
            const serviceId = await putService(docker, before, serviceSpec({ cluster: cluster.name, record: r, node: result.node, ports: result.ports, restarts: 0 }, node.scale));
            if (!before) created.push(serviceId);
            progress({ kind: 'task', task: id, node: result.node, state: r.healthCheck ? 'waiting-health' : 'starting' });
            await waitServiceRunning(docker, serviceId, node.id, r, options.signal);
            results.push({ id, node: result.node, action: 'started' });
            progress({ kind: 'task', task: id, node: result.node, state: 'running' });
          }),
      );
    }
    for (const r of records) {
      const result = plan.tasks.get(r.instance.id);
      if (result?.kind === 'placed' || kept.has(r.instance.id)) continue;
      const name = serviceName(cluster.name, r.instance.job, r.instance.name);
      const before = existing.get(name);
      const serviceId = await putService(docker, before, serviceSpec({ cluster: cluster.name, record: r, node: '', ports: [], restarts: 0 }, undefined));
      if (!before) created.push(serviceId);
      results.push({ id: r.instance.id, node: '', action: 'waiting' });
      progress({ kind: 'task', task: r.instance.id, node: '', state: 'waiting', message: result?.kind === 'blocked' ? `blocked by ${result.blockedBy.join(', ')}` : 'no node has room' });
    }
  } catch (err) {
    const left = (await Promise.allSettled(created.map((id) => removeService(docker, id)))).filter((r) => r.status === 'rejected');
    progress({ kind: 'rollback', removed: created.length - left.length });
    const typed = err instanceof ClusterError ? err : new ClusterError('deploy/failed', `deploy of ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    if (left.length === 0) throw typed;
    throw new ClusterError(typed.code, `${typed.message}; and ${left.length} services it created could not be removed (berth down ${cluster.name} removes them)`, { cause: err });
  }
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { job: job.name, cluster: cluster.name, tasks: results };
}
