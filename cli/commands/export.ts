/** `berth export JOB --format stack [--job NAME] [--image IMAGE]`: the placed job as a compose file for `docker stack deploy`. */
import { loadSpecs, toStack } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const EXPORT_USAGE = 'usage: berth export JOB_FILE --format stack [--job NAME] [--image IMAGE] > stack.yaml';

export function runExport(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = commandArgs({ args: [...argv], options: { format: { type: 'string' }, job: { type: 'string' }, image: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError(EXPORT_USAGE);
  if (values.format !== 'stack') throw new UsageError(`${values.format === undefined ? 'say the format: ' : `unknown format "${values.format}": `}--format stack (a compose file for docker stack deploy)`);
  const { cluster, jobs } = loadSpecs(file, io.cwd);
  const selected = values.job ? jobs.filter((j) => j.name === values.job) : jobs;
  if (selected.length !== 1) throw new UsageError(selected.length === 0 ? `no job ${values.job ?? ''} in ${file}` : `${file} has ${selected.length} jobs: say which with --job`);
  const [job] = selected;
  if (job) io.out(toStack(cluster, job, values.image));
  return 0;
}
