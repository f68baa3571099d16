/**
 * A local test swarm (SPEC.md §6b (b)): one real Docker daemon per cluster node, each in its own
 * network namespace `berth-<cluster>-<node>` with the node's name as hostname, joined by a bridge
 * that lives in a namespace of its own (`berth-<cluster>`, so the host's network and firewall are
 * never touched), formed into a swarm with the first node as manager and a 1 s dispatcher
 * heartbeat. Each daemon listens only on a unix socket in the cluster's Berth-owned folder.
 * The record is written before anything is made, so `down` finds whatever a killed `up` left.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { ClusterSpec } from '../../../server/engine/model';
import { ClusterError, messageOf } from '../errors';
import { clusterDir, readRecord, writeRecord, type SwarmRecord, type TestNodeRecord } from '../registry';
import { run, testSwarmTools, type TestSwarmTools } from './host';
import { labelNodes } from './nodeLabels';
import { teardownTestSwarm } from './teardown';
import { bridgeNetnsOf, dockerOf, nodeNetnsOf, socketOf, type TestSwarmRecord } from './testSwarmPaths';

/** The private subnet inside a cluster's own namespaces (every cluster has its own, so they never clash). */
const SUBNET = '10.77.0';
/** Unix socket paths are limited to 108 bytes; containerd puts `containerd.sock.ttrpc` under the exec root. */
const MAX_SOCKET = 107;

/** The record a test swarm of this cluster has (or will have). */
export function planTestSwarm(cluster: ClusterSpec): TestSwarmRecord {
  if (cluster.nodes.length > 250) throw new ClusterError('swarm/failed', `a test swarm has at most 250 nodes; ${cluster.name} has ${cluster.nodes.length}`);
  const dir = clusterDir(cluster.name);
  const nodes = cluster.nodes.map((n, i): TestNodeRecord => ({ name: n.name, dir: join(dir, `n${i}`), netns: nodeNetnsOf(cluster.name, n.name), link: `v${i}`, address: `${SUBNET}.${i + 1}` }));
  const longest = Math.max(...nodes.map((n) => join(n.dir, 'x', 'containerd', 'containerd.sock.ttrpc').length));
  if (longest > MAX_SOCKET) {
    throw new ClusterError('swarm/failed', `the test swarm's sockets under ${dir} would be ${longest} bytes long, above the ${MAX_SOCKET} a unix socket allows: use a shorter cluster name or BERTH_STATE_DIR`);
  }
  const first = nodes[0];
  return { engine: 'swarm', kind: 'test', cluster: cluster.name, manager: first ? `unix://${socketOf(first)}` : '', bridgeNetns: bridgeNetnsOf(cluster.name), nodes, complete: false };
}

async function pings(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    if (Date.now() > end) throw new ClusterError('swarm/failed', `${what} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function makeNetwork(tools: TestSwarmTools, record: TestSwarmRecord): Promise<void> {
  const ip = (...args: string[]): Promise<string> => run(tools.ip, args);
  const br = record.bridgeNetns;
  await ip('netns', 'add', br);
  await ip('-n', br, 'link', 'set', 'lo', 'up');
  await ip('-n', br, 'link', 'add', 'br0', 'type', 'bridge');
  await ip('-n', br, 'link', 'set', 'br0', 'up');
  for (const n of record.nodes) {
    await ip('netns', 'add', n.netns);
    await ip('-n', br, 'link', 'add', n.link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.netns);
    await ip('-n', br, 'link', 'set', n.link, 'master', 'br0', 'up');
    await ip('-n', n.netns, 'link', 'set', 'lo', 'up');
    await ip('-n', n.netns, 'addr', 'add', `${n.address}/24`, 'dev', 'eth0');
    await ip('-n', n.netns, 'link', 'set', 'eth0', 'up');
  }
}

/**
 * Starts a node's daemon detached (it outlives this process): in the node's network namespace
 * (nsenter, not `ip netns exec`, which remounts /sys), under its own UTS namespace with the node's
 * name as hostname, its containers' cgroups under `/berth-<cluster>/<node>` so teardown finds them.
 */
function startDaemon(tools: TestSwarmTools, cluster: string, n: TestNodeRecord): void {
  mkdirSync(n.dir, { recursive: true, mode: 0o700 });
  const log = openSync(join(n.dir, 'dockerd.log'), 'a');
  const args = [
    `--net=/var/run/netns/${n.netns}`,
    tools.unshare, '--uts', '--',
    // The hostname and the daemon's arguments are positional parameters, never part of the script.
    'sh', '-c', 'hostname "$1" && shift && exec "$@"', 'sh', n.name,
    tools.dockerd,
    '-H', `unix://${socketOf(n)}`,
    '--data-root', join(n.dir, 'data'),
    '--exec-root', join(n.dir, 'x'),
    '--pidfile', join(n.dir, 'docker.pid'),
    '--cgroup-parent', `/berth-${cluster}/${n.name}`,
    '--shutdown-timeout', '2',
  ];
  try {
    const child = spawn(tools.nsenter, args, { detached: true, stdio: ['ignore', log, log] });
    child.unref();
  } finally {
    closeSync(log);
  }
}

/** Copies images from the host's engine into a node daemon (no registry here). */
export async function loadImages(host: Docker, node: Docker, images: readonly string[]): Promise<void> {
  for (const image of images) {
    try {
      await node.getImage(image).inspect();
      continue;
    } catch {
      // not there yet
    }
    let tar: NodeJS.ReadableStream;
    try {
      tar = await host.getImage(image).get();
    } catch (err) {
      throw new ClusterError('deploy/image-missing', `image ${image} is not on the host's Docker engine, so it cannot be loaded into the test swarm (${messageOf(err)}): build, load or import it there first`, { cause: err });
    }
    const out = await node.loadImage(tar);
    await new Promise<void>((resolve, reject) => node.modem.followProgress(out, (err: Error | null) => (err ? reject(err) : resolve())));
  }
}

export type TestSwarmAction = 'created' | 'running' | 'rebuilt';

export interface TestSwarmUp {
  readonly record: TestSwarmRecord;
  readonly action: TestSwarmAction;
}

/** Is a complete test swarm of this cluster there, every daemon answering? */
async function healthy(record: SwarmRecord | undefined, cluster: ClusterSpec): Promise<TestSwarmRecord | undefined> {
  if (!record || record.kind !== 'test' || !record.complete) return undefined;
  if (record.nodes.map((n) => n.name).join(',') !== cluster.nodes.map((n) => n.name).join(',')) return undefined;
  const answers = await Promise.all(record.nodes.map((n) => pings(dockerOf(n))));
  return answers.every(Boolean) ? record : undefined;
}

/**
 * Makes the test swarm (or finds it complete and keeps it). A record of a cut or different one is
 * torn down first. `images` are loaded into every node from `host`. Aborted (`signal`), it stops
 * at its next step and tears down what it made, as a later up would an unfinished one's.
 */
export async function upTestSwarm(host: Docker, cluster: ClusterSpec, images: readonly string[], onStep?: (step: string) => void, signal?: AbortSignal): Promise<TestSwarmUp> {
  if (signal?.aborted) throw new ClusterError('cluster/cancelled', `cluster ${cluster.name} up cancelled`);
  const made = { record: false };
  try {
    return await makeTestSwarm(host, cluster, images, onStep, signal, made);
  } catch (err) {
    // A swarm found complete and kept is not this up's to remove.
    if (!signal?.aborted || !made.record) throw err;
    // Cancelled: what this up made goes, as an unfinished up's does (teardown works from the record).
    onStep?.('cancelled: removing what this up made');
    await teardownTestSwarm(cluster.name);
    throw new ClusterError('cluster/cancelled', `cluster ${cluster.name} up cancelled; what it had made was removed`);
  }
}

async function makeTestSwarm(host: Docker, cluster: ClusterSpec, images: readonly string[], onStep: ((step: string) => void) | undefined, signal: AbortSignal | undefined, made: { record: boolean }): Promise<TestSwarmUp> {
  const step = (what: string): void => {
    if (signal?.aborted) throw new ClusterError('cluster/cancelled', `cluster ${cluster.name} up cancelled`);
    onStep?.(what);
  };
  const tools = testSwarmTools();
  const existing = readRecord(cluster.name);
  if (existing?.kind === 'existing') throw new ClusterError('cluster/name-clash', `cluster ${cluster.name} is on an existing swarm (${existing.manager}): berth down ${cluster.name} first`);
  const kept = await healthy(existing, cluster);
  if (kept) {
    await Promise.all(kept.nodes.map((n) => loadImages(host, dockerOf(n), images)));
    return { record: kept, action: 'running' };
  }
  let action: TestSwarmAction = 'created';
  if (existing) {
    step('removing what an earlier, unfinished up left');
    await teardownTestSwarm(cluster.name);
    action = 'rebuilt';
  }
  const record = planTestSwarm(cluster);
  writeRecord(record);
  made.record = true;
  step(`network namespaces and bridge (${record.bridgeNetns})`);
  await makeNetwork(tools, record);
  step(`starting ${record.nodes.length} Docker daemons`);
  for (const n of record.nodes) startDaemon(tools, cluster.name, n);
  await Promise.all(record.nodes.map((n) => waitUntil(`the Docker daemon of node ${n.name} did not answer on ${socketOf(n)} (its log: ${join(n.dir, 'dockerd.log')})`, () => pings(dockerOf(n)), 60_000)));
  step(`loading ${images.join(', ')} into every node`);
  await Promise.all(record.nodes.map((n) => loadImages(host, dockerOf(n), images)));
  const [first, ...rest] = record.nodes;
  if (!first) throw new ClusterError('swarm/failed', `cluster ${cluster.name} has no nodes`);
  step(`forming the swarm (manager ${first.name})`);
  const manager = dockerOf(first);
  await manager.swarmInit({ ListenAddr: `${first.address}:2377`, AdvertiseAddr: first.address, Spec: { Dispatcher: { HeartbeatPeriod: 1_000_000_000 } } });
  const swarm = (await manager.swarmInspect()) as { JoinTokens: { Worker: string } };
  await Promise.all(rest.map((n) => dockerOf(n).swarmJoin({ ListenAddr: `${n.address}:2377`, AdvertiseAddr: n.address, RemoteAddrs: [`${first.address}:2377`], JoinToken: swarm.JoinTokens.Worker })));
  await waitUntil(`the swarm did not see all ${record.nodes.length} nodes Ready`, async () => {
    const nodes = (await manager.listNodes()) as { Status?: { State?: string } }[];
    return nodes.length === record.nodes.length && nodes.every((n) => n.Status?.State === 'ready');
  }, 30_000);
  step('labelling the nodes');
  await labelNodes(manager, cluster, (n) => n.name, images[0]);
  const done: TestSwarmRecord = { ...record, complete: true };
  writeRecord(done);
  return { record: done, action };
}

/** Cuts a node off the bridge (a lost machine: its daemon keeps running, as a partitioned one would), or joins it again. */
export async function setNodeLink(record: TestSwarmRecord, node: string, up: boolean): Promise<void> {
  const n = record.nodes.find((x) => x.name === node);
  if (!n) throw new ClusterError('cluster/not-found', `no node ${node} in the test swarm of ${record.cluster}`);
  await run(testSwarmTools().ip, ['-n', record.bridgeNetns, 'link', 'set', n.link, up ? 'up' : 'down']);
}

/** Is a node's link up (false: Stop Node cut it off)? */
export async function nodeLinkUp(record: TestSwarmRecord, node: string): Promise<boolean> {
  const n = record.nodes.find((x) => x.name === node);
  if (!n) return false;
  const out = await run(testSwarmTools().ip, ['-n', record.bridgeNetns, '-o', 'link', 'show', n.link]);
  const flags = /<([^>]*)>/.exec(out)?.[1]?.split(',') ?? [];
  return flags.includes('UP');
}
