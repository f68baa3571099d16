/**
 * The checks that let createContext (compiledInput.ts) reuse the task side of the last input on the
 * same nodes: each compares what compiling reads, element by element (never the span, never
 * object identity alone), so a reused part is provably what a fresh compile would build.
 */
import type { Constraint, TaskInstance } from '../model';
import { D } from './nodeTables';
import { sameItems, type GroupTask, type TaskGroups } from './taskGroups';

/** Does every group have the previous input's constraints and, where constrained, demand? Only the `touched` groups can differ. */
export function everySameConstraints(
  touched: readonly number[],
  constraintsOf: readonly (readonly Constraint[])[],
  before: readonly (readonly Constraint[])[],
  groupTasks: readonly GroupTask[],
  dem: Float64Array,
  demBefore: Float64Array,
): boolean {
  for (const g of touched) {
    const cs = constraintsOf[g];
    if (!sameConstraints(cs, before[g])) return false;
    if (cs.length > 0 && !sameRow(dem, demBefore, groupTasks[g].members[0])) return false;
  }
  return true;
}

/** Each group's dependencies, the previous input's where its first member names the same tasks. */
export function dependenciesOf(
  { groupKeys, groupTasks }: TaskGroups,
  firstOf: (g: number) => TaskInstance,
  same: { readonly dependsOn: readonly (readonly string[])[]; readonly deps: readonly number[][] } | undefined,
): { dependsOn: readonly (readonly string[])[]; deps: readonly number[][] } {
  const dependsOn = groupTasks.map((_, g) => firstOf(g).dependsOn);
  const deps = groupTasks.map((gt, g) => {
    if (same !== undefined && sameItems(same.dependsOn[g], dependsOn[g])) return same.deps[g];
    const out = new Set<number>();
    for (const name of dependsOn[g]) {
      const d = groupKeys[gt.job].get(name);
      if (d !== undefined) out.add(d);
    }
    return [...out].sort((a, b) => a - b);
  });
  return { dependsOn, deps };
}

/** The same constraints in the same order (by what compiling reads: not the span). */
export function sameConstraints(a: readonly Constraint[], b: readonly Constraint[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x.field !== y.field || x.operator !== y.operator || x.value !== y.value)) return false;
  }
  return true;
}

/** Task k's demand the same in both. */
export function sameRow(a: Float64Array, b: Float64Array, k: number): boolean {
  for (let d = k * D; d < k * D + D; d++) if (!Object.is(a[d], b[d])) return false;
  return true;
}
