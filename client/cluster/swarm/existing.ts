/**
 * An existing swarm: the Docker endpoint must be a manager. Each cluster node maps to the Swarm
 * node of its hostname (or `swarm.node`); `up` checks that each exists, is Ready and reports at
 * least the capacity the file gives it — naming every one that does not — before it changes
 * anything, then labels them. `importCluster` writes a cluster file from a live swarm.
 */
import type Docker from 'dockerode';
import { stringify } from 'yaml';
import type { ClusterNode, ClusterSpec } from '../../../server/engine/model';
import { formatCpus, formatMemory } from '../../../server/engine/spec/units';
import { connect } from '../docker';
import { ClusterError, messageOf } from '../errors';
import { LABEL } from '../labels';
import { labelNodes, listSwarmNodes, type SwarmNodeInfo } from './nodeLabels';

interface SwarmInfo {
  readonly Swarm?: { readonly LocalNodeState?: string; readonly ControlAvailable?: boolean; readonly NodeID?: string; readonly RemoteManagers?: readonly { readonly Addr?: string }[] | null };
}

/** Connects to a swarm manager; a worker, or an engine in no swarm, is one clear error. */
export async function connectManager(endpoint: string): Promise<Docker> {
  const docker = await connect({ endpoint });
  let info: SwarmInfo;
  try {
    info = (await docker.info()) as SwarmInfo;
  } catch (err) {
    throw new ClusterError('docker/unreachable', `cannot read the Docker engine at ${endpoint}: ${messageOf(err)}`, { cause: err });
  }
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state !== 'active') throw new ClusterError('swarm/not-manager', `the Docker engine at ${endpoint} is not in a swarm (its swarm state is ${state}): give a manager's endpoint, or make a local test swarm (berth up --engine swarm without DOCKER_HOST, as root)`);
  if (!info.Swarm?.ControlAvailable) {
    const managers = (info.Swarm?.RemoteManagers ?? []).map((m) => m.Addr).filter(Boolean);
    throw new ClusterError('swarm/not-manager', `the Docker engine at ${endpoint} is a swarm worker, not a manager: point Berth at a manager${managers.length > 0 ? ` (this swarm's managers: ${managers.join(', ')})` : ''}`);
  }
  return docker;
}

export function hostnameOf(n: ClusterNode): string {
  return n.swarmNode ?? n.name;
}

/** Every way the swarm falls short of the cluster file, one line per node. */
export function checkNodes(cluster: ClusterSpec, nodes: readonly SwarmNodeInfo[]): string[] {
  const problems: string[] = [];
  for (const n of cluster.nodes) {
    const host = hostnameOf(n);
    const found = nodes.filter((s) => s.Description?.Hostname === host);
    const label = host === n.name ? n.name : `${n.name} (swarm node ${host})`;
    if (found.length === 0) {
      problems.push(`${label}: the swarm has no node of that hostname`);
      continue;
    }
    if (found.length > 1) {
      problems.push(`${label}: the swarm has ${found.length} nodes of that hostname; set swarm.node to tell them apart`);
      continue;
    }
    const s = found[0];
    if (s.Status?.State !== 'ready') problems.push(`${label}: not Ready (its state is ${s.Status?.State ?? 'unknown'}${s.Status?.Message ? `: ${s.Status.Message}` : ''})`);
    const cpus = (s.Description?.Resources?.NanoCPUs ?? 0) / 1e6; // millicpus
    const mem = (s.Description?.Resources?.MemoryBytes ?? 0) / (1024 * 1024);
    const short: string[] = [];
    if (cpus < n.resources.cpus) short.push(`cpus ${formatCpus(Math.floor(cpus))} < ${formatCpus(n.resources.cpus)}`);
    if (mem < n.resources.mem) short.push(`mem ${formatMemory(Math.floor(mem))} < ${formatMemory(n.resources.mem)}`);
    if (short.length > 0) problems.push(`${label}: has less than the file gives it (${short.join(', ')})`);
  }
  return problems;
}

/** Checks the swarm against the file (nothing changed when it falls short), then labels its nodes. */
export async function upExistingSwarm(docker: Docker, cluster: ClusterSpec, image: string, signal?: AbortSignal): Promise<readonly string[]> {
  const nodes = await listSwarmNodes(docker);
  const problems = checkNodes(cluster, nodes);
  if (problems.length > 0) throw new ClusterError('swarm/nodes', `the swarm does not have the nodes cluster ${cluster.name} names; nothing was changed:\n  ${problems.join('\n  ')}`);
  // Labelling is the only change, and goes as a whole: cancel stops before it.
  if (signal?.aborted) throw new ClusterError('cluster/cancelled', `cluster ${cluster.name} up cancelled; nothing was changed`);
  await labelNodes(docker, cluster, hostnameOf, image);
  return cluster.nodes.map(hostnameOf);
}

/** A DNS label from a hostname (`Worker_1.example.com` → `worker-1`), as cluster node names must be. */
function nodeNameOf(hostname: string): string {
  const base = hostname.split('.')[0] ?? hostname;
  const name = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return name || 'node';
}

/** A cluster file (YAML) from a live swarm: its nodes, their resources, their labels as attributes. */
export async function importCluster(docker: Docker, name: string): Promise<string> {
  const nodes = (await listSwarmNodes(docker)).slice().sort((a, b) => ((a.Description?.Hostname ?? '') < (b.Description?.Hostname ?? '') ? -1 : 1));
  const used = new Set<string>();
  const out = nodes.map((n) => {
    const host = n.Description?.Hostname ?? n.ID;
    let nodeName = nodeNameOf(host);
    for (let k = 2; used.has(nodeName); k++) nodeName = `${nodeNameOf(host).slice(0, 60)}-${k}`;
    used.add(nodeName);
    const attributes = Object.fromEntries(Object.entries(n.Spec.Labels ?? {}).filter(([k]) => !k.startsWith('berth.') && k !== LABEL.node));
    const cpus = Math.floor((n.Description?.Resources?.NanoCPUs ?? 0) / 1e6) / 1000;
    const mib = Math.floor((n.Description?.Resources?.MemoryBytes ?? 0) / (1024 * 1024));
    return {
      name: nodeName,
      ...(nodeName !== host ? { swarm: { node: host } } : {}),
      resources: { cpus, mem: `${mib}Mi` },
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
  });
  const doc = { apiVersion: 'berth/v1', kind: 'Cluster', name, engine: 'swarm', nodes: out };
  return `# Imported from a live swarm by berth cluster import: each node's resources as Swarm reports them.\n${stringify(doc)}`;
}
