/**
 * Per-file results the features read: the file's check and, for each job or cluster in it, the
 * cluster analysis (plan + failover of every workspace job targeting that cluster), memoised on
 * the revisions of every file involved.
 *
 * Two depths. `full` is every failover scenario the jobs ask for (sets, failure domains) and the
 * capacity suggestion, which re-runs the scenarios round after round. That costs more than a
 * keystroke may, so a `quick` analysis comes first: every scenario but no suggestion, and on a
 * large workspace only the plan and the single-node scan. The diagnostics scheduler asks for
 * `full` once typing pauses.
 */
import { analyzeCluster, rebaseAnalysis, sameAllocation, type ClusterAnalysis } from '../engine/analysis/analyzeCluster';
import type { CheckedFile } from '../engine/checkSpec';
import type { ClusterSpec, JobSpec, Problem } from '../engine/model';
import { clusterFailoverProblems, jobPlacementProblems } from '../engine/analysis/placementProblems';
import { formatBytes } from '../host/diskFiles';
import type { Workspace } from './workspace';

/**
 * `quick`: the full analysis when it is at hand, else one without the capacity suggestion (and,
 * on a large workspace, with only the single-node scan).
 * `full`: every scenario (computed now if need be). `best`: whichever is at hand, quick if none.
 */
export type AnalysisDepth = 'quick' | 'full' | 'best';

/** Task instances × nodes above which the quick analysis scans single nodes only. */
export const QUICK_FIRST_ABOVE = 200_000;

interface Memo {
  readonly key: string;
  /** What the analyses were computed from. */
  readonly cluster: ClusterSpec;
  readonly specs: readonly JobSpec[];
  quick?: ClusterAnalysis;
  full?: ClusterAnalysis;
}

export class Analyses {
  private readonly memo = new Map<string, Memo>();

  constructor(
    private readonly workspace: Workspace,
    private readonly quickFirstAbove = QUICK_FIRST_ABOVE,
  ) {}

  /**
   * The analysis of the cluster in file `clusterPath` (its first Cluster document), or undefined.
   * `interrupted`: asked between the failover scenarios of a full analysis computed now; true
   * stops it by throwing Interrupted (nothing is kept of it).
   */
  forCluster(clusterPath: string, cluster: ClusterSpec, depth: AnalysisDepth = 'best', interrupted?: () => boolean, indexed: 'all' | 'so far' = depth === 'full' ? 'all' : 'so far'): ClusterAnalysis | undefined {
    // A file above the size limit is not planned (Workspace.isLarge), nor are the jobs on its cluster.
    if (this.workspace.isLarge(clusterPath)) return undefined;
    // What of each job is planned: the tasks its `plannable` keeps (plannable.ts, as `berth plan`).
    // A full analysis plans every job of the workspace; a quick one of a job's cluster those indexed
    // so far (a job's first diagnostics do not wait for the index: see server.ts). A cluster file's
    // own analysis is about the jobs on it, which it waits for (`indexed`).
    const jobs = this.workspace.jobsTargeting(clusterPath, indexed).flatMap((j) => (j.job.plannable.kind === 'plannable' && !this.workspace.isLarge(j.path) ? [{ ...j, spec: j.job.plannable.spec }] : []));
    const key = [clusterPath, this.workspace.revision(clusterPath), ...jobs.map((j) => `${j.path}@${this.workspace.revision(j.path)}#${j.job.doc.index}`)].join('|');
    // Two jobs of the same name on one cluster: plan the first (the rules cannot see across files).
    const byName = new Map(jobs.reverse().map((j) => [j.spec.name, j.spec]));
    const specs = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    let memo = this.memo.get(clusterPath);
    // The analysis before this edit: its choices and failover scenarios the edit cannot change are kept.
    let before: ClusterAnalysis | undefined;
    if (!memo || memo.key !== key) {
      before = memo?.quick ?? memo?.full;
      // An edit that changes nothing the allocator reads (a command, an image, a comment) keeps
      // the plan and failover scan, with the new spans around them.
      const same = memo !== undefined && sameAllocation(memo.cluster, memo.specs, cluster, specs) ? memo : undefined;
      memo = { key, cluster, specs };
      if (same?.quick) memo.quick = rebaseAnalysis(same.quick, cluster, specs);
      if (same?.full) {
        // The two share the plan's input: re-base it once.
        const q = memo.quick;
        memo.full = q ? { ...same.full, cluster, jobs: specs, input: q.input, instances: q.instances, byTask: q.byTask } : rebaseAnalysis(same.full, cluster, specs);
      }
      this.memo.set(clusterPath, memo);
    }
    if (memo.full) return memo.full;
    if (depth !== 'full' && memo.quick) return memo.quick;
    const size = cluster.nodes.length * specs.reduce((n, j) => n + j.tasks.reduce((m, t) => m + t.instances, 0), 0);
    if (depth !== 'full') return (memo.quick = analyzeCluster(cluster, specs, { failover: size > this.quickFirstAbove ? 'nodes' : 'scenarios', keep: true, ...(before === undefined ? {} : { previous: before }) }));
    return (memo.full = analyzeCluster(cluster, specs, interrupted === undefined ? {} : { interrupted }));
  }

  /** The note on a document above `berth.analysis.maxDocumentSize` (or a job whose cluster file is). */
  private tooLarge(path: string, what: string): Problem {
    const size = this.workspace.text(path)?.length ?? 0;
    const limit = this.workspace.limits.maxDocumentSize;
    return {
      code: 'analysis/too-large',
      severity: 'information',
      message: `placement and failover are skipped: ${what} ${formatBytes(size)}, above the ${formatBytes(limit)} limit (berth.analysis.maxDocumentSize); syntax and schema are still checked`,
      span: { start: 0, end: Math.min(size, 1) },
    };
  }

  /** Is the full analysis of every cluster this file involves at hand? */
  complete(path: string, checked: CheckedFile): boolean {
    if (this.workspace.isLarge(path)) return true;
    return this.clusterPaths(path, checked).every((p) => this.memo.get(p)?.full !== undefined);
  }

  private clusterPaths(path: string, checked: CheckedFile): string[] {
    const out = checked.jobs.flatMap((job) => (job.plannable.kind === 'plannable' && job.cluster ? [job.cluster.path] : []));
    if (checked.clusters[0]?.ok) out.push(path);
    return out;
  }

  /** Everything to show on a file: its check problems plus placement and failover. */
  problems(path: string, checked: CheckedFile, depth: AnalysisDepth = 'best'): Problem[] {
    const out = [...checked.problems];
    if (this.workspace.isLarge(path)) {
      if (checked.file.documents.length > 0) out.push(this.tooLarge(path, 'this document is'));
      return out;
    }
    for (const job of checked.jobs) {
      if (job.cluster && this.workspace.isLarge(job.cluster.path)) out.push({ ...this.tooLarge(job.cluster.path, 'its cluster file is'), span: job.doc.span.start === job.doc.span.end ? job.doc.span : { start: job.doc.span.start, end: job.doc.span.start + 1 } });
    }
    for (const job of checked.jobs) {
      const { plannable, cluster } = job;
      if (plannable.kind !== 'plannable' || !cluster) continue;
      const analysis = this.forCluster(cluster.path, cluster.spec, depth);
      if (analysis) out.push(...jobPlacementProblems(analysis, plannable.spec, plannable.fitsNowhere));
    }
    const first = checked.clusters[0];
    if (first?.ok) {
      const analysis = this.forCluster(path, first.spec, depth, undefined, 'all');
      if (analysis) out.push(...clusterFailoverProblems(analysis, first.spec));
    }
    return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  }

  /** For a job file: the analysis of each job's cluster; for a cluster file: its own (`interrupted`: see forCluster). */
  forFile(path: string, checked: CheckedFile, depth: AnalysisDepth = 'best', interrupted?: () => boolean): { job?: string; analysis: ClusterAnalysis }[] {
    const out: { job?: string; analysis: ClusterAnalysis }[] = [];
    if (this.workspace.isLarge(path)) return out;
    for (const job of checked.jobs) {
      if (job.plannable.kind !== 'plannable' || !job.cluster) continue;
      const analysis = this.forCluster(job.cluster.path, job.cluster.spec, depth, interrupted);
      if (analysis) out.push({ job: job.spec.name, analysis });
    }
    const first = checked.clusters[0];
    if (first?.ok) {
      const analysis = this.forCluster(path, first.spec, depth, interrupted, 'all');
      if (analysis) out.push({ analysis });
    }
    return out;
  }
}
