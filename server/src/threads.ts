/**
 * The two threads of `berth-language-server --stdio` (see mainThreadRouter.ts): the front on the main thread
 * with stdio, the back in a worker thread running the whole server over a message port. Messages
 * from the client cross as objects (structured clone), never as re-encoded JSON. Messages to the
 * client each thread writes to stdout itself, under one lock (lockedWriter.ts): the back's do not
 * wait for the front, which may be busy (a completion, or its first check of a large file just
 * opened); the front hears of each one in a short note (`SENT`), for its bookkeeping.
 *
 * The front also counts the document changes it passes on, in shared memory, before posting each
 * one: the back, busy with a full analysis it cannot yield from, reads the count between failover
 * scenarios and stops when it moves (diagnostics.ts), so the edit waits for one scenario, not all.
 */
import { parentPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createConnection,
  Message,
  ProposedFeatures,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  type DataCallback,
  type Disposable,
  type MessageReader,
  type MessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { createNodeFileSystem } from './fileSystem';
import { Front } from './mainThreadRouter';
import { type Back } from './mainThreadMethods';
import { SENT, type SentParams } from './mainThreadMethods';
import { FRONT_ID_PREFIX, PING } from './mainThreadMethods';
import { LockedWriter } from './lockedWriter';

const STDOUT = 1;

/** The memory both threads share (the worker's `workerData`). */
export interface Shared {
  /** The stdout lock (lockedWriter.ts). */
  readonly writeLock: SharedArrayBuffer;
  /** One Int32: document changes the front has passed on (see above). */
  readonly changes: SharedArrayBuffer;
}

/** The whole server, loaded where it runs: the front thread never evaluates it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above)
const loadServer = (): typeof import('./server') => require('./server') as typeof import('./server');

class PortReader extends AbstractMessageReader implements MessageReader {
  constructor(private readonly port: MessagePort) {
    super();
    port.on('close', () => this.fireClose());
  }
  listen(callback: DataCallback): Disposable {
    const listener = (message: Message): void => callback(message);
    this.port.on('message', listener);
    return { dispose: () => this.port.off('message', listener) };
  }
}

/** The back's messages: to the client directly, with a note to the front (see above). */
class BackWriter extends AbstractMessageWriter implements MessageWriter {
  private readonly client: LockedWriter;

  constructor(
    private readonly port: MessagePort,
    writeLock: SharedArrayBuffer,
  ) {
    super();
    this.client = new LockedWriter(STDOUT, writeLock);
  }

  write(message: Message): Promise<void> {
    // The answers to a replayed `initialize` and to pings are the front's: the client never asked.
    if (Message.isResponse(message) && typeof message.id === 'string' && message.id.startsWith(FRONT_ID_PREFIX)) {
      this.port.postMessage(message);
      return Promise.resolve();
    }
    const written = this.client.write(message);
    const params: SentParams = {};
    if (Message.isResponse(message) && message.id !== null) params.id = message.id;
    if (Message.isNotification(message) && message.method === PublishDiagnosticsNotification.method) params.uri = (message.params as PublishDiagnosticsParams).uri;
    if (params.id !== undefined || params.uri !== undefined) this.port.postMessage({ jsonrpc: '2.0', method: SENT, params });
    return written;
  }

  end(): void {}
}

/** The back (in the worker): the whole server, reading from the front over the worker's port. */
export function startBack(shared: Shared): void {
  if (!parentPort) throw new Error('the back runs in a worker thread');
  const connection = createConnection(ProposedFeatures.all, new PortReader(parentPort), new BackWriter(parentPort, shared.writeLock));
  const changes = new Int32Array(shared.changes);
  loadServer().startServer(connection, createNodeFileSystem(), { changeCount: () => Atomics.load(changes, 0) });
  // The front's watchdog (mainThreadRouter.ts): answered whenever this thread is between two pieces of work.
  connection.onRequest(PING, () => null);
  connection.listen();
}

function asBack(worker: Worker, changes: Int32Array): Back {
  return {
    post: (message) => worker.postMessage(message),
    changing: () => void Atomics.add(changes, 0, 1),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => worker.on('exit', listener),
    terminate: () => void worker.terminate(),
  };
}

/** The front (on the main thread, with stdio). `first` is the back main.ts started; `spawn` starts another. */
export function startFront(first: Worker, spawn: () => Worker, shared: Shared): void {
  let next: Worker | undefined = first;
  const changes = new Int32Array(shared.changes);
  const start = (): Back => {
    const worker = next ?? spawn();
    next = undefined;
    return asBack(worker, changes);
  };
  const writer = new LockedWriter(STDOUT, shared.writeLock);
  const front = new Front(writer, createNodeFileSystem(), start, (code) => process.exit(code));
  front.listen(new StreamMessageReader(process.stdin));
}

/** One thread, as before the split (`--single-thread`): for editors that run the server in a sandbox. */
export function startSingleThread(): void {
  const connection = createConnection(ProposedFeatures.all);
  loadServer().startServer(connection, createNodeFileSystem());
  connection.listen();
}
