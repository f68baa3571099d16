/** `berth stop-node NODE` / `berth start-node NODE` [--cluster C]: a simulated machine failure, and its return. */
import { clusterNameOf, engineHolding, engineOf, type NodeChange } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const NODES_USAGE = 'usage: berth stop-node|start-node NODE [--cluster CLUSTER]   (NODE may also be CLUSTER/NODE)';

const DONE: Readonly<Record<NodeChange['change'], string>> = {
  stopped: 'stopped',
  started: 'started',
  'cut off': 'cut off the swarm (its link is down; its daemon runs on, as a partitioned machine would)',
  joined: 'joined to the swarm again (its link is up)',
  drained: "drained (an existing swarm's machine is never stopped: its tasks leave it, as on a loss)",
  activated: 'made active again',
};

export async function runNode(verb: 'stop-node' | 'start-node', argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { cluster: { type: 'string' } }, allowPositionals: true, strict: true });
  const [arg] = positionals;
  if (arg === undefined || positionals.length > 1) throw new UsageError(NODES_USAGE);
  const [clusterPart, nodePart] = arg.includes('/') ? arg.split('/', 2) : [undefined, arg];
  const node = nodePart ?? arg;
  const named = values.cluster ? clusterNameOf(values.cluster, io.cwd) : clusterPart;
  const { engine, cluster } = named !== undefined ? { engine: await engineOf(named), cluster: named } : await engineHolding(async (e) => (await e.findNode(node)).cluster, `node ${node}`);
  const c = verb === 'stop-node' ? await engine.stopNode(cluster, node) : await engine.startNode(cluster, node);
  io.out(`node ${c.node} of cluster ${c.cluster} (${c.target}) ${c.already ? `was already ${c.change}` : DONE[c.change]}\n`);
  return 0;
}
