/**
 * Failover drills (SPEC.md §6c): the preview's scenarios run on the live cluster, on either
 * engine. For each scenario: the preview's prediction from the live placements (the allocator's
 * scenario for losing those nodes), then the nodes lost as Stop Node loses them, a wait (polling
 * with a deadline) until the controller has acted, every task of the job compared with the
 * prediction, the nodes brought back and a wait until the cluster has settled. Tasks that moved may
 * stay where they are: each scenario is predicted from the placements it finds. A cancelled drill
 * brings back the nodes it stopped before it returns.
 */
import { allocate } from '../../server/engine/alloc';
import { scenarioByAllocate } from '../../server/engine/alloc/failover';
import type { ClusterEngine } from './clusterEngine';
import { ClusterError, isClusterError, messageOf } from './errors';
import type { ClusterStatus } from './status';

export interface DrillTask {
  readonly task: string;
  /** Where it ran before the loss ('' when it was waiting). */
  readonly before: string;
  /** The predicted node; '' for no node. */
  readonly predicted: string;
  /** Where it runs after the loss; '' when it waits for a node, `?` when it never settled. */
  readonly observed: string;
}

export interface DrillScenario {
  readonly lost: readonly string[];
  readonly seconds: number;
  readonly verdict: 'pass' | 'fail' | 'skipped';
  /** Why a scenario was skipped, or what never happened. */
  readonly note?: string;
  readonly tasks: readonly DrillTask[];
}

export interface DrillReport {
  readonly job: string;
  readonly cluster: string;
  readonly engine: 'local' | 'swarm';
  readonly scenarios: readonly DrillScenario[];
  /** Each scenario is predicted from the placements the previous one left. */
  readonly note: string;
  readonly cancelled: boolean;
}

export type DrillProgress =
  | { readonly kind: 'scenario'; readonly index: number; readonly total: number; readonly lost: readonly string[] }
  /** `lose`: stopping the nodes; `wait`: for the controller to act; `restore`: starting them again; `settle`: for the cluster to settle. */
  | { readonly kind: 'step'; readonly phase: 'lose' | 'wait' | 'restore' | 'settle'; readonly message: string }
  | { readonly kind: 'result'; readonly scenario: DrillScenario };

export interface DrillOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DrillProgress) => void;
  /** How long a loss may take to be acted on, and a return to settle (default 60 s each). */
  readonly deadlineMs?: number;
  readonly pollMs?: number;
  /** A settled state that differs from the prediction is taken as the outcome once unchanged this long (default 3 s). */
  readonly stableMs?: number;
}

class Cancelled extends Error {}

function observedOf(s: ClusterStatus, id: string, lost: ReadonlySet<string>): string | undefined {
  const t = s.tasks.find((x) => x.id === id);
  if (!t) return undefined;
  if (t.state === 'waiting') return '';
  if (t.state === 'running' && !lost.has(t.node) && s.nodes.find((n) => n.name === t.node)?.state === 'running') return t.node;
  return undefined; // lost, pending, starting: not settled
}

async function until<T>(what: string, deadlineMs: number, pollMs: number, signal: AbortSignal | undefined, probe: () => Promise<T | undefined>): Promise<T | string> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (signal?.aborted) throw new Cancelled();
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) return `${what} did not happen within ${Math.round(deadlineMs / 1000)} s`;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Runs the scenarios (lists of node names) for `job` on the running cluster. A controller must act
 * on it (in this process or elsewhere): the caller starts one.
 */
export async function runDrill(engine: ClusterEngine, cluster: string, job: string, scenarios: readonly (readonly string[])[], options: DrillOptions = {}): Promise<DrillReport> {
  const deadline = options.deadlineMs ?? 60_000;
  const poll = options.pollMs ?? 100;
  const stableMs = options.stableMs ?? 3_000;
  const progress = options.onProgress ?? (() => undefined);
  const first = await engine.status(cluster, { usage: false });
  if (first.nodes.length === 0) throw new ClusterError('cluster/not-up', `cluster ${cluster} is not running: berth up and berth deploy first`);
  const jobTasks = first.tasks.filter((t) => t.job === job).map((t) => t.id);
  if (jobTasks.length === 0) throw new ClusterError('cluster/not-up', `job ${job} is not deployed on cluster ${cluster}: berth deploy first`);
  const results: DrillScenario[] = [];
  const stopped = new Set<string>();
  let cancelled = false;
  const restore = async (): Promise<void> => {
    for (const n of [...stopped]) {
      await engine.startNode(cluster, n);
      stopped.delete(n);
    }
  };
  try {
    for (const [index, lostList] of scenarios.entries()) {
      if (options.signal?.aborted) throw new Cancelled();
      progress({ kind: 'scenario', index, total: scenarios.length, lost: lostList });
      const lost = new Set(lostList);
      // The preview's scenario, from the placements the cluster has now.
      const input = await engine.liveInput(cluster);
      const outcome = scenarioByAllocate(input, allocate(input), [...lost]);
      const predicted = new Map<string, string>();
      for (const [id, node] of input.current ?? new Map<string, string>()) predicted.set(id, node);
      for (const m of outcome.moves) predicted.set(m.task, m.to);
      for (const u of outcome.unplaced) predicted.set(u.task, '');
      const ids = jobTasks.filter((id) => predicted.has(id) || first.tasks.some((t) => t.id === id));
      let skipped: string | undefined;
      const t0 = Date.now();
      for (const n of lost) {
        try {
          progress({ kind: 'step', phase: 'lose', message: `losing ${n}` });
          await engine.stopNode(cluster, n);
          stopped.add(n);
        } catch (err) {
          if (!isClusterError(err, 'swarm/manager-node')) throw err;
          skipped = messageOf(err);
          break;
        }
      }
      if (skipped !== undefined) {
        await restore();
        const s: DrillScenario = { lost: lostList, seconds: 0, verdict: 'skipped', note: skipped, tasks: [] };
        results.push(s);
        progress({ kind: 'result', scenario: s });
        continue;
      }
      progress({ kind: 'step', phase: 'wait', message: 'waiting for the controller' });
      // Until every task of the job runs on a surviving node or waits, and matches the prediction (or stays put for `stableMs`).
      let last = '';
      let stableSince = Date.now();
      let settledAt = 0;
      const observed = await until(`the controller acting on the loss of ${lostList.join(', ')}`, deadline, poll, options.signal, async () => {
        const s = await engine.status(cluster, { usage: false });
        const seen = new Map(ids.map((id) => [id, observedOf(s, id, lost)]));
        if ([...seen.values()].some((v) => v === undefined)) return undefined;
        const key = JSON.stringify([...seen]);
        if (key !== last) {
          last = key;
          stableSince = Date.now();
        }
        settledAt = Date.now();
        const equal = ids.every((id) => seen.get(id) === (predicted.get(id) ?? ''));
        return equal || Date.now() - stableSince > stableMs ? (seen as Map<string, string>) : undefined;
      });
      const seconds = ((typeof observed === 'string' ? Date.now() : settledAt) - t0) / 1000;
      const tasks: DrillTask[] = ids.map((id) => ({ task: id, before: input.current?.get(id) ?? '', predicted: predicted.get(id) ?? '', observed: typeof observed === 'string' ? '?' : (observed.get(id) ?? '?') }));
      const pass = typeof observed !== 'string' && tasks.every((t) => t.predicted === t.observed);
      progress({ kind: 'step', phase: 'restore', message: `bringing back ${lostList.join(', ')}` });
      await restore();
      progress({ kind: 'step', phase: 'settle', message: 'waiting for the cluster to settle' });
      const settled = await until('the cluster settling after the nodes returned', deadline, poll, options.signal, async () => {
        const s = await engine.status(cluster, { usage: false });
        if (!s.nodes.every((n) => n.state === 'running')) return undefined;
        const now = await engine.liveInput(cluster);
        const plan = allocate(now);
        // Every task runs, but those that no node has room for even now (they wait, as the plan says).
        return s.tasks.every((t) => t.state === 'running' || (t.state === 'waiting' && plan.tasks.get(t.id)?.kind !== 'placed') || t.state === 'complete') ? true : undefined;
      });
      const note = typeof observed === 'string' ? observed : typeof settled === 'string' ? settled : undefined;
      const scenario: DrillScenario = { lost: lostList, seconds, verdict: pass ? 'pass' : 'fail', ...(note ? { note } : {}), tasks };
      results.push(scenario);
      progress({ kind: 'result', scenario });
    }
  } catch (err) {
    if (!(err instanceof Cancelled)) {
      // The nodes come back whatever went wrong; a failure to bring them back is said with the first.
      try {
        await restore();
      } catch (restoreErr) {
        throw new ClusterError('cluster/not-up', `${messageOf(err)}; and bringing back ${[...stopped].join(', ')} failed too (${messageOf(restoreErr)}): berth start-node them`, { cause: err });
      }
      throw err;
    }
    cancelled = true;
    await restore();
  }
  return {
    job,
    cluster,
    engine: engine.kind,
    scenarios: results,
    note: 'each scenario is predicted from the live placements it starts from (tasks that moved in an earlier scenario may stay where they went)',
    cancelled,
  };
}
