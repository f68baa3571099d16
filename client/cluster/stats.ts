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
  stop(): void;
}

/** Samples every `intervalMs` until stopped; each snapshot (or error) goes to the callbacks. */
export function startStatsSampler(docker: Docker, cluster: string, intervalMs: number, onSnapshot: (s: StatsSnapshot) => void, onError: (err: unknown) => void): StatsSampler {
  const reader = createStatsReader(docker, cluster);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const s = await reader.sample();
      if (!stopped) onSnapshot(s);
    } catch (err) {
      if (!stopped) onError(err);
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
