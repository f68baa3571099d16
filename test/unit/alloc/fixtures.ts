/** Model objects for allocator tests, built directly (no YAML): cpus in millicpus, mem and disk in MiB. */
import type { ClusterNode, Constraint, ConstraintOperator, PortRange, Resources, TaskInstance } from '../../../server/engine/model';
import { instanceName } from '../../../server/engine/model';
import type { AllocationInput, AllocationJob, Plan } from '../../../server/engine/alloc';

export const Gi = 1024;
const SPAN = { start: 0, end: 0 };

export interface NodeOptions {
  readonly gpus?: number;
  readonly ports?: readonly PortRange[];
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A node; `cpus` in cores (2 → 2000 millicpus), mem and disk in MiB. */
export function node(name: string, cpus: number, mem: number, disk: number, options: NodeOptions = {}): ClusterNode {
  return {
    name,
    resources: { cpus: Math.round(cpus * 1000), mem, disk, gpus: options.gpus ?? 0 },
    ports: options.ports ?? [],
    attributes: options.attributes ?? {},
    nameSpan: SPAN,
    span: SPAN,
  };
}

export interface TaskOptions {
  readonly gpus?: number;
  readonly priority?: number;
  readonly instances?: number;
  readonly dependsOn?: readonly string[];
  readonly constraints?: readonly (readonly [string, ConstraintOperator, string?])[];
  readonly dynamicPorts?: number;
  readonly fixedPorts?: readonly number[];
}

export function constraint(field: string, operator: ConstraintOperator, value?: string): Constraint {
  return value === undefined ? { field, operator, span: SPAN } : { field, operator, value, span: SPAN };
}

/** The instances of one task of a job; `cpus` in cores, mem and disk in MiB. */
export function task(job: string, name: string, cpus: number, mem: number, disk: number, options: TaskOptions = {}): TaskInstance[] {
  const count = options.instances ?? 1;
  const resources: Resources = { cpus: Math.round(cpus * 1000), mem, disk, gpus: options.gpus ?? 0 };
  const constraints = (options.constraints ?? []).map(([f, op, v]) => constraint(f, op, v));
  return Array.from({ length: count }, (_, index) => {
    const instance = instanceName(name, index, count);
    return {
      id: `${job}/${instance}`,
      job,
      task: name,
      name: instance,
      index,
      priority: options.priority ?? 100,
      resources,
      ports: { dynamic: options.dynamicPorts ?? 0, fixed: options.fixedPorts ?? [] },
      dependsOn: options.dependsOn ?? [],
      constraints,
    };
  });
}

export function job(name: string, tasks: readonly (readonly TaskInstance[])[], options: Partial<Pick<AllocationJob, 'strategy' | 'preemption'>> = {}): AllocationJob {
  return { name, strategy: options.strategy ?? 'binpack', preemption: options.preemption ?? false, tasks: tasks.flat() };
}

/** The seed example of SPEC.md §3 (mem and disk in GiB there). */
export function seedInput(preemption: boolean): AllocationInput {
  const nodes = [node('node1', 2, 4 * Gi, 1 * Gi), node('node2', 3, 6 * Gi, 2 * Gi), node('node3', 4, 8 * Gi, 3 * Gi)];
  const tasks = [
    task('seed', 'task1', 1, 2 * Gi, 1 * Gi, { priority: 100 }),
    task('seed', 'task2', 2, 4 * Gi, 2 * Gi, { priority: preemption ? 200 : 100 }),
    task('seed', 'task3', 3, 6 * Gi, 3 * Gi, { priority: 100 }),
  ];
  return { nodes, jobs: [job('seed', tasks, { preemption })] };
}

/** task id → node name, for placed tasks. */
export function placements(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, r] of plan.tasks) if (r.kind === 'placed') out[id] = r.node;
  return out;
}

export function statusOf(plan: Plan, id: string): string {
  return plan.tasks.get(id)?.kind ?? 'missing';
}
