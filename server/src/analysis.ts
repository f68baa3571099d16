/**
 * Per-file results the features read: the file's check and, for each job or cluster in it, the
 * cluster analysis (plan + failover of every workspace job targeting that cluster), memoised on
 * the revisions of every file involved.
 */
import { analyzeCluster, type ClusterAnalysis } from '../engine/analyzeCluster';
import type { CheckedFile } from '../engine/checkSpec';
import type { ClusterSpec, Problem } from '../engine/model';
import { clusterFailoverProblems, jobPlacementProblems } from '../engine/placementProblems';
import type { Workspace } from './workspace';

export class Analyses {
  private readonly memo = new Map<string, { key: string; analysis: ClusterAnalysis }>();

  constructor(private readonly workspace: Workspace) {}

  /** The analysis of the cluster in file `clusterPath` (its first Cluster document), or undefined. */
  forCluster(clusterPath: string, cluster: ClusterSpec): ClusterAnalysis | undefined {
    const jobs = this.workspace.jobsTargeting(clusterPath).filter((j) => j.job.ok && j.job.cluster?.ok);
    const key = [clusterPath, this.workspace.revision(clusterPath), ...jobs.map((j) => `${j.path}@${this.workspace.revision(j.path)}#${j.job.doc.index}`)].join('|');
    const hit = this.memo.get(clusterPath);
    if (hit && hit.key === key) return hit.analysis;
    // Two jobs of the same name on one cluster: plan the first (the rules cannot see across files).
    const byName = new Map(jobs.reverse().map((j) => [j.job.spec.name, j.job.spec]));
    const analysis = analyzeCluster(cluster, [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1)));
    this.memo.set(clusterPath, { key, analysis });
    return analysis;
  }

  /** Everything to show on a file: its check problems plus placement and failover. */
  problems(path: string, checked: CheckedFile): Problem[] {
    const out = [...checked.problems];
    for (const job of checked.jobs) {
      if (!job.ok || !job.cluster?.ok) continue;
      const analysis = this.forCluster(job.cluster.path, job.cluster.spec);
      if (analysis) out.push(...jobPlacementProblems(analysis, job.spec));
    }
    const first = checked.clusters[0];
    if (first?.ok) {
      const analysis = this.forCluster(path, first.spec);
      if (analysis) out.push(...clusterFailoverProblems(analysis, first.spec));
    }
    return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  }

  /** For a job file: the analysis of each job's cluster; for a cluster file: its own. */
  forFile(path: string, checked: CheckedFile): { job?: string; analysis: ClusterAnalysis }[] {
    const out: { job?: string; analysis: ClusterAnalysis }[] = [];
    for (const job of checked.jobs) {
      if (!job.ok || !job.cluster?.ok) continue;
      const analysis = this.forCluster(job.cluster.path, job.cluster.spec);
      if (analysis) out.push({ job: job.spec.name, analysis });
    }
    const first = checked.clusters[0];
    if (first?.ok) {
      const analysis = this.forCluster(path, first.spec);
      if (analysis) out.push({ analysis });
    }
    return out;
  }
}
