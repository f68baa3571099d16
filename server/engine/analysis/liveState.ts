/**
 * The live state of a cluster (`berth/liveState`, protocol.ts): read from untrusted params, and
 * the words the editor shows for it (a task's drift from the plan, where and since when it runs).
 */
import type { LiveJob, LiveStateParams, LiveTask } from '../protocol';

/** Longest name, state or time kept; longer ones drop their entry. */
const MAX_TEXT = 256;
/** Jobs, and task entries over all jobs, at most: the rest are dropped. */
const MAX_JOBS = 1_000;
const MAX_TASKS = 100_000;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)$/;

export type LiveStateRead = { readonly kind: 'state'; readonly state: LiveStateParams; readonly dropped: number } | { readonly kind: 'invalid'; readonly reason: string };

const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The params of a `berth/liveState` notification, as far as they make sense: without a cluster
 * name it is invalid (and says why); a malformed job or task entry is dropped and counted, the
 * rest kept. Optional fields of the wrong type are left out.
 */
export function toLiveState(params: unknown): LiveStateRead {
  if (!isRecord(params)) return { kind: 'invalid', reason: 'the params are not an object' };
  const cluster = params['cluster'];
  if (!isText(cluster) || cluster === '') return { kind: 'invalid', reason: 'no cluster name (`cluster`: a string)' };
  const engine = params['engine'] === 'swarm' ? 'swarm' : 'local';
  let dropped = 0;
  const jobs: LiveJob[] = [];
  const seenJobs = new Set<string>();
  let tasksLeft = MAX_TASKS;
  const rawJobs = Array.isArray(params['jobs']) ? (params['jobs'] as unknown[]) : [];
  if (params['jobs'] !== undefined && !Array.isArray(params['jobs'])) dropped++;
  for (const raw of rawJobs) {
    const job = isRecord(raw) ? raw['job'] : undefined;
    if (!isRecord(raw) || !isText(job) || job === '' || seenJobs.has(job) || jobs.length >= MAX_JOBS) {
      dropped++;
      continue;
    }
    seenJobs.add(job);
    const tasks: LiveTask[] = [];
    const seenTasks = new Set<string>();
    for (const t of Array.isArray(raw['tasks']) ? (raw['tasks'] as unknown[]) : []) {
      const task = tasksLeft > 0 ? toLiveTask(t) : undefined;
      if (task === undefined || seenTasks.has(task.task)) {
        dropped++;
        continue;
      }
      seenTasks.add(task.task);
      tasks.push(task);
      tasksLeft--;
    }
    jobs.push({ job, tasks });
  }
  const nodesDown = Array.isArray(params['nodesDown']) ? [...new Set((params['nodesDown'] as unknown[]).filter((n): n is string => isText(n) && n !== ''))].sort() : [];
  return { kind: 'state', state: { cluster, engine, jobs, nodesDown }, dropped };
}

function toLiveTask(raw: unknown): LiveTask | undefined {
  if (!isRecord(raw)) return undefined;
  const { task, node, state, since, restarts, movedFrom, movedAfter } = raw;
  if (!isText(task) || task === '' || !isText(node) || !isText(state) || state === '') return undefined;
  return {
    task,
    node,
    state,
    ...(isText(since) && ISO_TIME.test(since) ? { since } : {}),
    ...(typeof restarts === 'number' && Number.isSafeInteger(restarts) && restarts >= 0 ? { restarts } : {}),
    ...(isText(movedFrom) && movedFrom !== '' ? { movedFrom } : {}),
    ...(isText(movedAfter) && movedAfter !== '' ? { movedAfter } : {}),
  };
}

/** Does the state say anything (a job, or a node down)? An empty one means the cluster is gone. */
export function isEmptyLiveState(state: LiveStateParams): boolean {
  return state.jobs.length === 0 && state.nodesDown.length === 0;
}

/** Why it runs elsewhere: "moved after node2 failed", "moved from node2", or nothing. */
function cause(t: LiveTask): string {
  if (t.node === '') return t.movedAfter !== undefined ? `; ${t.movedAfter} failed` : '';
  if (t.movedAfter !== undefined) return `; moved after ${t.movedAfter} failed`;
  return t.movedFrom !== undefined ? `; moved from ${t.movedFrom}` : '';
}

/**
 * A task instance's live placement against the plan, for its inlay hint. Where it runs where
 * planned: `undefined` (the planned hint stands, with the state after it). Elsewhere, or waiting:
 * "→ node3 · running (planned node2; moved after node2 failed)", "→ no node · waiting (planned
 * node2; node2 failed)"; `planned` undefined: the plan has no node for it.
 */
export function driftText(planned: string | undefined, t: LiveTask): string | undefined {
  if (t.node !== '' && t.node === planned) return undefined;
  return `→ ${t.node === '' ? 'no node' : t.node} · ${t.state} (planned ${planned ?? 'no node'}${cause(t)})`;
}

/** "2026-12-07 14:03:05 UTC" from an ISO time (others as given, the T a space). */
export function formatSince(iso: string): string {
  const utc = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d(?::\d\d)?)(?:\.\d+)?Z$/.exec(iso);
  return utc ? `${utc[1]} ${utc[2]} UTC` : iso.replace('T', ' ');
}

/**
 * The hover's line for one instance: "runs on node3 · running since 2026-12-07 14:03:05 UTC ·
 * 1 restart · planned node2; moved after node2 failed".
 */
export function liveLine(planned: string | undefined, t: LiveTask): string {
  const where = t.node === '' ? `waits for a node · ${t.state}` : `runs on ${t.node} · ${t.state}`;
  const parts = [`${where}${t.since !== undefined ? ` since ${formatSince(t.since)}` : ''}`];
  if (t.restarts !== undefined) parts.push(`${t.restarts} restart${t.restarts === 1 ? '' : 's'}`);
  if (t.node === '' || t.node !== planned) parts.push(`planned ${planned ?? 'no node'}${cause(t)}`);
  else parts.push('as planned');
  return parts.join(' · ');
}
