/**
 * The tasks of a compiled input matched to an earlier one's (by id), and whether a task is compiled
 * alike in both: what the plan hints (planHints.ts) and the scenario cache (scenarioCache.ts) read to know
 * what an edit changed; and the down set as a key for their memos.
 */
import type { Context } from './compiledInput';
import { sameInstance } from './taskGroups';

/** The down set as a key (a memo holds for the same one only). */
export function downKey(down: ReadonlySet<string> | undefined): string {
  return down === undefined ? '' : [...down].sort().join('\n');
}

/** The tasks of `ctx` matched to those of an earlier context `old` by id (see matchTasks). */
export interface TaskMatch {
  /** Per task of `ctx`: its index in `old`, -1 when new. */
  readonly oldOf: Int32Array;
  /** Tasks of `old` that `ctx` no longer has. */
  readonly gone: readonly number[];
  /** The group of `ctx` with the job and task name of task j of `old`'s group, if any. */
  groupOf(j: number): number | undefined;
}

export function matchTasks(old: Context, ctx: Context): TaskMatch {
  const oldOf = new Int32Array(ctx.tasks.length);
  const seen = new Uint8Array(old.tasks.length);
  for (let k = 0; k < ctx.tasks.length; k++) {
    // Most tasks keep their index (an edit adds or removes few): try it before the map.
    const id = ctx.tasks[k].id;
    const j = k < old.tasks.length && old.tasks[k].id === id ? k : (old.taskIndex.get(id) ?? -1);
    oldOf[k] = j;
    if (j >= 0) seen[j] = 1;
  }
  const gone: number[] = [];
  for (let j = 0; j < old.tasks.length; j++) if (seen[j] === 0) gone.push(j);
  const key = (c: Context, g: number): string => `${c.jobs[c.groups[g].job].name}\n${c.groups[g].task}`;
  let groups: Map<string, number> | undefined;
  return {
    oldOf,
    gone,
    groupOf: (j) => (groups ??= new Map(ctx.groups.map((_, g) => [key(ctx, g), g]))).get(key(old, old.taskGroup[j])),
  };
}

/** Is task j of `a` compiled as task k of `b` (an instance the allocator reads alike, the same order keys, job settings and dependencies)? */
export function sameTask(a: Context, j: number, b: Context, k: number): boolean {
  if (!sameInstance(a.tasks[j], b.tasks[k]) || a.effPrio[j] !== b.effPrio[k] || a.level[j] !== b.level[k]) return false;
  const ga = a.taskGroup[j];
  const gb = b.taskGroup[k];
  if (a.cyclic[ga] !== b.cyclic[gb]) return false;
  const ja = a.jobs[a.taskJob[j]];
  const jb = b.jobs[b.taskJob[k]];
  if (ja.binpack !== jb.binpack || ja.preemption !== jb.preemption) return false;
  const da = a.groups[ga].deps;
  const db = b.groups[gb].deps;
  if (da.length !== db.length) return false;
  for (let x = 0; x < da.length; x++) if (a.groups[da[x]].task !== b.groups[db[x]].task) return false;
  return true;
}
