/** Loading a job or cluster file from disk with the engine's checker: specs with errors are refused, listing them. */
import { resolve } from 'node:path';
import { createSpecChecker, type SpecHost } from '../../server/engine/checkSpec';
import type { ClusterSpec, JobSpec, Problem } from '../../server/engine/model';
import { createDiskHost, readTextFile } from '../../server/host/diskFiles';
import { ClusterError } from './errors';

/** Regular files of at most 16 MiB (diskFiles.ts): a FIFO or a device named as a cluster is never read. */
export const fileHost: SpecHost = createDiskHost();

export interface SpecError {
  readonly file: string;
  readonly text: string;
  readonly problems: readonly Problem[];
}

export interface LoadedSpecs {
  readonly cluster: ClusterSpec;
  /** The file the cluster came from. */
  readonly clusterFile: string;
  /** Job documents of the file (none for a cluster file). */
  readonly jobs: readonly JobSpec[];
}

/** `deploy/spec-invalid` carrying the problems, so a caller can print them. */
export class SpecInvalidError extends ClusterError {
  constructor(readonly errors: readonly SpecError[]) {
    super('deploy/spec-invalid', `the specs have errors: ${errors.map((e) => `${e.file}: ${e.problems.map((p) => p.message).join('; ')}`).join('; ')}`);
  }
}

/** A cluster file, or a job file with its cluster. */
export function loadSpecs(path: string, cwd = process.cwd()): LoadedSpecs {
  const file = resolve(cwd, path);
  const read = readTextFile(file);
  if (read.kind !== 'text') throw new ClusterError('cluster/not-found', read.kind === 'missing' ? `cannot read ${path}: no such file` : `cannot read ${path}: it ${read.reason}`);
  const text = read.text;
  const checked = createSpecChecker().check(file, text, fileHost);
  const errors = checked.problems.filter((p) => p.severity === 'error');
  const broken: SpecError[] = errors.length > 0 ? [{ file, text, problems: errors }] : [];
  const jobs: JobSpec[] = [];
  let cluster: ClusterSpec | undefined;
  let clusterFile = file;
  for (const job of checked.jobs) {
    const source = job.cluster;
    if (source && !source.ok) {
      const ctext = readTextFile(source.path);
      if (ctext.kind !== 'text') throw new ClusterError('cluster/not-found', `cannot read ${source.path}`);
      broken.push({ file: source.path, text: ctext.text, problems: createSpecChecker().check(source.path, ctext.text, fileHost).problems.filter((p) => p.severity === 'error') });
    }
    if (source?.ok) {
      cluster ??= source.spec;
      clusterFile = source.path;
      jobs.push(job.spec);
    }
  }
  if (broken.length > 0) throw new SpecInvalidError(broken);
  cluster ??= checked.clusters.find((c) => c.ok)?.spec;
  if (!cluster) throw new ClusterError('cluster/not-found', `${path} has no Cluster document and no Job with a readable cluster`);
  return { cluster, clusterFile, jobs };
}

/** A cluster argument: a cluster or job file (its cluster's name), or else a cluster name as is. */
export function clusterNameOf(arg: string, cwd = process.cwd()): string {
  const file = resolve(cwd, arg);
  if (/\.ya?ml$/i.test(arg) || readTextFile(file).kind !== 'missing') return loadSpecs(arg, cwd).cluster.name;
  return arg;
}
