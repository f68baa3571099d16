/**
 * Where a local test swarm's pieces are: each node daemon's socket in the cluster's Berth-owned
 * folder, and the network namespaces (`berth-<cluster>` for the bridge, `berth-<cluster>-<node>`
 * per node). Making (testSwarm.ts), status and teardown all name them from here.
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import type { SwarmRecord, TestNodeRecord } from '../registry';

export type TestSwarmRecord = Extract<SwarmRecord, { kind: 'test' }>;

export function socketOf(node: TestNodeRecord): string {
  return join(node.dir, 'docker.sock');
}

export function dockerOf(node: TestNodeRecord): Docker {
  return new Docker({ socketPath: socketOf(node) });
}

export function bridgeNetnsOf(cluster: string): string {
  return `berth-${cluster}`;
}

export function nodeNetnsOf(cluster: string, node: string): string {
  return `berth-${cluster}-${node}`;
}

