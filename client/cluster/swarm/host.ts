/**
 * The host side of a local test swarm: commands run as argv arrays (never through a shell with
 * spec text in it), and the prerequisites checked once, with one line naming what is missing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ClusterError } from '../errors';

/** Runs a command; its failure is a `swarm/failed` error quoting the command and its stderr. */
export function run(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new ClusterError('swarm/failed', `${cmd} ${args.join(' ')} failed: ${(stderr || err.message).trim()}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** The full path of a program on PATH (plus the sbin folders root uses), or undefined. */
export function which(program: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface TestSwarmTools {
  readonly ip: string;
  readonly nsenter: string;
  readonly unshare: string;
  readonly dockerd: string;
}

/**
 * What a local test swarm needs: Linux, root, and ip (iproute2), nsenter and unshare (util-linux),
 * iptables (each node's daemon programs its own namespace's firewall) and dockerd.
 */
export function testSwarmTools(): TestSwarmTools {
  if (process.platform !== 'linux') throw new ClusterError('swarm/prerequisites', `a local test swarm needs Linux (network namespaces); this is ${process.platform}: use an existing swarm (DOCKER_HOST=a manager, berth up --engine swarm)`);
  if (process.getuid?.() !== 0) throw new ClusterError('swarm/prerequisites', 'a local test swarm needs root (it creates network namespaces and starts one Docker daemon per node): run as root, or use an existing swarm (DOCKER_HOST=a manager)');
  const found = { ip: which('ip'), nsenter: which('nsenter'), unshare: which('unshare'), iptables: which('iptables'), dockerd: which('dockerd') };
  const missing = Object.entries(found).filter(([, p]) => p === undefined).map(([name]) => name);
  if (missing.length > 0) {
    throw new ClusterError('swarm/prerequisites', `a local test swarm needs ${missing.join(', ')}, not found on PATH (Debian: apt-get install iproute2 util-linux iptables docker.io)`);
  }
  return { ip: found.ip ?? 'ip', nsenter: found.nsenter ?? 'nsenter', unshare: found.unshare ?? 'unshare', dockerd: found.dockerd ?? 'dockerd' };
}
