/** `berth down CLUSTER`: removes everything of the cluster on the engine that holds it. */
import { clusterNameOf, engineOf } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const DOWN_USAGE = 'usage: berth down CLUSTER (a cluster name, or a cluster or job file)';

export async function runDown(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = commandArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
  const [arg] = positionals;
  if (arg === undefined || positionals.length > 1) throw new UsageError(DOWN_USAGE);
  const name = clusterNameOf(arg, io.cwd);
  const engine = await engineOf(name);
  const result = await engine.down(name);
  const list = result.removed.length > 1 ? `${result.removed.slice(0, -1).join(', ')} and ${result.removed[result.removed.length - 1] ?? ''}` : (result.removed[0] ?? 'nothing');
  io.out(`cluster ${name} is down${result.engine === 'swarm' ? ` (the swarm at ${engine.where})` : ''}: removed ${list}\n`);
  return 0;
}
