/** `berth down`: removes every container and network labelled with the cluster, and nothing else. */
import type Docker from 'dockerode';
import { call, wrap } from './docker';
import { statusOf } from './errors';
import { LABEL, clusterFilter, isBerth } from './labels';
import { removeContainer } from './tasks';

export interface DownResult {
  readonly containers: number;
  readonly networks: number;
}

async function removeAll(docker: Docker, cluster: string): Promise<number> {
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: clusterFilter(cluster) }));
  const ours = list.filter((c) => isBerth(c.Labels, cluster));
  // Tasks and the lease first, then nodes (tasks share their node's namespaces).
  const tasks = ours.filter((c) => c.Labels[LABEL.role] !== 'node');
  await Promise.all(tasks.map((c) => removeContainer(docker, c.Id)));
  const nodes = ours.filter((c) => c.Labels[LABEL.role] === 'node');
  await Promise.all(nodes.map((c) => removeContainer(docker, c.Id)));
  return ours.length;
}

export async function down(docker: Docker, cluster: string): Promise<DownResult> {
  let count = await removeAll(docker, cluster);
  // A controller still running may have created something meanwhile (a lease, a replacement): once more.
  count += await removeAll(docker, cluster);
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
