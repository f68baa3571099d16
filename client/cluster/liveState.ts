/**
 * What the language server hears of the live clusters (`berth/liveState`, protocol.ts): a cluster's
 * status as the notification's params, and which of them to send after a new reading — only the
 * clusters whose placements changed, and an empty state for a cluster that is gone.
 */
import type { LiveJob, LiveStateParams, LiveTask } from '../../server/engine/protocol';
import type { ClusterStatus, TaskStatus } from './status';

function liveTask(t: TaskStatus): LiveTask {
  // A task that failed over records the node whose loss moved it (the node it ran on).
  const from = t.failover?.from;
  return {
    task: t.task,
    node: t.node,
    state: t.state,
    ...(t.since === undefined ? {} : { since: t.since }),
    restarts: t.restarts,
    ...(from ? { movedFrom: from, movedAfter: from } : {}),
  };
}

/** The params of `berth/liveState` for one cluster's status: every task by job, and the nodes not running. */
export function toLiveStateParams(status: ClusterStatus): LiveStateParams {
  const byJob = new Map<string, LiveTask[]>();
  for (const t of status.tasks) {
    const list = byJob.get(t.job);
    if (list) list.push(liveTask(t));
    else byJob.set(t.job, [liveTask(t)]);
  }
  const jobs: LiveJob[] = [...byJob.keys()].sort().map((job) => ({ job, tasks: (byJob.get(job) ?? []).sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0)) }));
  const nodesDown = status.nodes.filter((n) => n.state !== 'running').map((n) => n.name).sort();
  return { cluster: status.cluster, engine: status.engine, jobs, nodesDown };
}

/** The state that says a cluster no longer runs anything. */
export function goneState(cluster: string, engine: LiveStateParams['engine']): LiveStateParams {
  return { cluster, engine, jobs: [], nodesDown: [] };
}

/**
 * Remembers what was sent per cluster. `next(statuses)` (the clusters now; undefined when Docker
 * cannot be read, which is taken as every cluster gone) returns what to send: each cluster whose
 * state differs from the one last sent, and the empty state for each one sent before and absent now.
 */
export class LiveStateFeed {
  private readonly sent = new Map<string, { readonly key: string; readonly engine: LiveStateParams['engine'] }>();

  next(statuses: readonly ClusterStatus[] | undefined): LiveStateParams[] {
    const out: LiveStateParams[] = [];
    const seen = new Set<string>();
    for (const status of statuses ?? []) {
      const params = toLiveStateParams(status);
      seen.add(params.cluster);
      const key = JSON.stringify(params);
      if (this.sent.get(params.cluster)?.key === key) continue;
      this.sent.set(params.cluster, { key, engine: params.engine });
      out.push(params);
    }
    for (const [cluster, { engine }] of this.sent) {
      if (seen.has(cluster)) continue;
      this.sent.delete(cluster);
      out.push(goneState(cluster, engine));
    }
    return out;
  }

  /** Forget what was sent (a new server knows nothing): the next `next` sends every cluster. */
  reset(): void {
    this.sent.clear();
  }
}
