/** `berth cluster import [--engine swarm] [--name NAME]`: a cluster file from a live swarm, on stdout. */
import { connectManager, endpointOf, importCluster, parseEngine } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const CLUSTER_USAGE = 'usage: berth cluster import [--engine swarm] [--name NAME] > NAME.cluster.yaml   (the swarm of DOCKER_HOST, which must be a manager)';

export async function runCluster(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { engine: { type: 'string' }, name: { type: 'string' } }, allowPositionals: true, strict: true });
  const [verb, ...rest] = positionals;
  if (verb !== 'import' || rest.length > 0) throw new UsageError(CLUSTER_USAGE);
  const engine = parseEngine(values.engine) ?? 'swarm';
  if (engine !== 'swarm') throw new UsageError('berth cluster import reads a swarm: --engine swarm (a local cluster is made from its file, so there is nothing to import)');
  const name = values.name ?? 'imported';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw new UsageError(`--name ${name}: a cluster name is a DNS label (lowercase letters, digits and '-')`);
  const docker = await connectManager(endpointOf());
  io.out(await importCluster(docker, name));
  return 0;
}
