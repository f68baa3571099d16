/** `berth up CLUSTER [--engine local|swarm] [--image IMAGE] [--publish N]`: the cluster's nodes on its engine. */
import { loadSpecs, parseEngine, upCluster } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const UP_USAGE = 'usage: berth up CLUSTER_FILE|JOB_FILE [--engine local|swarm] [--image IMAGE] [--publish N]';

export async function runUp(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { engine: { type: 'string' }, image: { type: 'string' }, publish: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError(UP_USAGE);
  const engine = parseEngine(values.engine);
  const { cluster, jobs } = loadSpecs(file, io.cwd);
  const images = values.image ? [] : jobs.flatMap((j) => j.tasks.map((t) => t.image).filter((i): i is string => i !== undefined));
  const result = await upCluster(cluster, {
    ...(engine ? { engine } : {}),
    ...(values.image ? { image: values.image } : {}),
    ...(values.publish ? { publishPerRange: Number(values.publish) } : {}),
    images,
    onStep: (step) => io.err(`  ${step}\n`),
    onProgress: (e) => {
      if (e.kind === 'pull') io.err(`pulling ${e.progress.image}: ${e.progress.status}\n`);
    },
  });
  if (result.local) {
    for (const n of result.local.nodes) {
      const ports = [...n.ports].map(([c, h]) => `${c}→127.0.0.1:${h}`);
      const range = ports.length > 4 ? `${ports[0] ?? ''} … ${ports[ports.length - 1] ?? ''} (${ports.length} ports)` : ports.join(', ');
      io.out(`${n.container.padEnd(24)} ${n.action.padEnd(8)} ${range}\n`);
    }
    io.out(`cluster ${result.local.cluster} is up on network ${result.local.network}\n`);
    return 0;
  }
  const swarm = result.swarm;
  if (!swarm) return 0;
  for (const line of swarm.nodes) io.out(`${line}\n`);
  const what = result.kind === 'test-swarm' ? `a local test swarm (${swarm.action})` : `an existing swarm (nodes checked and labelled)`;
  io.out(`cluster ${cluster.name} is up on ${what}; manager: ${swarm.manager}  (docker -H ${swarm.manager} node ls)\n`);
  return 0;
}
