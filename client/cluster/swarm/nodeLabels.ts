/**
 * Swarm nodes as Berth nodes: each cluster node is the Swarm node of its hostname, labelled
 * `berth.node=<name>` (the label services are pinned by), `berth.cluster`, `berth.spec` (what the
 * controller needs: the node's logical capacity and attributes) and each attribute as a label.
 */
import type Docker from 'dockerode';
import type { ClusterNode, ClusterSpec } from '../../../server/engine/model';
import { call } from '../docker';
import { LABEL, type NodeRecord } from '../labels';

export interface SwarmNodeInfo {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Name?: string; readonly Labels?: Record<string, string>; readonly Role: string; readonly Availability: string };
  readonly Description?: { readonly Hostname?: string; readonly Resources?: { readonly NanoCPUs?: number; readonly MemoryBytes?: number; readonly GenericResources?: unknown[] } };
  readonly Status?: { readonly State?: string; readonly Addr?: string; readonly Message?: string };
  readonly ManagerStatus?: { readonly Leader?: boolean; readonly Reachability?: string; readonly Addr?: string };
}

export async function listSwarmNodes(docker: Docker): Promise<SwarmNodeInfo[]> {
  return (await call('listing swarm nodes', () => docker.listNodes())) as SwarmNodeInfo[];
}

/** The node as stored in a label: spans dropped. */
export function plainNode(n: ClusterNode): ClusterNode {
  return { name: n.name, resources: n.resources, ports: n.ports, attributes: n.attributes, nameSpan: { start: 0, end: 0 }, span: { start: 0, end: 0 }, ...(n.swarmNode ? { swarmNode: n.swarmNode } : {}) };
}

/** Labels of a Swarm node as one cluster node, keeping the labels that are not Berth's. */
export function nodeLabels(current: Readonly<Record<string, string>>, cluster: string, node: ClusterNode, image: string): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(current).filter(([k]) => !k.startsWith('berth.')));
  const record: NodeRecord = { node: plainNode(node), image };
  return { ...kept, ...node.attributes, [LABEL.cluster]: cluster, [LABEL.node]: node.name, [LABEL.spec]: JSON.stringify(record) };
}

/** Labels every cluster node's Swarm node (found by `hostnameOf`). */
export async function labelNodes(docker: Docker, cluster: ClusterSpec, hostnameOf: (n: ClusterNode) => string, image = cluster.defaults.image ?? ''): Promise<void> {
  const nodes = await listSwarmNodes(docker);
  for (const n of cluster.nodes) {
    const s = nodes.find((x) => x.Description?.Hostname === hostnameOf(n));
    if (!s) continue; // the caller checked every node exists
    const Labels = nodeLabels(s.Spec.Labels ?? {}, cluster.name, n, image);
    await call(`labelling swarm node ${hostnameOf(n)}`, () => docker.getNode(s.ID).update({ _query: { version: s.Version.Index }, ...s.Spec, Labels }));
  }
}
