/**
 * Public types of the allocator, the explanations and the failover simulator (SPEC.md §3).
 * Quantities are the model's integers: cpus in millicpus, mem and disk in MiB.
 */
import type { ClusterNode, Constraint, Dimension, Resources, Strategy, TaskInstance } from '../model';

export interface AllocationJob {
  readonly name: string;
  readonly strategy: Strategy;
  readonly preemption: boolean;
  readonly tasks: readonly TaskInstance[];
}

export interface AllocationInput {
  readonly nodes: readonly ClusterNode[];
  readonly jobs: readonly AllocationJob[];
  /** Where tasks run now: TaskInstance.id → node name. Kept when the node is up and they still fit. */
  readonly current?: ReadonlyMap<string, string>;
  /** Names of nodes that are unavailable. */
  readonly down?: ReadonlySet<string>;
}

export type TaskResult =
  | { readonly kind: 'placed'; readonly node: string; readonly ports: readonly number[] }
  | { readonly kind: 'blocked'; readonly blockedBy: readonly string[] }
  | { readonly kind: 'unplaced' };

export interface PlanNode {
  readonly name: string;
  readonly capacity: Resources;
  readonly allocated: Resources;
  readonly portsUsed: readonly number[];
}

export interface Eviction {
  /** The evicted TaskInstance.id. */
  readonly task: string;
  readonly from: string;
  /** The TaskInstance.id of the task that took its place. */
  readonly by: string;
}

export interface Plan {
  /** By TaskInstance.id; iteration in sorted id order. */
  readonly tasks: ReadonlyMap<string, TaskResult>;
  /** Every node of the input (down ones included, with nothing allocated), sorted by name. */
  readonly nodes: readonly PlanNode[];
  /** In the order the allocator made them. */
  readonly evicted: readonly Eviction[];
  /** Every task has a node (what `tasks` says, without building it). */
  readonly placedAll: boolean;
}

export interface DimensionReport {
  readonly dimension: Dimension | 'ports';
  /** How many nodes (up, passing every constraint) lack this dimension. */
  readonly nodes: number;
  readonly needs: number;
  /** The most free of those nodes (less than `needs`), and its name. */
  readonly mostFree: number;
  readonly mostFreeNode: string;
}

/** One per constraint of the task, in its order. */
export interface ConstraintReport {
  /** Its span may be from before an edit moved the task (see TaskInstance.constraints): for its place, take the task spec's constraint at the same index. */
  readonly constraint: Constraint;
  /** Names of the up nodes this constraint rules out, sorted. */
  readonly filtered: string[];
}

export interface Explanation {
  readonly summary: string;
  readonly dimensions: DimensionReport[];
  readonly constraints: ConstraintReport[];
  readonly blockedBy?: readonly string[];
  readonly perNode?: { readonly node: string; readonly reasons: string[] };
}

export interface FailoverOptions {
  /** Only this job's tasks decide `safe`; every job when undefined. */
  readonly job?: string;
  /** Check every set of 2..tolerate nodes. */
  readonly tolerate: number;
  /** Node attributes whose values are failure domains. */
  readonly domains: readonly string[];
  /** Total scenarios at most (default 20,000); sets are cut first and `truncated` is set. */
  readonly maxScenarios?: number;
  /** Compute a capacity suggestion when not safe (default true). */
  readonly suggest?: boolean;
  /**
   * Asked before each scenario (and each round of a suggestion): true stops the scan by throwing
   * Interrupted. For a caller that has newer input to analyse than the one under way.
   */
  readonly interrupted?: () => boolean;
}

export interface FailoverMove {
  readonly task: string;
  readonly from: string;
  readonly to: string;
}

export interface FailoverLoss {
  readonly task: string;
  readonly from: string;
  readonly reason: string;
}

export interface FailoverScenario {
  /** Lost node names, sorted. */
  readonly lost: string[];
  readonly kind: 'node' | 'set' | 'domain';
  readonly domain?: { readonly attribute: string; readonly value: string };
  /** Tasks that ran on a lost node (or were evicted) and run elsewhere now, by task id. */
  readonly moves: FailoverMove[];
  readonly evicted: Eviction[];
  /** Tasks that ran before the loss and have no node after it (unplaced or blocked), by task id. */
  readonly unplaced: FailoverLoss[];
}

export interface CapacitySuggestion {
  /** Capacity to add, all entries together (verified: with it, every scenario is safe). */
  readonly perNode: { readonly node: string; readonly add: Resources }[];
  readonly summary: string;
}

export interface FailoverReport {
  readonly safe: boolean;
  readonly scenarios: FailoverScenario[];
  readonly truncated: boolean;
  readonly suggestion?: CapacitySuggestion;
}

/** A failover scenario: the nodes lost at once, and why they were chosen. */
export interface ScenarioSpec {
  readonly lost: string[];
  readonly kind: 'node' | 'set' | 'domain';
  readonly domain?: { readonly attribute: string; readonly value: string };
}

export interface ScenarioOutcome {
  readonly moves: FailoverMove[];
  readonly evicted: Eviction[];
  readonly unplaced: FailoverLoss[];
}
