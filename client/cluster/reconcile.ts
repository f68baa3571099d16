/**
 * One pass of the controller: read the cluster from Docker, decide with the allocator, act.
 * Tasks of a lost node (node container not running, or restarted since the task ended) are placed
 * again by allocate({nodes, jobs, current: live placements, down: lost nodes}) — the failover
 * preview's scenario for that loss. Other exits follow the task's restart policy. Tasks without a
 * node wait (a container that is never started) and are placed when capacity returns.
 */
import type Docker from 'dockerode';
import { allocate, type AllocationInput, type Plan } from '../../server/engine/alloc';
import { call, hostCpus } from './docker';
import type { FailoverRecord, TaskRecord } from './labels';
import { inputOf, isUp, readCluster, type LiveTask } from './state';
import { clearName, createTask, removeContainer } from './tasks';

export type ControllerEvent =
  | { readonly kind: 'lease'; readonly active: boolean; readonly holder: string }
  | { readonly kind: 'connection'; readonly connected: boolean; readonly message?: string }
  | { readonly kind: 'node'; readonly node: string; readonly up: boolean }
  | { readonly kind: 'task'; readonly task: string; readonly node: string; readonly action: 'restarted' | 'placed' | 'waiting' | 'evicted' | 'failed'; readonly message?: string }
  | { readonly kind: 'failover'; readonly task: string; readonly from: string; readonly lostAt: string; readonly predicted: string; readonly actual: string; readonly runningAt: string }
  | { readonly kind: 'error'; readonly message: string };

export interface ReconcileMemory {
  /** Last seen placements of running tasks (TaskInstance.id → node): the "before" of a loss. */
  placements: Map<string, string>;
  /** Nodes seen up last time. */
  nodesUp: Set<string>;
  /** When each down node was first seen down (ms). */
  lostAt: Map<string, number>;
}

export function createMemory(): ReconcileMemory {
  return { placements: new Map(), nodesUp: new Set(), lostAt: new Map() };
}

/** A task container created this long ago and never started is not a deploy in progress. */
const STALE_CREATED_MS = 30_000;

type Need = { readonly task: LiveTask; readonly why: 'lost' | 'waiting' | 'restart' };

function time(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) && t > 0 ? t : 0;
}

/**
 * The preview's scenario for a loss, which both engines' controllers follow: the placements seen
 * before it (minus the lost nodes' tasks), with the lost nodes down, placed by `allocate`.
 */
export function predictedPlan(input: AllocationInput, memory: ReconcileMemory, current: ReadonlyMap<string, string>, lostNodes: ReadonlySet<string>): Plan {
  const before = new Map<string, string>();
  for (const [id, node] of memory.placements) if (!lostNodes.has(node)) before.set(id, node);
  for (const [id, node] of current) if (!before.has(id)) before.set(id, node);
  return allocate({ ...input, current: before });
}

/** Notes which nodes came up or went down since the last pass (events, and when each was first seen down). */
export function trackNodes(names: readonly string[], up: ReadonlySet<string>, memory: ReconcileMemory, emit: (e: ControllerEvent) => void): void {
  for (const n of names) {
    if (up.has(n) !== memory.nodesUp.has(n)) emit({ kind: 'node', node: n, up: up.has(n) });
    if (up.has(n)) memory.lostAt.delete(n);
    else if (!memory.lostAt.has(n)) memory.lostAt.set(n, Date.now());
  }
}

/** Returns the earliest time a further pass is due (a crashed task in back-off), if any. */
export async function reconcile(docker: Docker, cluster: string, memory: ReconcileMemory, emit: (e: ControllerEvent) => void): Promise<number | undefined> {
  const live = await readCluster(docker, cluster);
  const up = new Set(live.nodes.filter(isUp).map((n) => n.name));
  // Tasks that ended on a node the list still shows running: inspect that node (Docker answers once
  // a stop in progress is over), so a node being stopped counts as lost, not as a place to restart.
  const exited = live.tasks.filter((t) => !t.waiting && up.has(t.node) && (t.state === 'exited' || t.state === 'dead'));
  const inspected = new Map(await Promise.all(exited.map(async (t) => [t.id, await call('inspecting a task', () => docker.getContainer(t.id).inspect())] as const)));
  const nodeInfo = new Map(
    await Promise.all([...new Set(exited.map((t) => t.node))].map(async (n) => [n, await call('inspecting a node', () => docker.getContainer(live.nodes.find((x) => x.name === n)?.id ?? n).inspect())] as const)),
  );
  for (const [n, info] of nodeInfo) if (!info.State.Running) up.delete(n);
  trackNodes(live.nodes.map((n) => n.name), up, memory, emit);
  const lostNodes = new Set(live.nodes.filter((n) => !up.has(n.name)).map((n) => n.name));

  const current = new Map<string, string>();
  const needs: Need[] = [];
  const records: TaskRecord[] = [];
  let due: number | undefined;
  for (const t of live.tasks) {
    if (t.waiting) needs.push({ task: t, why: t.from !== undefined && !up.has(t.from) ? 'lost' : 'waiting' });
    else if (!up.has(t.node)) needs.push({ task: t, why: 'lost' });
    else if (t.state === 'exited' || t.state === 'dead') {
      const info = inspected.get(t.id);
      const node = nodeInfo.get(t.node);
      const finished = time(info?.State.FinishedAt);
      if (node && time(node.State.StartedAt) > finished) {
        needs.push({ task: t, why: 'lost' }); // its node went down and came back since
      } else {
        const code = info?.State.ExitCode ?? 0;
        const again = t.record.restart === 'always' || (t.record.restart === 'on-failure' && code !== 0);
        if (!again) continue; // done: it no longer asks for resources
        // At least 0.5 s: a task killed by its node's stop dies a moment before the node is seen down.
        const wait = Math.min(10_000, 500 * 2 ** Math.min(t.restarts, 5));
        const at = finished + wait;
        if (Date.now() < at) {
          due = due === undefined ? at : Math.min(due, at);
          current.set(t.taskId, t.node);
        } else {
          current.set(t.taskId, t.node);
          needs.push({ task: t, why: 'restart' });
        }
      }
    } else if (t.state === 'created' && Date.now() - t.createdAt > STALE_CREATED_MS) {
      needs.push({ task: t, why: 'waiting' }); // created but never started (a start that failed): place it again
    } else current.set(t.taskId, t.node); // running, or created by a deploy in progress
    records.push(t.record);
  }

  const input = inputOf(live, records, current, lostNodes);
  const plan: Plan = allocate(input);
  // The preview's scenario: the placements before the loss, minus the lost nodes, with them down.
  const lost = needs.filter((n) => n.why === 'lost');
  const predicted = lost.length > 0 ? predictedPlan(input, memory, current, lostNodes) : undefined;

  const cores = await hostCpus(docker);
  const byId = new Map(live.tasks.map((t) => [t.taskId, t]));
  const actions: Promise<void>[] = [];
  const place = async (t: LiveTask, node: string, ports: readonly number[], restarts: number, failover?: FailoverRecord, from?: string): Promise<void> => {
    await clearName(docker, cluster, t.container);
    const c = await createTask(docker, { cluster, record: t.record, node, ports, restarts, ...(failover ? { failover } : {}), ...(from ? { from } : {}) }, cores);
    if (node === '') return;
    try {
      await call(`starting ${t.container}`, () => c.start());
    } catch (err) {
      // Its node went away meanwhile: the task waits instead (the next pass places it).
      await removeContainer(docker, c.id);
      await createTask(docker, { cluster, record: t.record, node: '', ports: [], restarts: t.restarts, from: t.waiting ? (t.from ?? '') : t.node }, cores);
      throw err;
    }
  };
  for (const need of needs) {
    const t = need.task;
    const r = plan.tasks.get(t.taskId);
    const fromNode = t.waiting ? (t.from ?? '') : t.node;
    actions.push(
      (async () => {
        try {
          if (r?.kind === 'placed') {
            if (need.why === 'lost') {
              const lostAt = new Date(memory.lostAt.get(fromNode) ?? Date.now()).toISOString();
              const p = predicted?.tasks.get(t.taskId);
              const failover: FailoverRecord = { from: fromNode, lostAt, predicted: p?.kind === 'placed' ? p.node : '' };
              await place(t, r.node, r.ports, t.restarts, failover);
              emit({ kind: 'failover', task: t.taskId, from: fromNode, lostAt, predicted: failover.predicted, actual: r.node, runningAt: new Date().toISOString() });
            } else {
              await place(t, r.node, r.ports, need.why === 'restart' ? t.restarts + 1 : t.restarts, t.failover);
              emit({ kind: 'task', task: t.taskId, node: r.node, action: need.why === 'restart' ? 'restarted' : 'placed' });
            }
          } else if (!t.waiting) {
            await place(t, '', [], t.restarts, undefined, need.why === 'lost' ? fromNode : undefined);
            emit({ kind: 'task', task: t.taskId, node: '', action: 'waiting', message: r?.kind === 'blocked' ? `blocked by ${r.blockedBy.join(', ')}` : 'no node has room' });
          }
        } catch (err) {
          emit({ kind: 'task', task: t.taskId, node: r?.kind === 'placed' ? r.node : '', action: 'failed', message: err instanceof Error ? err.message : String(err) });
        }
      })(),
    );
  }
  // Running tasks the plan moves away (preemption by a task placed now): stop them; they wait.
  for (const [id, node] of current) {
    const r = plan.tasks.get(id);
    const t = byId.get(id);
    if (!t || t.state !== 'running' || (r?.kind === 'placed' && r.node === node)) continue;
    actions.push(
      (async () => {
        await removeContainer(docker, t.id);
        await place(t, '', [], t.restarts);
        emit({ kind: 'task', task: id, node, action: 'evicted' });
      })(),
    );
  }
  await Promise.all(actions);

  memory.placements = new Map();
  for (const [id, r] of plan.tasks) if (r.kind === 'placed') memory.placements.set(id, r.node);
  memory.nodesUp = up;
  return due;
}
