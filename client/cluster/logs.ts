/** A task's output (stdout and stderr), once or followed. */
import type Docker from 'dockerode';
import { PassThrough, type Writable } from 'node:stream';
import { call } from './docker';
import { ClusterError } from './errors';
import { LABEL } from './labels';

export interface FoundTask {
  readonly cluster: string;
  readonly job: string;
  readonly task: string;
  readonly id: string;
  readonly container: string;
}

/** `task` is an instance name (`api-0`) or `job/instance`; `cluster` narrows the search. */
export async function findTask(docker: Docker, task: string, cluster?: string): Promise<FoundTask> {
  const [job, instance] = task.includes('/') ? task.split('/', 2) : [undefined, task];
  const label = [`${LABEL.role}=task`, `${LABEL.task}=${instance ?? ''}`, ...(job ? [`${LABEL.job}=${job}`] : []), ...(cluster ? [`${LABEL.cluster}=${cluster}`] : [])];
  const list = await call('listing containers', () => docker.listContainers({ all: true, filters: { label } }));
  if (list.length === 0) throw new ClusterError('task/not-found', `no Berth task ${task}${cluster ? ` in cluster ${cluster}` : ''}`);
  if (list.length > 1) throw new ClusterError('cluster/ambiguous', `task ${task} matches ${list.map((c) => `${c.Labels[LABEL.cluster]}:${c.Labels[LABEL.job]}/${c.Labels[LABEL.task]}`).join(', ')}: say which with --cluster or job/instance`);
  const c = list[0];
  return { cluster: c.Labels[LABEL.cluster] ?? '', job: c.Labels[LABEL.job] ?? '', task: c.Labels[LABEL.task] ?? '', id: c.Id, container: (c.Names[0] ?? '').replace(/^\//, '') };
}

export interface LogsOptions {
  readonly follow?: boolean;
  readonly tail?: number;
  readonly signal?: AbortSignal;
}

/** Writes the task's logs to `out` (stderr lines too); with `follow`, until the task stops or `signal` aborts. */
export async function streamLogs(docker: Docker, id: string, out: Writable, err: Writable, options: LogsOptions = {}): Promise<void> {
  const container = docker.getContainer(id);
  const base = { stdout: true, stderr: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
  if (!options.follow) {
    const buf = await call('reading logs', () => container.logs({ ...base, follow: false }));
    const stream = new PassThrough();
    const done = new Promise<void>((resolve) => stream.on('end', resolve));
    docker.modem.demuxStream(stream, out, err);
    stream.end(buf);
    await done;
    return;
  }
  const stream = await call('following logs', () => container.logs({ ...base, follow: true }));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve();
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
}
