/** `berth logs TASK [-f] [--cluster C] [--tail N]`: a task's output; TASK is `api-0` or `job/api-0`. */
import { Writable } from 'node:stream';
import { clusterNameOf, engineHolding, engineOf } from '../../client/cluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const LOGS_USAGE = 'usage: berth logs TASK [-f|--follow] [--tail N] [--cluster CLUSTER]   (TASK: instance name like api-0, or job/api-0)';

function sink(write: (t: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      write(chunk.toString('utf8'));
      done();
    },
  });
}

export async function runLogs(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({
    args: [...argv],
    options: { follow: { type: 'boolean', short: 'f', default: false }, tail: { type: 'string' }, cluster: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [task] = positionals;
  if (task === undefined || positionals.length > 1) throw new UsageError(LOGS_USAGE);
  const named = values.cluster ? clusterNameOf(values.cluster, io.cwd) : undefined;
  const { engine } = named !== undefined ? { engine: await engineOf(named) } : await engineHolding(async (e) => (await e.findTask(task)).cluster, `task ${task}`);
  const found = await engine.findTask(task, named);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    await engine.streamLogs(found, sink((t) => io.out(t)), sink((t) => io.err(t)), { follow: values.follow, signal: controller.signal, ...(values.tail ? { tail: Number(values.tail) } : {}) });
  } finally {
    process.off('SIGINT', onSignal);
  }
  return 0;
}
