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

export interface Rule {
  /** The codes this rule may report (a public contract). */
  readonly codes: readonly string[];
  readonly checkJob?: (ctx: JobContext) => Problem[];
  readonly checkCluster?: (ctx: ClusterContext) => Problem[];
}
