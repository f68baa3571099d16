/**
 * What a deploy will do, decided once for both engines and for `berth diff`: which of the job's
 * running tasks are kept (running on an up node, spec unchanged), which are replaced (and what
 * changed), which are created, which removed, and the allocator's plan against the live cluster
 * (other jobs' tasks where they run). Deploy then does exactly this.
 */
import { allocate, type Plan } from '../../server/engine/alloc';
import type { ClusterNode } from '../../server/engine/model';
import { specKey, type TaskRecord } from './labels';
import { jobsOf } from './state';

/** A task as either engine has it, for deciding. */
export interface LiveTaskView {
  readonly taskId: string;
  readonly job: string;
  /** '' while it waits. */
  readonly node: string;
  /** Running on a node that is up. */
  readonly running: boolean;
  /** Its resources count where it is (running, or about to run there). */
  readonly holds: boolean;
  readonly record: TaskRecord;
}

export interface DeployChange {
  readonly task: string;
  /** What differs: `image`, `command`, `env`, `resources`, `health check`, `restart`, `priority`, `constraints`, `ports`, `node node2 → node3`, `not running`. */
  readonly changes: readonly string[];
}

export interface DeployDiff {
  readonly job: string;
  readonly cluster: string;
  readonly create: readonly string[];
  readonly replace: readonly DeployChange[];
  readonly keep: readonly string[];
  readonly remove: readonly string[];
}

export interface DeployPlan<T extends LiveTaskView> {
  readonly plan: Plan;
  readonly current: ReadonlyMap<string, string>;
  readonly kept: ReadonlySet<string>;
  /** This job's tasks that are not kept (replaced, or removed when `wanted` lacks them). */
  readonly stale: readonly T[];
  /** Other jobs' tasks the plan evicts (preemption). */
  readonly evicted: readonly T[];
  readonly diff: DeployDiff;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields of two records of one instance that differ, in words. */
export function changesOf(was: TaskRecord, now: TaskRecord): string[] {
  const out: string[] = [];
  if (was.image !== now.image) out.push('image');
  if (!same(was.command, now.command)) out.push('command');
  if (!same(was.env, now.env)) out.push('env');
  if (!same(was.instance.resources, now.instance.resources)) out.push('resources');
  if (!same(was.healthCheck, now.healthCheck)) out.push('health check');
  if (was.restart !== now.restart) out.push('restart');
  if (was.instance.priority !== now.instance.priority) out.push('priority');
  if (!same(was.instance.constraints.map((c) => [c.field, c.operator, c.value]), now.instance.constraints.map((c) => [c.field, c.operator, c.value]))) out.push('constraints');
  if (!same(was.instance.ports, now.instance.ports)) out.push('ports');
  if (!same(was.instance.dependsOn, now.instance.dependsOn)) out.push('dependencies');
  if (was.strategy !== now.strategy || was.preemption !== now.preemption) out.push('strategy');
  return out;
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function planDeploy<T extends LiveTaskView>(cluster: string, nodes: readonly ClusterNode[], down: ReadonlySet<string>, live: readonly T[], records: readonly TaskRecord[], job: string): DeployPlan<T> {
  const wanted = new Map(records.map((r) => [r.instance.id, r]));
  const current = new Map<string, string>();
  const kept = new Set<string>();
  const stale: T[] = [];
  const others: TaskRecord[] = [];
  for (const t of live) {
    if (t.job === job) {
      const r = wanted.get(t.taskId);
      if (r && t.running && specKey(r) === specKey(t.record)) {
        current.set(t.taskId, t.node);
        kept.add(t.taskId);
      } else stale.push(t);
    } else if (t.holds) {
      current.set(t.taskId, t.node);
      others.push(t.record);
    }
  }
  const plan = allocate({ nodes, jobs: jobsOf([...others, ...records]), current, down });
  const evicted = live.filter((t) => t.job !== job && current.has(t.taskId) && plan.tasks.get(t.taskId)?.kind !== 'placed');
  const liveOf = new Map(live.filter((t) => t.job === job).map((t) => [t.taskId, t]));
  const create: string[] = [];
  const replace: DeployChange[] = [];
  for (const r of records) {
    const id = r.instance.id;
    if (kept.has(id)) continue;
    const was = liveOf.get(id);
    if (!was) {
      create.push(id);
      continue;
    }
    const result = plan.tasks.get(id);
    const to = result?.kind === 'placed' ? result.node : '';
    const changes = changesOf(was.record, r);
    if (was.node !== to) changes.push(`node ${was.node || 'none'} → ${to || 'none'}`);
    if (!was.running && changes.length === 0) changes.push('not running');
    replace.push({ task: id, changes });
  }
  const remove = live.filter((t) => t.job === job && !wanted.has(t.taskId)).map((t) => t.taskId);
  return {
    plan,
    current,
    kept,
    stale,
    evicted,
    diff: { job, cluster, create: create.sort(byId), replace: replace.sort((a, b) => byId(a.task, b.task)), keep: [...kept].sort(byId), remove: remove.sort(byId) },
  };
}

/** `2 new · 1 replaced · 7 unchanged · 1 removed` (the Deploy lens, `berth diff`). */
export function diffSummary(diff: DeployDiff): string {
  return `${diff.create.length} new · ${diff.replace.length} replaced · ${diff.keep.length} unchanged · ${diff.remove.length} removed`;
}
