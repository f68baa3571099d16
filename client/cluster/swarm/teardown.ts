/**
 * Removing a local test swarm, whatever state it is in (complete, half-made by a killed `up`, a
 * daemon killed with SIGKILL): every process that belongs to it — found by its cgroup, by its
 * network namespace and by the cluster's folder on its command line — is killed, then the mounts
 * under the folder are released, the cgroups, namespaces and the folder removed. Nothing of it
 * is left; nothing else is touched.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clusterDir, readRecord } from '../registry';
import { run, which } from './host';
import { bridgeNetnsOf } from './testSwarmPaths';

const NETNS_DIR = '/var/run/netns';
const CGROUP_ROOT = '/sys/fs/cgroup';

export interface TeardownResult {
  readonly processes: number;
  readonly namespaces: number;
  readonly mounts: number;
}

/**
 * The cluster's namespaces: the bridge's and the nodes' its record names (`up` writes the record
 * before it makes anything, so a killed `up` has one too).
 */
function namespacesOf(cluster: string): string[] {
  const record = readRecord(cluster);
  const named = new Set<string>([bridgeNetnsOf(cluster)]);
  if (record?.kind === 'test') for (const n of record.nodes) named.add(n.netns);
  let present: string[] = [];
  try {
    present = readdirSync(NETNS_DIR);
  } catch {
    // no namespaces at all
  }
  return [...named].filter((ns) => present.includes(ns));
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Every cgroup folder (deepest first) under `/berth-<cluster>` in each hierarchy (v1) or the unified one (v2). */
function cgroupsOf(cluster: string): string[] {
  const roots: string[] = [];
  const v2 = join(CGROUP_ROOT, `berth-${cluster}`);
  if (existsSync(v2)) roots.push(v2);
  let controllers: string[] = [];
  try {
    controllers = readdirSync(CGROUP_ROOT);
  } catch {
    // no cgroup file system
  }
  for (const c of controllers) {
    const p = join(CGROUP_ROOT, c, `berth-${cluster}`);
    if (p !== v2 && existsSync(p)) roots.push(p);
  }
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) walk(join(dir, e));
    out.push(dir);
  };
  for (const r of roots) walk(r);
  return out;
}

function pidsIn(cgroup: string): number[] {
  for (const f of ['cgroup.procs', 'tasks']) {
    try {
      return readFileSync(join(cgroup, f), 'utf8').split('\n').filter((l) => l !== '').map(Number);
    } catch {
      // try the other file
    }
  }
  return [];
}

/** Processes of the cluster: in its cgroups, in its network namespaces, or naming its folder. */
function processesOf(cluster: string, namespaces: readonly string[]): Set<number> {
  const dir = `${clusterDir(cluster)}/`;
  const nsInodes = new Set(namespaces.map((ns) => inode(join(NETNS_DIR, ns))).filter((i): i is number => i !== undefined));
  const pids = new Set<number>();
  for (const cg of cgroupsOf(cluster)) for (const p of pidsIn(cg)) pids.add(p);
  let all: string[];
  try {
    all = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  for (const e of all) {
    const pid = Number(e);
    if (pid === process.pid) continue;
    try {
      const net = /\[(\d+)\]/.exec(readlinkSync(`/proc/${e}/ns/net`))?.[1];
      if (net !== undefined && nsInodes.has(Number(net))) {
        pids.add(pid);
        continue;
      }
      const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmdline.includes(dir)) pids.add(pid);
    } catch {
      // it ended meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Mount points under the folder, deepest first. */
function mountsUnder(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Removes everything of the cluster's test swarm. Safe to run on a cluster with nothing left. */
export async function teardownTestSwarm(cluster: string): Promise<TeardownResult> {
  const dir = clusterDir(cluster);
  const namespaces = namespacesOf(cluster);
  let killed = 0;
  // Kill until nothing is left: a daemon being killed may still start a shim.
  for (let round = 0; round < 20; round++) {
    const pids = [...processesOf(cluster, namespaces)].filter(alive);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // it ended meanwhile
      }
    }
    const end = Date.now() + 5_000;
    while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }
  let mounts = 0;
  const umount = which('umount') ?? 'umount';
  for (const m of mountsUnder(dir)) {
    await run(umount, ['-l', m]).catch(() => undefined); // already gone with its parent
    mounts++;
  }
  for (const cg of cgroupsOf(cluster)) {
    try {
      rmdirSync(cg);
    } catch {
      // a cgroup that still had a task a moment ago: the next down removes it
    }
  }
  const ip = which('ip') ?? 'ip';
  let removed = 0;
  for (const ns of namespaces) {
    await run(ip, ['netns', 'delete', ns]);
    removed++;
  }
  rmSync(dir, { recursive: true, force: true });
  return { processes: killed, namespaces: removed, mounts };
}
