/**
 * Live usage of a cluster's containers: one-shot stats calls in parallel (no two-sample wait per
 * container); CPU % from the difference with the previous sample. A sampler runs only while started,
 * so a hidden view costs the daemon nothing.
 */
import type Docker from 'dockerode';
import { readCluster } from './state';

export interface Usage {
  /** Percent of one core (100 = one full core). */
  readonly cpuPercent: number;
  /** Bytes. */
  readonly memory: number;
}

export interface StatsSnapshot {
  readonly at: number;
  /** By container name. */
  readonly containers: ReadonlyMap<string, Usage>;
  /** By node name: the node container and its tasks together. */
  readonly nodes: ReadonlyMap<string, Usage>;
}

interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; stats?: { cache?: number; inactive_file?: number } };
}

interface Sample {
  readonly at: number;
  readonly cpu: number;
  readonly memory: number;
}

function sampleOf(raw: RawStats, at: number): Sample {
  const mem = raw.memory_stats;
  const cache = mem?.stats?.inactive_file ?? mem?.stats?.cache ?? 0;
  return { at, cpu: raw.cpu_stats?.cpu_usage?.total_usage ?? 0, memory: Math.max(0, (mem?.usage ?? 0) - cache) };
}

/** Samples a cluster's running containers; keeps the previous sample to compute CPU %. */
export function createStatsReader(docker: Docker, cluster: string): { sample(): Promise<StatsSnapshot> } {
  const previous = new Map<string, Sample>();
  return {
    async sample() {
      const live = await readCluster(docker, cluster);
      const running = [
        ...live.nodes.filter((n) => n.state === 'running').map((n) => ({ name: n.container, id: n.id, node: n.name })),
        ...live.tasks.filter((t) => t.state === 'running').map((t) => ({ name: t.container, id: t.id, node: t.node })),
      ];
      const containers = new Map<string, Usage>();
      const nodes = new Map<string, Usage>();
      await Promise.all(
        running.map(async (c) => {
          let raw: RawStats;
          try {
            raw = (await docker.getContainer(c.id).stats({ stream: false, 'one-shot': true } as { stream: false }));
          } catch {
            return; // stopped between the list and the stats call: no usage to show
          }
          const now = sampleOf(raw, Date.now());
          const before = previous.get(c.id);
          previous.set(c.id, now);
          const seconds = before ? (now.at - before.at) / 1000 : 0;
          const cpuPercent = before && seconds > 0 ? Math.max(0, ((now.cpu - before.cpu) / 1e9 / seconds) * 100) : 0;
          const usage = { cpuPercent, memory: now.memory };
          containers.set(c.name, usage);
          const n = nodes.get(c.node) ?? { cpuPercent: 0, memory: 0 };
          nodes.set(c.node, { cpuPercent: n.cpuPercent + usage.cpuPercent, memory: n.memory + usage.memory });
        }),
      );
      return { at: Date.now(), containers, nodes };
    },
  };
}

export interface StatsSampler {
  /** The latest usage of every container with an open stream (no Docker call). */
  snapshot(): StatsSnapshot;
  stop(): void;
}

interface StreamRaw extends RawStats {
  precpu_stats?: RawStats['cpu_stats'];
}

/** CPU % (of one core) from one streamed sample, which carries the previous reading too. */
function cpuPercentOf(raw: StreamRaw): number {
  const cpu = (raw.cpu_stats?.cpu_usage?.total_usage ?? 0) - (raw.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (raw.cpu_stats?.system_cpu_usage ?? 0) - (raw.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = raw.cpu_stats?.online_cpus ?? 1;
  return system > 0 && cpu > 0 ? (cpu / system) * cpus * 100 : 0;
}

/**
 * Live usage while started: one stats stream per running container of the cluster (as `docker stats`
 * does), so a refresh reads the latest values without a round trip; the container list is synced
 * every `intervalMs` and each sync emits a snapshot. `stop()` closes every stream: a hidden view
 * costs the daemon nothing.
 */
export function startStatsSampler(docker: Docker, cluster: string, intervalMs: number, onSnapshot: (s: StatsSnapshot) => void, onError: (err: unknown) => void): StatsSampler {
  const streams = new Map<string, { name: string; node: string; stream?: NodeJS.ReadableStream; usage?: Usage }>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const close = (id: string): void => {
    (streams.get(id)?.stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    streams.delete(id);
  };
  const open = async (id: string, name: string, node: string): Promise<void> => {
    const entry: { name: string; node: string; stream?: NodeJS.ReadableStream; usage?: Usage } = { name, node };
    streams.set(id, entry);
    try {
      const stream = (await docker.getContainer(id).stats({ stream: true }));
      if (stopped || streams.get(id) !== entry) {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      entry.stream = stream;
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() === '') continue;
          const raw = JSON.parse(line) as StreamRaw;
          entry.usage = { cpuPercent: cpuPercentOf(raw), memory: sampleOf(raw, 0).memory };
        }
      });
      stream.on('error', () => streams.get(id) === entry && streams.delete(id));
      stream.on('end', () => streams.get(id) === entry && streams.delete(id));
    } catch {
      if (streams.get(id) === entry) streams.delete(id); // gone between the list and the call; the next sync decides
    }
  };
  const snapshot = (): StatsSnapshot => {
    const containers = new Map<string, Usage>();
    const nodes = new Map<string, Usage>();
    for (const e of streams.values()) {
      if (!e.usage) continue;
      containers.set(e.name, e.usage);
      const n = nodes.get(e.node) ?? { cpuPercent: 0, memory: 0 };
      nodes.set(e.node, { cpuPercent: n.cpuPercent + e.usage.cpuPercent, memory: n.memory + e.usage.memory });
    }
    return { at: Date.now(), containers, nodes };
  };
  const sync = async (): Promise<void> => {
    try {
      const live = await readCluster(docker, cluster);
      const running = new Map<string, { name: string; node: string }>();
      for (const n of live.nodes) if (n.state === 'running') running.set(n.id, { name: n.container, node: n.name });
      for (const t of live.tasks) if (t.state === 'running') running.set(t.id, { name: t.container, node: t.node });
      for (const id of [...streams.keys()]) if (!running.has(id)) close(id);
      await Promise.all([...running].filter(([id]) => !streams.has(id)).map(([id, c]) => open(id, c.name, c.node)));
      if (!stopped) onSnapshot(snapshot());
    } catch (err) {
      if (!stopped) onError(err);
    }
    if (!stopped) timer = setTimeout(() => void sync(), intervalMs);
  };
  void sync();
  return {
    snapshot,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const id of [...streams.keys()]) close(id);
    },
  };
}
