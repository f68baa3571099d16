/** `berth watch CLUSTER [--lease SECONDS]`: the controller in the foreground, until Ctrl-C. */
import { clusterNameOf, engineOf, type ControllerEvent } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const WATCH_USAGE = 'usage: berth watch CLUSTER [--lease SECONDS]   (a cluster name, or a cluster or job file)';

export function formatEvent(e: ControllerEvent): string {
  switch (e.kind) {
    case 'lease':
      return e.active ? 'controller active (holds the lease)' : `controller passive: ${e.holder} holds the lease`;
    case 'connection':
      return e.connected ? 'connected to Docker' : `lost Docker (${e.message ?? ''}); retrying`;
    case 'node':
      return `node ${e.node} ${e.up ? 'up' : 'lost'}`;
    case 'task':
      return `task ${e.task} ${e.action}${e.node ? ` on ${e.node}` : ''}${e.message ? ` (${e.message})` : ''}`;
    case 'failover':
      return `failover ${e.task}: ${e.from} lost at ${e.lostAt}, running on ${e.actual} at ${e.runningAt} (predicted ${e.predicted || 'no node'}${e.predicted === e.actual ? ', as predicted' : ', NOT as predicted'})`;
    case 'error':
      return `error: ${e.message}`;
  }
}

export async function runWatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { lease: { type: 'string' } }, allowPositionals: true, strict: true });
  const [arg] = positionals;
  if (arg === undefined || positionals.length > 1) throw new UsageError(WATCH_USAGE);
  const cluster = clusterNameOf(arg, io.cwd);
  const engine = await engineOf(cluster);
  const controller = engine.startController(cluster, {
    ...(values.lease ? { leaseSeconds: Number(values.lease) } : {}),
    onEvent: (e) => io.out(`${new Date().toISOString()} ${formatEvent(e)}\n`),
  });
  io.out(`watching cluster ${cluster} on ${engine.kind === 'swarm' ? `the swarm at ${engine.where}` : engine.where} as ${controller.id} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await controller.stop();
  return 0;
}
