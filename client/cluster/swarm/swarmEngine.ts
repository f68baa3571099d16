/** The Swarm engine: a cluster on a swarm (an existing one, or a local test swarm), behind the engine interface. */
import type { DownOptions } from '../down';
import { PassThrough, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { startControllerLoop, type Controller, type ControllerOptions } from '../controller';
import { call, createDocker } from '../docker';
import { ClusterError, messageOf } from '../errors';
import type { ClusterEngine, EngineDown, NodeChange } from '../clusterEngine';
import { LABEL } from '../labels';
import type { FoundTask, LogsOptions } from '../logs';
import { removeRecord, type SwarmRecord } from '../registry';
import { watchEvents, type ClusterChange, type ClusterWatch } from '../watch';
import { listClusterServices, readSwarm, swarmInputOf } from './live';
import { listSwarmNodes } from './nodeLabels';
import { removeService } from './serviceOps';
import { deploySwarm, diffSwarm } from './swarmDeploy';
import { createSwarmLease, readSwarmLeaseHolder } from './swarmLease';
import { reconcileSwarm } from './swarmReconcile';
import { swarmStatus } from './swarmStatus';
import { nodeLinkUp, setNodeLink } from './testSwarm';
import { teardownTestSwarm } from './teardown';

/** Docker events of a swarm that call for a pass: nodes changing state or availability, services changing. */
function relevant(line: string): boolean {
  return /"Type":"(node|service)"/.test(line);
}

export function swarmEngine(record: SwarmRecord): ClusterEngine {
  const manager: Docker = createDocker({ endpoint: record.manager });
  const cluster = record.cluster;
  const test = record.kind === 'test' ? (record) : undefined;
  const check = (name: string): void => {
    if (name !== cluster) throw new Error(`this engine holds cluster ${cluster}, not ${name}`);
  };

  const nodeChange = async (name: string, node: string, stop: boolean): Promise<NodeChange> => {
    check(name);
    const live = await readSwarm(manager, cluster);
    const n = live.nodes.find((x) => x.name === node);
    if (!n) throw new ClusterError('cluster/not-found', `no node ${node} in cluster ${cluster}`);
    if (test) {
      if (n.manager) {
        throw new ClusterError('swarm/manager-node', `node ${node} is the test swarm's manager: cut off, it would see every other node lost and the swarm would have no control plane, so Berth does not stop it; stop another node`);
      }
      if (stop === !(await nodeLinkUp(test, node))) return { cluster, node, target: n.hostname, change: stop ? 'cut off' : 'joined', already: true };
      await setNodeLink(test, node, !stop);
      return { cluster, node, target: n.hostname, change: stop ? 'cut off' : 'joined', already: false };
    }
    // An existing swarm's node is a real machine: never killed, drained (its tasks leave, as on a loss).
    const info = (await call(`inspecting swarm node ${n.hostname}`, () => manager.getNode(n.id).inspect())) as { Version: { Index: number }; Spec: Record<string, unknown> };
    const availability = stop ? 'drain' : 'active';
    const already = info.Spec['Availability'] === availability;
    if (!already) await call(`updating swarm node ${n.hostname}`, () => manager.getNode(n.id).update({ _query: { version: info.Version.Index }, ...info.Spec, Availability: availability }));
    return { cluster, node, target: n.hostname, change: stop ? 'drained' : 'activated', already };
  };

  return {
    kind: 'swarm',
    where: record.manager,
    cluster,
    status: (name, options) => {
      check(name);
      return swarmStatus(manager, record, options);
    },
    async liveInput(name) {
      check(name);
      const live = await readSwarm(manager, cluster);
      const up = new Set(live.nodes.filter((n) => n.up).map((n) => n.name));
      const running = live.tasks.filter((t) => t.running && up.has(t.node));
      return swarmInputOf(live, live.tasks.map((t) => t.record), new Map(running.map((t) => [t.taskId, t.node])));
    },
    deploy: (spec, job, options) => {
      check(spec.name);
      return deploySwarm(manager, spec, job, options);
    },
    async diff(spec, job, options) {
      check(spec.name);
      return diffSwarm(manager, spec, job, options);
    },
    startController(name: string, options: ControllerOptions = {}): Controller {
      check(name);
      return startControllerLoop(
        {
          lease: (holder, ttl) => createSwarmLease(manager, cluster, holder, async () => (await readSwarm(manager, cluster)).nodes[0]?.record.image || undefined, ttl),
          reconcile: (memory, emit) => reconcileSwarm(manager, cluster, memory, emit),
          events: () => manager.getEvents({ filters: { type: ['node', 'service'] } }),
          relevant,
        },
        options,
      );
    },
    controllerHolder: (name) => {
      check(name);
      return readSwarmLeaseHolder(manager, cluster);
    },
    stopNode: (name, node) => nodeChange(name, node, true),
    startNode: (name, node) => nodeChange(name, node, false),
    async findNode(node: string, name?: string) {
      if (name !== undefined) check(name);
      const live = await readSwarm(manager, cluster);
      if (!live.nodes.some((n) => n.name === node)) throw new ClusterError('cluster/not-found', `no node ${node} in cluster ${cluster}`);
      return { cluster, node };
    },
    async findTask(task: string, name?: string): Promise<FoundTask> {
      if (name !== undefined) check(name);
      const [job, instance] = task.includes('/') ? task.split('/', 2) : [undefined, task];
      const services = await listClusterServices(manager, cluster);
      const found = services.filter((s) => s.Spec.Labels?.[LABEL.task] === instance && (job === undefined || s.Spec.Labels?.[LABEL.job] === job));
      if (found.length === 0) throw new ClusterError('task/not-found', `no Berth task ${task} in cluster ${cluster}`);
      if (found.length > 1) throw new ClusterError('cluster/ambiguous', `task ${task} matches ${found.map((s) => `${s.Spec.Labels?.[LABEL.job] ?? ''}/${instance ?? ''}`).join(', ')}: say which with job/instance`);
      const s = found[0];
      if (!s) throw new ClusterError('task/not-found', `no Berth task ${task}`);
      return { cluster, job: s.Spec.Labels?.[LABEL.job] ?? '', task: s.Spec.Labels?.[LABEL.task] ?? '', id: s.ID, container: s.Spec.Name };
    },
    async streamLogs(found: FoundTask, out: Writable, err: Writable, options: LogsOptions = {}): Promise<void> {
      const service = manager.getService(found.id);
      const base = { stdout: true, stderr: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
      if (!options.follow) {
        const buf = (await call('reading service logs', () => service.logs({ ...base, follow: false }))) as unknown as Buffer;
        const stream = new PassThrough();
        const done = new Promise<void>((resolve) => stream.on('end', resolve));
        manager.modem.demuxStream(stream, out, err);
        stream.end(buf);
        await done;
        return;
      }
      const stream = await call('following service logs', () => service.logs({ ...base, follow: true }));
      manager.modem.demuxStream(stream, out, err);
      await new Promise<void>((resolve, reject) => {
        options.signal?.addEventListener('abort', () => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          resolve();
        }, { once: true });
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    },
    async down(name: string, options: DownOptions = {}): Promise<EngineDown> {
      check(name);
      // A swarm's down is one step (a test swarm's teardown, or its services and labels): cancel stops it before it starts.
      if (options.signal?.aborted) throw new ClusterError('cluster/cancelled', `cluster ${cluster} down cancelled before anything was removed`);
      if (test) {
        // A test swarm goes as a whole: its services end with its daemons.
        const t = await teardownTestSwarm(cluster);
        return { engine: 'swarm', removed: [`${t.namespaces} network namespaces`, `${t.processes} processes`, `${t.mounts} mounts`, 'the cluster folder'] };
      }
      let services: number;
      let labelled = 0;
      try {
        const all = await listClusterServices(manager, cluster, true);
        await Promise.all(all.map((s) => removeService(manager, s.ID)));
        services = all.length;
        for (const n of await listSwarmNodes(manager)) {
          const labels = n.Spec.Labels ?? {};
          if (labels[LABEL.cluster] !== cluster) continue;
          const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('berth.')));
          await call(`unlabelling swarm node ${n.Description?.Hostname ?? n.ID}`, () => manager.getNode(n.ID).update({ _query: { version: n.Version.Index }, ...n.Spec, Labels: kept }));
          labelled++;
        }
      } catch (err) {
        if (!(err instanceof ClusterError && err.code === 'docker/unreachable')) throw err;
        throw new ClusterError('docker/unreachable', `cannot reach the swarm manager ${record.manager} of cluster ${cluster} to remove its services (${messageOf(err)}); the record is kept so that a later down can`, { cause: err });
      }
      removeRecord(cluster);
      return { engine: 'swarm', removed: [`${services} services (the controller lease included)`, `Berth's labels from ${labelled} nodes`] };
    },
    watch(name: string, onChange: (c: ClusterChange) => void, retryMs = 1000): ClusterWatch {
      check(name);
      return watchEvents(() => manager.getEvents({ filters: { type: ['node', 'service'] } }), 'swarm', onChange, retryMs);
    },
  };
}
