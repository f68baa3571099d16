/**
 * `berth deploy`: place a job with the allocator against the live cluster, then start its tasks in
 * dependency order (a level at a time, in parallel within a level), waiting for health where
 * defined. Idempotent: unchanged running tasks are kept. A failure removes what this deploy
 * created, so a rerun completes it.
 */
import type Docker from 'dockerode';
import type { Plan } from '../../server/engine/alloc';
import { analyzeDependencies } from '../../server/engine/alloc/order';
import { expandInstances, type ClusterSpec, type JobSpec } from '../../server/engine/model';
import { call, hostCpus } from './docker';
import { ClusterError } from './errors';
import { ensureImage } from './image';
import { taskContainerName, type TaskRecord } from './labels';
import { planDeploy, type DeployDiff, type LiveTaskView } from './deployPlan';
import { inputOf, isUp, readCluster, type LiveCluster, type LiveTask } from './state';
import { createTask, clearName, removeContainer, waitReady } from './tasks';
import { DEFAULT_IMAGE, up, type UpOptions } from './up';

export type DeployAction = 'started' | 'kept' | 'waiting' | 'removed';

export type DeployProgress =
  | { readonly kind: 'plan'; readonly placed: number; readonly total: number }
  | { readonly kind: 'task'; readonly task: string; readonly node: string; readonly state: 'creating' | 'starting' | 'waiting-health' | 'running' | 'kept' | 'waiting' | 'removed' | 'failed'; readonly message?: string }
  | { readonly kind: 'pull'; readonly image: string; readonly status: string; readonly fraction?: number }
  | { readonly kind: 'rollback'; readonly removed: number };

export interface DeployOptions {
  /** Use this image for every task (and the nodes), instead of the specs' images. */
  readonly image?: string;
  readonly nodeImage?: string;
  readonly publishPerRange?: number;
  readonly onProgress?: (e: DeployProgress) => void;
  readonly signal?: AbortSignal;
}

export interface DeployedTask {
  /** `job/instance` */
  readonly id: string;
  readonly node: string;
  readonly action: DeployAction;
}

export interface DeployResult {
  readonly job: string;
  readonly cluster: string;
  readonly tasks: readonly DeployedTask[];
}

/** The job's instances as task records (what their containers remember). */
export function recordsOf(cluster: ClusterSpec, job: JobSpec, image?: string): TaskRecord[] {
  const bySpec = new Map(job.tasks.map((t) => [t.name, t]));
  return expandInstances(job).map((instance, order) => {
    const t = bySpec.get(instance.task);
    if (!t) throw new Error(`no task ${instance.task}`);
    return {
      instance: { ...instance, constraints: instance.constraints.map((c) => ({ ...c, span: { start: 0, end: 0 } })) },
      order,
      strategy: job.strategy,
      preemption: job.preemption,
      image: image ?? t.image ?? cluster.defaults.image ?? DEFAULT_IMAGE,
      ...(t.command ? { command: t.command } : {}),
      env: t.env,
      ...(t.healthCheck ? { healthCheck: t.healthCheck } : {}),
      restart: t.restart,
    };
  });
}

/**
 * Task names of a job in dependency levels: level k depends only on levels < k (a cycle, which the
 * checker reports, is one level). Iterative and linear in tasks + dependencies (alloc/order.ts), so
 * a chain 10,000 deep does not overflow the stack; within a level, in the job's order.
 */
export function levelsOf(job: JobSpec): string[][] {
  const index = new Map<string, number>();
  for (const t of job.tasks) if (!index.has(t.name)) index.set(t.name, index.size);
  const deps: number[][] = Array.from({ length: index.size }, () => []);
  for (const t of job.tasks) {
    const edges = deps[index.get(t.name) ?? -1];
    for (const d of t.dependsOn) {
      const w = index.get(d.name);
      if (w !== undefined) edges?.push(w);
    }
  }
  const { level } = analyzeDependencies(deps, new Float64Array(deps.length));
  const out: string[][] = [];
  for (const [name, v] of index) (out[level[v] ?? 0] ??= []).push(name);
  return out.filter((x) => x !== undefined);
}

/** The local cluster's tasks as the shared deploy decision reads them. */
function viewsOf(live: LiveCluster): (LiveTaskView & { readonly live: LiveTask })[] {
  const nodeUp = new Set(live.nodes.filter(isUp).map((n) => n.name));
  return live.tasks.map((t) => {
    const running = t.state === 'running' && !t.waiting && nodeUp.has(t.node);
    return { taskId: t.taskId, job: t.job, node: t.waiting ? '' : t.node, running, holds: running, record: t.record, live: t };
  });
}

function decide(live: LiveCluster, cluster: string, records: readonly TaskRecord[], job: string): { plan: Plan; current: ReadonlyMap<string, string>; kept: ReadonlySet<string>; stale: LiveTask[]; evicted: LiveTask[]; diff: DeployDiff } {
  const input = inputOf(live, [], new Map());
  const d = planDeploy(cluster, input.nodes, input.down ?? new Set(), viewsOf(live), records, job);
  return { plan: d.plan, current: d.current, kept: d.kept, stale: d.stale.map((v) => v.live), evicted: d.evicted.map((v) => v.live), diff: d.diff };
}

/** What `deploy` would do now, without doing it (`berth diff`). */
export async function diffDeploy(docker: Docker, cluster: ClusterSpec, job: JobSpec, options: { image?: string } = {}): Promise<DeployDiff> {
  const live = await readCluster(docker, cluster.name);
  const withNodes: LiveCluster = live.nodes.length > 0 ? live : { ...live, nodes: cluster.nodes.map((n) => ({ name: n.name, id: '', container: '', state: 'running', record: { node: n, image: '' }, ports: new Map() })) };
  return decide(withNodes, cluster.name, recordsOf(cluster, job, options.image), job.name).diff;
}

export async function deploy(docker: Docker, cluster: ClusterSpec, job: JobSpec, options: DeployOptions = {}): Promise<DeployResult> {
  const progress = options.onProgress ?? (() => undefined);
  const upOptions: UpOptions = {
    ...(options.nodeImage ?? options.image ? { image: options.nodeImage ?? options.image } : {}),
    ...(options.publishPerRange !== undefined ? { publishPerRange: options.publishPerRange } : {}),
    onProgress: (e) => {
      if (e.kind === 'pull') progress({ kind: 'pull', ...e.progress });
    },
  };
  await up(docker, cluster, upOptions);
  const cores = await hostCpus(docker);
  const live = await readCluster(docker, cluster.name);
  const records = recordsOf(cluster, job, options.image);
  const wanted = new Map(records.map((r) => [r.instance.id, r]));
  const { plan, current, kept, stale, evicted } = decide(live, cluster.name, records, job.name);
  const placed = records.filter((r) => plan.tasks.get(r.instance.id)?.kind === 'placed').length;
  progress({ kind: 'plan', placed, total: records.length });

  // Every image first: a missing one fails the deploy before anything is removed or created.
  const needed = records.filter((r) => !kept.has(r.instance.id));
  for (const image of new Set(needed.map((r) => r.image))) await ensureImage(docker, image, (p) => progress({ kind: 'pull', ...p }));

  const created: string[] = [];
  const results: DeployedTask[] = [];
  try {
    for (const t of stale) {
      await removeContainer(docker, t.id);
      if (!wanted.has(t.taskId)) {
        results.push({ id: t.taskId, node: t.node, action: 'removed' });
        progress({ kind: 'task', task: t.taskId, node: t.node, state: 'removed' });
      }
    }
    for (const t of evicted) {
      await removeContainer(docker, t.id);
      await createTask(docker, { cluster: cluster.name, record: t.record, node: '', ports: [], restarts: t.restarts }, cores);
      progress({ kind: 'task', task: t.taskId, node: '', state: 'waiting', message: 'evicted' });
    }
    for (const level of levelsOf(job)) {
      if (options.signal?.aborted) throw new ClusterError('deploy/failed', 'deploy cancelled');
      const names = new Set(level);
      const batch = records.filter((r) => names.has(r.instance.task));
      await Promise.all(
        batch.map(async (r) => {
          const id = r.instance.id;
          const result = plan.tasks.get(id);
          if (kept.has(id)) {
            const node = current.get(id) ?? '';
            results.push({ id, node, action: 'kept' });
            progress({ kind: 'task', task: id, node, state: 'kept' });
            return;
          }
          if (result?.kind !== 'placed') return;
          progress({ kind: 'task', task: id, node: result.node, state: 'creating' });
          await clearName(docker, cluster.name, taskContainerName(cluster.name, r.instance.job, r.instance.name));
          const c = await createTask(docker, { cluster: cluster.name, record: r, node: result.node, ports: result.ports, restarts: 0 }, cores);
          created.push(c.id);
          progress({ kind: 'task', task: id, node: result.node, state: 'starting' });
          await call(`starting task ${id}`, () => c.start());
          if (r.healthCheck) progress({ kind: 'task', task: id, node: result.node, state: 'waiting-health' });
          await waitReady(docker, c.id, r, options.signal);
          results.push({ id, node: result.node, action: 'started' });
          progress({ kind: 'task', task: id, node: result.node, state: 'running' });
        }),
      );
    }
    // Tasks without a node wait for capacity (the controller places them when it returns).
    for (const r of records) {
      const result = plan.tasks.get(r.instance.id);
      if (result?.kind === 'placed' || kept.has(r.instance.id)) continue;
      await clearName(docker, cluster.name, taskContainerName(cluster.name, r.instance.job, r.instance.name));
      const c = await createTask(docker, { cluster: cluster.name, record: r, node: '', ports: [], restarts: 0 }, cores);
      created.push(c.id);
      results.push({ id: r.instance.id, node: '', action: 'waiting' });
      progress({ kind: 'task', task: r.instance.id, node: '', state: 'waiting', message: result?.kind === 'blocked' ? `blocked by ${result.blockedBy.join(', ')}` : 'no node has room' });
    }
  } catch (err) {
    const left = (await Promise.allSettled(created.map((id) => removeContainer(docker, id)))).filter((r) => r.status === 'rejected');
    progress({ kind: 'rollback', removed: created.length - left.length });
    const typed = err instanceof ClusterError ? err : new ClusterError('deploy/failed', `deploy of ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    if (left.length === 0) throw typed;
    throw new ClusterError(typed.code, `${typed.message}; and ${left.length} containers it created could not be removed (berth down ${cluster.name} removes them)`, { cause: err });
  }
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { job: job.name, cluster: cluster.name, tasks: results };
}
