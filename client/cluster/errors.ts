/**
 * Environment failures of the Docker layer: typed errors with a stable `code` (a public contract,
 * like problem codes). Callers catch them once per command and show the message as one line.
 */
export type ClusterErrorCode =
  | 'docker/unreachable'
  | 'docker/failed'
  | 'deploy/image-missing'
  | 'deploy/failed'
  | 'deploy/unhealthy'
  | 'deploy/spec-invalid'
  | 'cluster/name-clash'
  | 'cluster/not-found'
  | 'cluster/not-up'
  | 'cluster/ambiguous'
  | 'cluster/ports-exhausted'
  | 'cluster/cancelled'
  | 'task/not-found'
  | 'engine/unknown'
  | 'swarm/prerequisites'
  | 'swarm/failed'
  | 'swarm/not-manager'
  | 'swarm/nodes'
  | 'swarm/manager-node';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isClusterError(err: unknown, code?: ClusterErrorCode): err is ClusterError {
  return err instanceof ClusterError && (code === undefined || err.code === code);
}

/** The HTTP status of a dockerode error, if it is one. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return undefined;
}

/** The daemon's own message of a dockerode error (its JSON body), or the error's message. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'json' in err) {
    const j = (err as { json?: unknown }).json;
    if (typeof j === 'object' && j !== null && 'message' in j && typeof j.message === 'string') return j.message;
  }
  return err instanceof Error ? err.message : String(err);
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** A connection failure (socket missing, refused, no permission) rather than an API answer. */
export function isConnectionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && UNREACHABLE.has(err.code);
}
