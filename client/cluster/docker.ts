/** The connection to the Docker engine: DOCKER_HOST or the local socket, and one clear error when it is not there. */
import Docker from 'dockerode';
import { ClusterError, isConnectionError, messageOf } from './errors';

export interface DockerOptions {
  /** `unix:///path`, `tcp://host:port` or a socket path; default DOCKER_HOST, then /var/run/docker.sock. */
  readonly endpoint?: string;
}

/** A short description of where the engine is expected, for messages. */
export function endpointOf(options: DockerOptions = {}): string {
  return options.endpoint || process.env['DOCKER_HOST'] || 'unix:///var/run/docker.sock';
}

/** A dockerode client for the endpoint (no I/O yet). */
export function createDocker(options: DockerOptions = {}): Docker {
  const endpoint = endpointOf(options);
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice('unix://'.length) });
  if (endpoint.startsWith('/')) return new Docker({ socketPath: endpoint });
  const m = /^(tcp|http|https):\/\/([^:/]+)(?::(\d+))?/.exec(endpoint);
  if (!m) throw new ClusterError('docker/unreachable', `cannot use the Docker endpoint "${endpoint}": give unix:///path/to/docker.sock or tcp://host:port`);
  const protocol = m[1] === 'https' ? 'https' : 'http';
  return new Docker({ host: m[2], port: m[3] ? Number(m[3]) : protocol === 'https' ? 2376 : 2375, protocol });
}

/** The error a command shows when the engine does not answer. */
export function unreachable(endpoint: string, cause: unknown): ClusterError {
  return new ClusterError(
    'docker/unreachable',
    `cannot reach the Docker engine at ${endpoint} (${messageOf(cause)}): start it (e.g. \`dockerd &\` or \`systemctl start docker\`), or point Berth at it with DOCKER_HOST (in the editor: the berth.docker.host setting)`,
    { cause },
  );
}

/** Connects and checks that the engine answers; throws `docker/unreachable` otherwise. */
export async function connect(options: DockerOptions = {}): Promise<Docker> {
  const docker = createDocker(options);
  try {
    await docker.ping();
  } catch (err) {
    throw unreachable(endpointOf(options), err);
  }
  return docker;
}

/** A Docker failure as a typed error: connection failures become `docker/unreachable`. */
export function wrap(what: string, err: unknown): ClusterError {
  if (err instanceof ClusterError) return err;
  // The failed connection's own address: the endpoint in use may not be the default one.
  if (isConnectionError(err)) return unreachable(addressOf(err) ?? 'the configured endpoint', err);
  return new ClusterError('docker/failed', `${what}: ${messageOf(err)}`, { cause: err });
}

/** `unix:///path` or `tcp://host:port` from a Node connection error, when it says. */
function addressOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { address, port } = err as { address?: unknown; port?: unknown };
  if (typeof address !== 'string') return undefined;
  return typeof port === 'number' ? `tcp://${address}:${port}` : address.startsWith('/') ? `unix://${address}` : address;
}

/** Runs a Docker call, turning its failures into typed errors. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(what, err);
  }
}

const coresByEngine = new WeakMap<Docker, Promise<number>>();

/** Host cores: Docker refuses cpu limits above them. Asked once per client (the tree reads it every refresh). */
export function hostCpus(docker: Docker): Promise<number> {
  let cores = coresByEngine.get(docker);
  if (cores === undefined) {
    cores = docker.info().then((info: { NCPU?: number }) => (typeof info.NCPU === 'number' && info.NCPU > 0 ? info.NCPU : 1));
    coresByEngine.set(docker, cores);
    // A failed read is not remembered: the next call asks again.
    cores.catch(() => coresByEngine.delete(docker));
  }
  return cores;
}
