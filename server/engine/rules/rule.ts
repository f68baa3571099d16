/** The shape of a semantic rule: one file per rule, each with stable codes. */
import type { ClusterSpec, JobSpec, Problem } from '../model';

export interface JobContext {
  readonly job: JobSpec;
  /** The resolved cluster, when the reference resolved to a valid cluster. */
  readonly cluster: ClusterSpec | undefined;
}

export interface ClusterContext {
  readonly cluster: ClusterSpec;
}

/**
 * A job check made by `Rule.createJobCheck`. It may keep what it derived from the last job and
 * cluster it was given and reuse it when the next ones' inputs are equal (models are immutable,
 * so the same object is the same input): the checker keeps one per rule and job document of a
 * file, so re-checking after a small edit of a large job costs little. Whatever it keeps, it
 * reports exactly what a new check reports.
 */
export type JobCheck = (ctx: JobContext) => Problem[];

export interface Rule {
  /** The codes this rule may report (a public contract). */
  readonly codes: readonly string[];
  readonly createJobCheck?: () => JobCheck;
  readonly checkCluster?: (ctx: ClusterContext) => Problem[];
}

/** A rule's problems for one job, from a new check (nothing kept). */
export function checkJob(rule: Rule, ctx: JobContext): Problem[] {
  return rule.createJobCheck?.()(ctx) ?? [];
}

/**
 * `derive(cluster)`, computed again only when the cluster is another object: for what a job check
 * reads of the cluster as a whole (largest node, port ranges, attributes).
 */
export function perCluster<T>(derive: (cluster: ClusterSpec) => T): (cluster: ClusterSpec) => T {
  let last: { cluster: ClusterSpec; value: T } | undefined;
  return (cluster) => {
    if (last?.cluster !== cluster) last = { cluster, value: derive(cluster) };
    return last.value;
  };
}
