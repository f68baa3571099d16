/** `berth up`: the cluster network and one long-running container per node, idempotently. */
import type Docker from 'dockerode';
import type { ClusterNode, ClusterSpec } from '../../server/engine/model';
import { call, wrap } from './docker';
import { removeContainer } from './tasks';
import { ClusterError, messageOf, statusOf } from './errors';
import { ensureImage, type PullProgress } from './image';
import { LABEL, formatPortMap, isBerth, networkName, nodeContainerName, parsePortMap, type NodeRecord } from './labels';
import { findHostBlock, publishedPorts } from './ports';

/** PID 1 of a node (under Docker's init): idles, and exits at once on TERM. */
export const NODE_INIT = 'trap "exit 0" TERM INT; while :; do sleep 1 & wait $!; done';

export const DEFAULT_IMAGE = 'busybox:1.36';

export interface UpOptions {
  /** The nodes' image (needs `sh` and `sleep`); default the cluster's defaults.image, then busybox:1.36. */
  readonly image?: string;
  /** How many ports of each node port range are published on 127.0.0.1 (default 10). */
  readonly publishPerRange?: number;
  readonly onProgress?: (e: UpProgress) => void;
  /**
   * Aborting stops the up at its next step and removes what this up made (the node containers it
   * created, the network if it created it): `cluster/cancelled`. What was there before is kept.
   */
  readonly signal?: AbortSignal;
}

export type UpProgress =
  | { readonly kind: 'network'; readonly name: string; readonly created: boolean }
  | { readonly kind: 'node'; readonly node: string; readonly action: 'created' | 'started' | 'running' }
  | { readonly kind: 'pull'; readonly progress: PullProgress };

export interface UpResult {
  readonly cluster: string;
  readonly network: string;
  readonly nodes: readonly { readonly node: string; readonly container: string; readonly action: 'created' | 'started' | 'running'; readonly ports: ReadonlyMap<number, number> }[];
}

export function nodeImageOf(cluster: ClusterSpec, options: { image?: string }): string {
  return options.image ?? cluster.defaults.image ?? DEFAULT_IMAGE;
}

/** The node as stored in labels: spans dropped. */
function plainNode(n: ClusterNode): ClusterNode {
  return { name: n.name, resources: n.resources, ports: n.ports, attributes: n.attributes, nameSpan: { start: 0, end: 0 }, span: { start: 0, end: 0 } };
}

async function ensureNetwork(docker: Docker, cluster: string): Promise<boolean> {
  const name = networkName(cluster);
  const existing = await call('listing networks', () => docker.listNetworks({ filters: { name: [name] } }));
  const found = existing.find((n) => n.Name === name);
  if (found) {
    if (!isBerth(found.Labels ?? undefined, cluster)) throw new ClusterError('cluster/name-clash', `network ${name} exists and is not Berth's (no berth.cluster=${cluster} label): remove or rename it, or choose another cluster name`);
    return false;
  }
  await call(`creating network ${name}`, () => docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [LABEL.cluster]: cluster, [LABEL.role]: 'network' } }));
  return true;
}

/** Host ports recorded by every Berth node container (of any cluster). */
async function takenHostPorts(docker: Docker): Promise<Set<number>> {
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=node`] } }));
  const taken = new Set<number>();
  for (const c of list) for (const h of parsePortMap(c.Labels[LABEL.ports]).values()) taken.add(h);
  return taken;
}

/** Inspects an existing container of that name: Berth's node of this cluster, or a clash. */
async function existingNode(docker: Docker, cluster: string, name: string): Promise<Docker.ContainerInspectInfo | undefined> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw wrap(`inspecting ${name}`, err);
  }
  const labels = info.Config.Labels ?? {};
  if (!isBerth(labels, cluster) || labels[LABEL.role] !== 'node') {
    throw new ClusterError('cluster/name-clash', `a container named ${name} exists and is not a Berth node of cluster ${cluster}: Berth leaves it untouched; remove or rename it, or choose another cluster name`);
  }
  return info;
}

/** Host ports for a node's published ports, recorded in `taken`. */
async function pickPorts(node: ClusterNode, perRange: number, taken: Set<number>): Promise<Map<number, number>> {
  const wanted = publishedPorts(node, perRange);
  const ports = new Map<number, number>();
  if (wanted.length === 0) return ports;
  const base = await findHostBlock(wanted.length, taken);
  if (base === undefined) throw new ClusterError('cluster/ports-exhausted', `no block of ${wanted.length} free host ports on 127.0.0.1 for node ${node.name} (set BERTH_HOST_PORTS=from-to)`);
  wanted.forEach((p, k) => {
    ports.set(p, base + k);
    taken.add(base + k);
  });
  return ports;
}

/** Creates the node container: false when Berth's node of that name exists already (another up made it). */
async function createNode(docker: Docker, cluster: string, network: string, image: string, node: ClusterNode, ports: ReadonlyMap<number, number>): Promise<boolean> {
  const name = nodeContainerName(cluster, node.name);
  const record: NodeRecord = { node: plainNode(node), image };
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const [c, h] of ports) {
    exposed[`${c}/tcp`] = {};
    bindings[`${c}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(h) }];
  }
  try {
    await docker.createContainer({
      name,
      Image: image,
      Hostname: node.name,
      Cmd: ['sh', '-c', NODE_INIT],
      Labels: { [LABEL.cluster]: cluster, [LABEL.role]: 'node', [LABEL.node]: node.name, [LABEL.spec]: JSON.stringify(record), [LABEL.ports]: formatPortMap(ports) },
      ExposedPorts: exposed,
      HostConfig: { Init: true, NetworkMode: network, PortBindings: bindings, RestartPolicy: { Name: 'unless-stopped' } },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [node.name] } } },
    });
  } catch (err) {
    if (statusOf(err) !== 409) throw wrap(`creating node ${name}`, err);
    await existingNode(docker, cluster, name);
    return false;
  }
  return true;
}

/** Thrown at the next step of an aborted up or down. */
export function cancelledError(what: string): ClusterError {
  return new ClusterError('cluster/cancelled', `${what} cancelled`);
}

/** What an up made, removed when it is cancelled. */
interface Made {
  network: boolean;
  readonly containers: Set<string>;
}

/**
 * Creates the network and the node containers that are missing, starts the stopped ones. Aborted
 * (`options.signal`), it waits for the Docker calls under way, removes what it made and throws
 * `cluster/cancelled`.
 */
export async function up(docker: Docker, cluster: ClusterSpec, options: UpOptions = {}): Promise<UpResult> {
  const made: Made = { network: false, containers: new Set() };
  try {
    return await upSteps(docker, cluster, options, made);
  } catch (err) {
    if (!options.signal?.aborted) throw err;
    await removeMade(docker, cluster.name, made);
    throw cancelledError(`cluster ${cluster.name} up`);
  }
}

async function removeMade(docker: Docker, cluster: string, made: Made): Promise<void> {
  await Promise.all([...made.containers].map((name) => removeContainer(docker, name)));
  if (!made.network) return;
  try {
    await docker.getNetwork(networkName(cluster)).remove();
  } catch (err) {
    if (statusOf(err) !== 404) throw wrap(`removing network ${networkName(cluster)}`, err);
  }
}

async function upSteps(docker: Docker, cluster: ClusterSpec, options: UpOptions, made: Made): Promise<UpResult> {
  const checkAborted = (): void => {
    if (options.signal?.aborted) throw cancelledError(`cluster ${cluster.name} up`);
  };
  const image = nodeImageOf(cluster, options);
  const perRange = options.publishPerRange ?? 10;
  const network = networkName(cluster.name);
  checkAborted();
  const existing = await Promise.all(cluster.nodes.map((n) => existingNode(docker, cluster.name, nodeContainerName(cluster.name, n.name))));
  checkAborted();
  if (existing.some((e) => e === undefined)) await ensureImage(docker, image, (progress) => options.onProgress?.({ kind: 'pull', progress }));
  checkAborted();
  const created = await ensureNetwork(docker, cluster.name);
  made.network = created;
  options.onProgress?.({ kind: 'network', name: network, created });
  checkAborted();
  // Host ports are chosen one node at a time (so they never collide), containers start in parallel.
  const taken = await takenHostPorts(docker);
  const plans: { node: ClusterNode; info: Docker.ContainerInspectInfo | undefined; ports: Map<number, number> }[] = [];
  for (const [i, node] of cluster.nodes.entries()) {
    const info = existing[i];
    if (info) {
      plans.push({ node, info, ports: parsePortMap(info.Config.Labels?.[LABEL.ports]) });
      continue;
    }
    const ports = await pickPorts(node, perRange, taken);
    plans.push({ node, info: undefined, ports });
  }
  // Another `up` may have taken the same host ports meanwhile: pick again (one pick at a time) and retry.
  let picking: Promise<unknown> = Promise.resolve();
  const repick = (node: ClusterNode, old: ReadonlyMap<number, number>): Promise<Map<number, number>> => {
    const next = picking.then(async () => {
      for (const h of old.values()) taken.add(h);
      return pickPorts(node, perRange, taken);
    });
    picking = next.catch(() => undefined);
    return next;
  };
  const settled = await Promise.allSettled(
    plans.map(async ({ node, info, ports: first }) => {
      const name = nodeContainerName(cluster.name, node.name);
      let ports = first;
      let action: 'created' | 'started' | 'running' = 'running';
      for (let attempt = 0; ; attempt++) {
        checkAborted();
        if (!info) {
          if (await createNode(docker, cluster.name, network, image, node, ports)) made.containers.add(name);
          action = 'created';
        }
        if (info && info.State.Running) break;
        checkAborted();
        try {
          await docker.getContainer(name).start();
          if (action !== 'created') action = 'started';
          break;
        } catch (err) {
          if (statusOf(err) === 304) break;
          const clash = /port is already allocated|address already in use/i.test(messageOf(err));
          if (!clash || info || attempt >= 4) throw wrap(`starting node ${name}`, err);
          await removeContainer(docker, name);
          ports = await repick(node, ports);
        }
      }
      options.onProgress?.({ kind: 'node', node: node.name, action });
      return { node: node.name, container: name, action, ports };
    }),
  );
  // Every node's calls have ended (a cancel removes only what is no longer being made).
  const nodes = settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  checkAborted();
  return { cluster: cluster.name, network, nodes };
}
