/** Stop and start a node container (a simulated machine failure, and its return); finding Berth containers by name. */
import type Docker from 'dockerode';
import { call, wrap } from './docker';
import { ClusterError, statusOf } from './errors';
import { LABEL } from './labels';

export interface FoundNode {
  readonly cluster: string;
  readonly node: string;
  readonly id: string;
  readonly container: string;
}

/** The node container named `node` (in `cluster` when given): `cluster/ambiguous` when several clusters have it. */
export async function findNode(docker: Docker, node: string, cluster?: string): Promise<FoundNode> {
  const filters = { label: [`${LABEL.role}=node`, `${LABEL.node}=${node}`, ...(cluster ? [`${LABEL.cluster}=${cluster}`] : [])] };
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters }));
  if (list.length === 0) throw new ClusterError('cluster/not-found', `no Berth node ${node}${cluster ? ` in cluster ${cluster}` : ''}: is the cluster up (berth up)?`);
  if (list.length > 1) throw new ClusterError('cluster/ambiguous', `node ${node} exists in clusters ${list.map((c) => c.Labels[LABEL.cluster]).join(', ')}: say which with --cluster`);
  const c = list[0];
  return { cluster: c.Labels[LABEL.cluster] ?? '', node, id: c.Id, container: (c.Names[0] ?? '').replace(/^\//, '') };
}

/** Stops a node container: its tasks die with it, as on a lost machine. */
export async function stopNode(docker: Docker, node: string, cluster?: string): Promise<FoundNode> {
  const found = await findNode(docker, node, cluster);
  await docker
    .getContainer(found.id)
    .stop({ t: 5 })
    .catch((err: unknown) => {
      if (statusOf(err) !== 304) throw wrap(`stopping ${found.container}`, err);
    });
  return found;
}

/** Starts a stopped node container again (its capacity returns; the controller places waiting tasks). */
export async function startNode(docker: Docker, node: string, cluster?: string): Promise<FoundNode> {
  const found = await findNode(docker, node, cluster);
  await docker
    .getContainer(found.id)
    .start()
    .catch((err: unknown) => {
      if (statusOf(err) !== 304) throw wrap(`starting ${found.container}`, err);
    });
  return found;
}
