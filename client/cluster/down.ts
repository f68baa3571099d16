/** `berth down`: removes every container and network labelled with the cluster, and nothing else. */
import type Docker from 'dockerode';
import { call, wrap } from './docker';
import { ClusterError, statusOf } from './errors';
import { LABEL, clusterFilter, isBerth } from './labels';
import { removeContainer } from './tasks';

export interface DownResult {
  readonly containers: number;
  readonly networks: number;
}

export interface DownOptions {
  /**
   * Aborting stops the down between its steps (tasks, nodes, networks), never within one: what
   * is left is a cluster a later `down` removes (`cluster/cancelled` says how far it got).
   */
  readonly signal?: AbortSignal;
}

async function removeAll(docker: Docker, cluster: string, checkAborted: () => void, removed: { count: number }): Promise<void> {
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: clusterFilter(cluster) }));
  const ours = list.filter((c) => isBerth(c.Labels, cluster));
  // Tasks and the lease first, then nodes (tasks share their node's namespaces).
  const tasks = ours.filter((c) => c.Labels[LABEL.role] !== 'node');
  checkAborted();
  await Promise.all(tasks.map((c) => removeContainer(docker, c.Id)));
  removed.count += tasks.length;
  const nodes = ours.filter((c) => c.Labels[LABEL.role] === 'node');
  checkAborted();
  await Promise.all(nodes.map((c) => removeContainer(docker, c.Id)));
  removed.count += nodes.length;
}

export async function down(docker: Docker, cluster: string, options: DownOptions = {}): Promise<DownResult> {
  const containers = { count: 0 };
  const checkAborted = (): void => {
    if (options.signal?.aborted) throw new ClusterError('cluster/cancelled', `cluster ${cluster} down cancelled after removing ${containers.count} container${containers.count === 1 ? '' : 's'}: run down again to remove the rest`);
  };
  await removeAll(docker, cluster, checkAborted, containers);
  // A controller still running may have created something meanwhile (a lease, a replacement): once more.
  await removeAll(docker, cluster, checkAborted, containers);
  const count = containers.count;
  checkAborted();
  const networks = await call('listing networks', () => docker.listNetworks({ filters: { label: [`${LABEL.cluster}=${cluster}`] } }));
  let removed = 0;
  for (const n of networks) {
    if (!isBerth(n.Labels ?? undefined, cluster)) continue;
    try {
      await docker.getNetwork(n.Id).remove();
      removed++;
    } catch (err) {
      if (statusOf(err) !== 404) throw wrap(`removing network ${n.Name}`, err);
    }
  }
  return { containers: count, networks: removed };
}
