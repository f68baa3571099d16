/** Loading a job or cluster file from disk with the engine's checker: specs with errors are refused, listing them. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSpecChecker, type SpecHost } from '../../server/engine/checkSpec';
import type { ClusterSpec, JobSpec, Problem } from '../../server/engine/model';
import { ClusterError } from './errors';

export const fileHost: SpecHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

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
  const text = fileHost.readFile(file);
  if (text === undefined) throw new ClusterError('cluster/not-found', `cannot read ${path}`);
  const checked = createSpecChecker().check(file, text, fileHost);
  const errors = checked.problems.filter((p) => p.severity === 'error');
  const broken: SpecError[] = errors.length > 0 ? [{ file, text, problems: errors }] : [];
  const jobs: JobSpec[] = [];
  let cluster: ClusterSpec | undefined;
  let clusterFile = file;
  for (const job of checked.jobs) {
    const source = job.cluster;
    if (source && !source.ok) {
      const ctext = fileHost.readFile(source.path) ?? '';
      broken.push({ file: source.path, text: ctext, problems: createSpecChecker().check(source.path, ctext, fileHost).problems.filter((p) => p.severity === 'error') });
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
  if (/\.ya?ml$/i.test(arg) || fileHost.readFile(file) !== undefined) return loadSpecs(arg, cwd).cluster.name;
  return arg;
}
