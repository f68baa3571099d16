/** The arguments `berth deploy` and `berth diff` share: one job file, `--job NAME`, `--engine`, `--image`, `--json`; the file's cluster and the jobs chosen. */
import { loadSpecs, parseEngine } from '../client/cluster';
import type { ClusterSpec, EngineKind, JobSpec } from '../server/engine/model';
import { commandArgs } from './args';
import { UsageError, type CliIo } from './io';

export interface JobArgs {
  readonly cluster: ClusterSpec;
  readonly jobs: readonly JobSpec[];
  readonly engine: EngineKind | undefined;
  readonly image: string | undefined;
  readonly json: boolean;
}

export function jobArgs(argv: readonly string[], io: CliIo, usage: string): JobArgs {
  const { values, positionals } = commandArgs({ args: [...argv], options: { image: { type: 'string' }, job: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError(usage);
  const engine = parseEngine(values.engine);
  const { cluster, jobs } = loadSpecs(file, io.cwd);
  const selected = values.job ? jobs.filter((j) => j.name === values.job) : jobs;
  if (selected.length === 0) throw new UsageError(values.job ? `no job ${values.job} in ${file}` : `no Job document in ${file}`);
  return { cluster, jobs: selected, engine, image: values.image, json: values.json };
}
