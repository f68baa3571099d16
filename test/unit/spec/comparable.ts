import type { AllocationInput } from '../../../server/engine/alloc';
import type { Constraint, TaskInstance } from '../../../server/engine/model';

/** A constraint as the allocator reads it: no span. */
export function comparableConstraint({ field, operator, value }: Constraint): unknown {
  return { field, operator, value };
}

/**
 * Instances with their constraints reduced to what the allocator reads: a task that an edit only
 * moved keeps its instances, whose constraints keep the spans they were made with
 * (TaskInstance.constraints), so two equal inputs may differ there.
 */
export function comparableInstances(tasks: readonly TaskInstance[] | undefined): unknown {
  return tasks?.map((t) => ({ ...t, constraints: t.constraints.map(comparableConstraint) }));
}

/** The input with every instance comparable (see comparableInstances). */
export function comparableInput(input: AllocationInput): unknown {
  return { ...input, jobs: input.jobs.map((j) => ({ ...j, tasks: comparableInstances(j.tasks) })) };
}
