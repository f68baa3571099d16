/** `berth down CLUSTER`: removes every container and network labelled with the cluster. */
import { clusterNameOf, connect, down } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const DOWN_USAGE = 'usage: berth down CLUSTER (a cluster name, or a cluster or job file)';

export async function runDown(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = commandArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
  const [arg] = positionals;
  if (arg === undefined || positionals.length > 1) throw new UsageError(DOWN_USAGE);
  const name = clusterNameOf(arg, io.cwd);
  const result = await down(await connect(), name);
  io.out(`cluster ${name} is down: removed ${result.containers} containers and ${result.networks} network${result.networks === 1 ? '' : 's'}\n`);
  return 0;
}
