/**
 * Shared by the Docker tests and benchmarks: an engine to talk to (in CI a missing engine is a
 * failure; elsewhere the tests skip, saying why), the local test image, unique cluster names,
 * specs with their cluster renamed, and polling with a deadline that says what never happened.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { createDocker, down, loadSpecs } from '../../client/cluster';
import { clusterDir } from '../../client/cluster/registry';
import { testSwarmTools } from '../../client/cluster/swarm/host';
import type { ClusterSpec, JobSpec } from '../../server/engine/model';
import { ensureTestImage, TEST_IMAGE } from './image';

export { TEST_IMAGE };
export const ROOT = resolve(__dirname, '../../..');

async function pings(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Engine {
  readonly docker: Docker;
  readonly image: string;
}

let engine: Promise<Engine | string> | undefined;

/**
 * The engine, or the reason there is none. Starts `dockerd` when it is installed and nothing answers
 * (as root); in CI (CI=true) no engine is an error, never a skip.
 */
export function getEngine(): Promise<Engine | string> {
  engine ??= (async () => {
    const docker = createDocker();
    if (!(await pings(docker))) {
      const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
      if (dockerd && process.getuid?.() === 0 && !process.env['DOCKER_HOST']) {
        const log = join(tmpdir(), 'berth-test-dockerd.log');
        const child = spawn('sh', ['-c', `exec ${dockerd} --host=unix:///var/run/docker.sock >${log} 2>&1`], { detached: true, stdio: 'ignore' });
        child.unref();
        await waitFor('dockerd answering', () => pings(docker), 60_000, 250).catch(() => undefined);
      }
    }
    if (!(await pings(docker))) {
      const why = 'no Docker engine answers (install docker.io and start dockerd, or set DOCKER_HOST)';
      if (process.env['CI'] === 'true') throw new Error(`${why}: in CI the Docker tests must run`);
      return why;
    }
    return { docker, image: await ensureTestImage(docker) };
  })();
  return engine;
}

/** A cluster name no other test uses. */
export function uniqueName(prefix: string): string {
  // Unseeded on purpose: the suffix only keeps names of concurrent runs apart; no test reads it.
  // eslint-disable-next-line no-restricted-syntax
  return `${prefix}-${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

export interface TestSpecs {
  readonly cluster: ClusterSpec;
  readonly jobs: readonly JobSpec[];
}

/** An example's specs with the cluster renamed (so tests never collide). */
export function loadExample(jobFile: string, name: string): TestSpecs {
  const { cluster, jobs } = loadSpecs(resolve(ROOT, jobFile));
  return { cluster: { ...cluster, name }, jobs };
}

/** Specs from YAML text (a cluster and a job file in a temporary folder). */
export function specsFrom(clusterYaml: string, jobYaml: string): TestSpecs {
  const dir = mkdtempSync(join(tmpdir(), 'berth-specs-'));
  writeFileSync(join(dir, 't.cluster.yaml'), clusterYaml);
  writeFileSync(join(dir, 't.job.yaml'), jobYaml);
  const { cluster, jobs } = loadSpecs(join(dir, 't.job.yaml'));
  return { cluster, jobs };
}

/** `down` for an `after` hook. */
export async function cleanUp(e: Engine | string, cluster: string): Promise<void> {
  if (typeof e !== 'string') await down(e.docker, cluster);
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The bundled command line (bin/berth.js), as a user runs it. */
export function runBerth(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [join(ROOT, 'bin/berth.js'), ...args], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Can this machine make a local test swarm (Linux, root, ip/nsenter/unshare/iptables/dockerd)? The
 * reason when not; in CI that is a failure, never a skip.
 */
export function swarmPrerequisites(): string | undefined {
  try {
    testSwarmTools();
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (process.env['CI'] === 'true') throw new Error(`${why}: in CI the Swarm tests must run`, { cause: err });
    return why;
  }
}

/** What a test swarm of `cluster` left behind: namespaces, processes, mounts, cgroups, its folder. Empty when nothing. */
export function swarmLeftovers(cluster: string): string[] {
  const dir = clusterDir(cluster);
  const left: string[] = [];
  const netns = existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter((n) => n === `berth-${cluster}` || n.startsWith(`berth-${cluster}-`)) : [];
  if (netns.length > 0) left.push(`network namespaces ${netns.join(', ')}`);
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${dir}/`);
    } catch {
      return false;
    }
  });
  if (procs.length > 0) left.push(`processes ${procs.join(', ')}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${dir}/`) || l.split(' ')[4] === dir);
  if (mounts.length > 0) left.push(`${mounts.length} mounts under ${dir}`);
  const cgroups = existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup').filter((c) => existsSync(join('/sys/fs/cgroup', c, `berth-${cluster}`))) : [];
  if (cgroups.length > 0) left.push(`cgroups berth-${cluster} in ${cgroups.join(', ')}`);
  if (existsSync(dir)) left.push(`the folder ${dir}`);
  return left;
}
