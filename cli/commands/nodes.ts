/** `berth stop-node NODE` / `berth start-node NODE` [--cluster C]: a simulated machine failure, and its return. */
import { clusterNameOf, connect, startNode, stopNode } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const NODES_USAGE = 'usage: berth stop-node|start-node NODE [--cluster CLUSTER]   (NODE may also be CLUSTER/NODE)';

export async function runNode(verb: 'stop-node' | 'start-node', argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { cluster: { type: 'string' } }, allowPositionals: true, strict: true });
  const [arg] = positionals;
  if (arg === undefined || positionals.length > 1) throw new UsageError(NODES_USAGE);
  const [clusterPart, nodePart] = arg.includes('/') ? arg.split('/', 2) : [undefined, arg];
  const cluster = values.cluster ? clusterNameOf(values.cluster, io.cwd) : clusterPart;
  const docker = await connect();
  const found = verb === 'stop-node' ? await stopNode(docker, nodePart ?? arg, cluster) : await startNode(docker, nodePart ?? arg, cluster);
  io.out(`${verb === 'stop-node' ? 'stopped' : 'started'} node ${found.node} of cluster ${found.cluster} (${found.container})\n`);
  return 0;
}
