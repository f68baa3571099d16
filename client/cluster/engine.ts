/**
 * One engine boundary (SPEC.md §6, §6b): deploy, the controller, status, logs, stop/start node,
 * down and the tree speak to a `ClusterEngine`, with two implementations — the local containers
 * on one Docker engine, and a Docker Swarm (an existing one, or a local test swarm). Which engine
 * holds a cluster is part of its state (a Swarm cluster's record), so only `up` takes a choice.
 */
import type Docker from 'dockerode';
import type { ClusterSpec, EngineKind, JobSpec } from '../../server/engine/model';
import { ENGINE_KINDS } from '../../server/engine/model';
import { startController } from './controller';
import { deploy, diffDeploy, recordsOf, type DeployOptions, type DeployResult } from './deploy';
import type { DeployDiff } from './deployPlan';
import { connect, createDocker, endpointOf } from './docker';
import { down } from './down';
import { ClusterError } from './errors';
import { readLeaseHolder } from './lease';
import { findTask, streamLogs } from './logs';
import { findNode, startNode, stopNode } from './nodes';
import { listRecords, readRecord, writeRecord, type SwarmRecord } from './registry';
import { inputOf, isUp, listClusters, readCluster } from './state';
import { clusterStatus } from './status';
import type { ClusterEngine, NodeChange } from './clusterEngine';
import { connectManager, upExistingSwarm } from './swarm/existing';
import { swarmEngine } from './swarm/swarmEngine';
import { upTestSwarm } from './swarm/testSwarm';
import { DEFAULT_IMAGE, nodeImageOf, up, type UpOptions, type UpResult } from './up';
import { watchCluster } from './watch';

/** The local containers on one Docker engine. */
export function localEngine(docker: Docker, where = 'the local Docker engine'): ClusterEngine {
  const change = async (cluster: string, node: string, stop: boolean): Promise<NodeChange> => {
    const found = stop ? await stopNode(docker, node, cluster) : await startNode(docker, node, cluster);
    return { cluster: found.cluster, node: found.node, target: found.container, change: stop ? 'stopped' : 'started', already: false };
  };
  return {
    kind: 'local',
    where,
    status: (cluster, options) => clusterStatus(docker, cluster, options),
    async liveInput(cluster) {
      const live = await readCluster(docker, cluster);
      const up = new Set(live.nodes.filter(isUp).map((n) => n.name));
      const running = live.tasks.filter((t) => !t.waiting && t.state === 'running' && up.has(t.node));
      return inputOf(live, live.tasks.map((t) => t.record), new Map(running.map((t) => [t.taskId, t.node])));
    },
    deploy: (cluster, job, options) => deploy(docker, cluster, job, options),
    diff: (cluster, job, options) => diffDeploy(docker, cluster, job, options),
    startController: (cluster, options) => startController(docker, cluster, options),
    controllerHolder: (cluster) => readLeaseHolder(docker, cluster),
    stopNode: (cluster, node) => change(cluster, node, true),
    startNode: (cluster, node) => change(cluster, node, false),
    findNode: (node, cluster) => findNode(docker, node, cluster),
    findTask: (task, cluster) => findTask(docker, task, cluster),
    streamLogs: (found, out, err, options) => streamLogs(docker, found.id, out, err, options),
    async down(cluster, options) {
      const r = await down(docker, cluster, options);
      return { engine: 'local', removed: [`${r.containers} containers`, `${r.networks} network${r.networks === 1 ? '' : 's'}`] };
    },
    watch: (cluster, onChange, retryMs) => watchCluster(docker, cluster, onChange, retryMs),
  };
}

export interface EngineOptions {
  /** The Docker endpoint (`berth.docker.host`); default DOCKER_HOST, then the local socket. */
  readonly endpoint?: string;
}

export function parseEngine(value: string | undefined): EngineKind | undefined {
  if (value === undefined || value === '') return undefined;
  if ((ENGINE_KINDS as readonly string[]).includes(value)) return value as EngineKind;
  throw new ClusterError('engine/unknown', `unknown engine "${value}": give ${ENGINE_KINDS.join(' or ')}`);
}

/** The engine that holds a cluster: its Swarm record's, else the local engine (connected, so an absent one is one clear error). */
export async function engineOf(cluster: string, options: EngineOptions = {}): Promise<ClusterEngine> {
  const record = readRecord(cluster);
  if (record) return swarmEngine(record);
  const docker = await connect(options.endpoint ? { endpoint: options.endpoint } : {});
  return localEngine(docker, endpointOf(options.endpoint ? { endpoint: options.endpoint } : {}));
}

/** The engine for a cluster without connecting (for long-lived views: the tree reconnects by itself). */
export function engineOfNow(cluster: string, options: EngineOptions = {}): ClusterEngine {
  const record = readRecord(cluster);
  if (record) return swarmEngine(record);
  return localEngine(createDocker(options.endpoint ? { endpoint: options.endpoint } : {}), endpointOf(options.endpoint ? { endpoint: options.endpoint } : {}));
}

/** Every cluster: the local engine's (when it answers) and those with a Swarm record. */
export async function listAllClusters(docker: Docker | undefined): Promise<{ readonly name: string; readonly engine: EngineKind }[]> {
  const swarm = listRecords().map((r) => ({ name: r.cluster, engine: 'swarm' as const }));
  const local = docker ? (await listClusters(docker)).filter((n) => !swarm.some((s) => s.name === n)).map((name) => ({ name, engine: 'local' as const })) : [];
  return [...local, ...swarm].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface UpEngineOptions extends UpOptions, EngineOptions {
  /** Overrides the cluster file's `engine:`. */
  readonly engine?: EngineKind;
  /** Images to load into a test swarm's nodes besides the nodes' image (the jobs' images). */
  readonly images?: readonly string[];
  /** Each step of making a test swarm, for progress. */
  readonly onStep?: (step: string) => void;
}

export interface EngineUp {
  readonly engine: ClusterEngine;
  readonly kind: 'local' | 'test-swarm' | 'existing-swarm';
  /** Local: the network and node containers. */
  readonly local?: UpResult;
  /** Swarm: each node's line (`node1 → swarm node node1`), and what was done. */
  readonly swarm?: { readonly manager: string; readonly action: string; readonly nodes: readonly string[] };
}

/** Is the engine at the default endpoint a swarm manager? Then `--engine swarm` without an endpoint means that swarm. */
async function defaultIsManager(): Promise<boolean> {
  try {
    const info = (await createDocker().info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
  } catch {
    return false;
  }
}

/** The engine a cluster goes to: its Swarm record's when it has one, else `--engine` (or the setting), else the file's `engine:`. */
function engineChoice(cluster: ClusterSpec, engine: EngineKind | undefined): { readonly held: SwarmRecord | undefined; readonly kind: EngineKind } {
  const held = readRecord(cluster.name);
  return { held, kind: held ? 'swarm' : (engine ?? cluster.engine) };
}

/**
 * `berth up`: the engine is the cluster's record's when it has one, else `--engine` (or the
 * setting), else the file's `engine:`. For swarm: an existing swarm when a manager endpoint is
 * given (swarm.manager, the setting or DOCKER_HOST) or the default engine is a manager; else a
 * local test swarm.
 */
export async function upCluster(cluster: ClusterSpec, options: UpEngineOptions = {}): Promise<EngineUp> {
  const { held, kind } = engineChoice(cluster, options.engine);
  if (kind === 'local') {
    const docker = await connect(options.endpoint ? { endpoint: options.endpoint } : {});
    const result = await up(docker, cluster, options);
    return { engine: localEngine(docker, endpointOf(options.endpoint ? { endpoint: options.endpoint } : {})), kind: 'local', local: result };
  }
  const image = nodeImageOf(cluster, options);
  const explicit = cluster.swarm?.manager ?? options.endpoint ?? process.env['DOCKER_HOST'];
  const existing = held?.kind === 'existing' || (held === undefined && (explicit !== undefined && explicit !== '' ? true : await defaultIsManager()));
  if (existing) {
    const endpoint = held?.manager ?? (explicit || endpointOf());
    const manager = await connectManager(endpoint);
    const hosts = await upExistingSwarm(manager, cluster, image, options.signal);
    const record: SwarmRecord = { engine: 'swarm', kind: 'existing', cluster: cluster.name, manager: endpoint };
    writeRecord(record);
    return { engine: swarmEngine(record), kind: 'existing-swarm', swarm: { manager: endpoint, action: 'labelled', nodes: cluster.nodes.map((n, i) => `${n.name} → swarm node ${hosts[i] ?? n.name}`) } };
  }
  // A test swarm: images come from the engine at the default endpoint (the host's).
  const host = createDocker();
  const images = [...new Set([image, ...(options.images ?? [])])].filter((i) => i !== '');
  const made = await upTestSwarm(host, cluster, images.length > 0 ? images : [DEFAULT_IMAGE], options.onStep, options.signal);
  return {
    engine: swarmEngine(made.record),
    kind: 'test-swarm',
    swarm: { manager: made.record.manager, action: made.action, nodes: made.record.nodes.map((n) => `${n.name} → daemon ${n.dir}/docker.sock in netns ${n.netns} (${n.address})`) },
  };
}

/**
 * `berth deploy`: on the cluster's engine, bringing it up first (the local deploy brings up its
 * own nodes; a swarm is brought up here, with the job's images loaded into a test swarm).
 */
export async function deployCluster(cluster: ClusterSpec, job: JobSpec, options: DeployOptions & Omit<UpEngineOptions, 'onProgress'> = {}): Promise<{ engine: ClusterEngine; result: DeployResult }> {
  const { kind } = engineChoice(cluster, options.engine);
  if (kind === 'local') {
    const engine = await engineOf(cluster.name, options);
    return { engine, result: await engine.deploy(cluster, job, options) };
  }
  const images = recordsOf(cluster, job, options.image).map((r) => r.image);
  const up: UpEngineOptions = {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.image ? { image: options.image } : {}),
    ...(options.nodeImage ? { image: options.nodeImage } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    engine: 'swarm',
    images: [...(options.images ?? []), ...images],
  };
  const { engine } = await upCluster(cluster, up);
  return { engine, result: await engine.deploy(cluster, job, options) };
}

/**
 * `berth diff`: what `deployCluster` would do, on the same engine it would choose. A swarm not
 * brought up yet has nothing of the job, so every instance is new.
 */
export async function diffCluster(cluster: ClusterSpec, job: JobSpec, options: { readonly image?: string; readonly engine?: EngineKind } & EngineOptions = {}): Promise<{ engine: EngineKind; diff: DeployDiff }> {
  const { held, kind } = engineChoice(cluster, options.engine);
  const image = options.image ? { image: options.image } : {};
  if (held) return { engine: 'swarm', diff: await swarmEngine(held).diff(cluster, job, image) };
  if (kind === 'swarm') {
    const create = recordsOf(cluster, job, options.image).map((r) => r.instance.id).sort();
    return { engine: 'swarm', diff: { job: job.name, cluster: cluster.name, create, replace: [], keep: [], remove: [] } };
  }
  const engine = await engineOf(cluster.name, options);
  return { engine: 'local', diff: await engine.diff(cluster, job, image) };
}

/**
 * The cluster a node or task name belongs to when the user named none: the local engine's
 * clusters and the Swarm ones are searched; more than one is `cluster/ambiguous`.
 */
export async function engineHolding(find: (engine: ClusterEngine) => Promise<string | undefined>, what: string, options: EngineOptions = {}): Promise<{ engine: ClusterEngine; cluster: string }> {
  const found: { engine: ClusterEngine; cluster: string }[] = [];
  const local = engineOfNow('', options);
  const swarm = listRecords().map(swarmEngine);
  for (const engine of [local, ...swarm]) {
    const cluster = await find(engine).catch((err: unknown) => {
      if (engine.kind === 'local' && err instanceof ClusterError && err.code === 'docker/unreachable' && swarm.length > 0) return undefined;
      if (err instanceof ClusterError && (err.code === 'cluster/not-found' || err.code === 'task/not-found')) return undefined;
      throw err;
    });
    if (cluster !== undefined) found.push({ engine, cluster });
  }
  const [first, second] = found;
  if (!first) throw new ClusterError('cluster/not-found', `no Berth cluster has ${what}: is the cluster up (berth up)?`);
  if (second) throw new ClusterError('cluster/ambiguous', `${what} exists in clusters ${found.map((f) => f.cluster).join(', ')}: say which with --cluster`);
  return first;
}
