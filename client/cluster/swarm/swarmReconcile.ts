/**
 * One pass of the controller on a swarm. Swarm restarts tasks and never moves a pinned one, so
 * Berth moves them: a service pinned to a node Swarm reports Down (or drained) is re-pinned to
 * where allocate({nodes, jobs, current: live placements, down: lost nodes}) puts it — the failover
 * preview's scenario for that loss — and the move is recorded (lost at, predicted, actual, running
 * at). A task with no room waits (replicas 0) and is placed when a node returns.
 */
import type Docker from 'dockerode';
import { allocate, type Plan } from '../../../server/engine/alloc';
import type { FailoverRecord, TaskRecord } from '../labels';
import { predictedPlan, trackNodes, type ControllerEvent, type ReconcileMemory } from '../reconcile';
import { readSwarm, swarmInputOf, type SwarmLiveTask } from './live';
import { putService, waitServiceRunning } from './serviceOps';
import { serviceSpec } from './services';

type Need = { readonly task: SwarmLiveTask; readonly why: 'lost' | 'waiting' };

export async function reconcileSwarm(docker: Docker, cluster: string, memory: ReconcileMemory, emit: (e: ControllerEvent) => void): Promise<number | undefined> {
  const live = await readSwarm(docker, cluster);
  const up = new Set(live.nodes.filter((n) => n.up).map((n) => n.name));
  trackNodes(live.nodes.map((n) => n.name), up, memory, emit);
  const lostNodes = new Set(live.nodes.filter((n) => !n.up).map((n) => n.name));
  const nodeOf = new Map(live.nodes.map((n) => [n.name, n]));

  const current = new Map<string, string>();
  const needs: Need[] = [];
  const records: TaskRecord[] = [];
  for (const t of live.tasks) {
    records.push(t.record);
    if (t.waiting) needs.push({ task: t, why: t.from !== undefined && !up.has(t.from) ? 'lost' : 'waiting' });
    else if (!up.has(t.node)) needs.push({ task: t, why: 'lost' });
    else if (t.state !== 'complete') current.set(t.taskId, t.node); // a completed task no longer asks for resources
  }
  const input = swarmInputOf(live, records, current, lostNodes);
  const plan: Plan = allocate(input);
  const predicted = needs.some((n) => n.why === 'lost') ? predictedPlan(input, memory, current, lostNodes) : undefined;

  const place = async (t: SwarmLiveTask, node: string, ports: readonly number[], failover?: FailoverRecord, from?: string): Promise<void> => {
    const target = nodeOf.get(node);
    const id = await putService(docker, t.service, serviceSpec({ cluster, record: t.record, node, ports, restarts: t.restarts, ...(failover ? { failover } : {}), ...(from ? { from } : {}) }, target?.scale));
    if (target) await waitServiceRunning(docker, id, target.id, t.record);
  };
  const actions = needs.map(async (need) => {
    const t = need.task;
    const r = plan.tasks.get(t.taskId);
    const fromNode = t.waiting ? (t.from ?? '') : t.node;
    try {
      if (r?.kind === 'placed') {
        if (need.why === 'lost') {
          const lostAt = new Date(memory.lostAt.get(fromNode) ?? Date.now()).toISOString();
          const p = predicted?.tasks.get(t.taskId);
          const failover: FailoverRecord = { from: fromNode, lostAt, predicted: p?.kind === 'placed' ? p.node : '' };
          await place(t, r.node, r.ports, failover);
          emit({ kind: 'failover', task: t.taskId, from: fromNode, lostAt, predicted: failover.predicted, actual: r.node, runningAt: new Date().toISOString() });
        } else {
          await place(t, r.node, r.ports, t.failover);
          emit({ kind: 'task', task: t.taskId, node: r.node, action: 'placed' });
        }
      } else if (!t.waiting) {
        await place(t, '', [], undefined, need.why === 'lost' ? fromNode : undefined);
        emit({ kind: 'task', task: t.taskId, node: '', action: 'waiting', message: r?.kind === 'blocked' ? `blocked by ${r.blockedBy.join(', ')}` : 'no node has room' });
      }
    } catch (err) {
      emit({ kind: 'task', task: t.taskId, node: r?.kind === 'placed' ? r.node : '', action: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  });
  // Running tasks the plan moves away (preemption by a task placed now): they wait.
  const byId = new Map(live.tasks.map((t) => [t.taskId, t]));
  for (const [id, node] of current) {
    const r = plan.tasks.get(id);
    const t = byId.get(id);
    if (!t || (r?.kind === 'placed' && r.node === node)) continue;
    actions.push(
      (async () => {
        await place(t, '', []);
        emit({ kind: 'task', task: id, node, action: 'evicted' });
      })(),
    );
  }
  await Promise.all(actions);

  memory.placements = new Map();
  for (const [id, r] of plan.tasks) if (r.kind === 'placed') memory.placements.set(id, r.node);
  memory.nodesUp = up;
  return undefined;
}
