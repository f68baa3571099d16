import type { AllocationInput } from '../../../server/engine/alloc';
import type { TaskInstance } from '../../../server/engine/model';

/**
 * Instances with their constraints reduced to what the allocator reads: a task that an edit only
 * moved keeps its instances, whose constraints keep the spans they were made with
 * (TaskInstance.constraints), so two equal inputs may differ there.
 */
export function comparableInstances(tasks: readonly TaskInstance[] | undefined): unknown {
  return tasks?.map((t) => ({ ...t, constraints: t.constraints.map(({ field, operator, value }) => ({ field, operator, value })) }));
}

/** The input with every instance comparable (see comparableInstances). */
export function comparableInput(input: AllocationInput): unknown {
  return { ...input, jobs: input.jobs.map((j) => ({ ...j, tasks: comparableInstances(j.tasks) })) };
}
