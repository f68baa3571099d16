/** `berth up CLUSTER [--image IMAGE] [--publish N]`: the cluster network and its node containers. */
import { connect, loadSpecs, up } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const UP_USAGE = 'usage: berth up CLUSTER_FILE|JOB_FILE [--image IMAGE] [--publish N]';

export async function runUp(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { image: { type: 'string' }, publish: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError(UP_USAGE);
  const { cluster } = loadSpecs(file, io.cwd);
  const docker = await connect();
  const result = await up(docker, cluster, {
    ...(values.image ? { image: values.image } : {}),
    ...(values.publish ? { publishPerRange: Number(values.publish) } : {}),
    onProgress: (e) => {
      if (e.kind === 'pull') io.err(`pulling ${e.progress.image}: ${e.progress.status}\n`);
    },
  });
  for (const n of result.nodes) {
    const ports = [...n.ports].map(([c, h]) => `${c}→127.0.0.1:${h}`);
    const range = ports.length > 4 ? `${ports[0] ?? ''} … ${ports[ports.length - 1] ?? ''} (${ports.length} ports)` : ports.join(', ');
    io.out(`${n.container.padEnd(24)} ${n.action.padEnd(8)} ${range}\n`);
  }
  io.out(`cluster ${result.cluster} is up on network ${result.network}\n`);
  return 0;
}
