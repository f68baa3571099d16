/**
 * The two threads of `berth-language-server --stdio` (see front.ts): the front on the main thread
 * with stdio, the back in a worker thread running the whole server over a message port. Messages
 * cross as objects (structured clone), never as re-encoded JSON.
 */
import { parentPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { nodeFileSystem } from './fileSystem';
import { Front, type Back } from './front';

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

class PortWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly port: MessagePort) {
    super();
  }
  write(message: Message): Promise<void> {
    this.port.postMessage(message);
    return Promise.resolve();
  }
  end(): void {}
}

/** The back (in the worker): the whole server, talking to the front over the worker's port. */
export function startBack(): void {
  if (!parentPort) throw new Error('the back runs in a worker thread');
  const connection = createConnection(ProposedFeatures.all, new PortReader(parentPort), new PortWriter(parentPort));
  loadServer().startServer(connection, nodeFileSystem);
  connection.listen();
}

function asBack(worker: Worker): Back {
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => worker.on('exit', listener),
    terminate: () => void worker.terminate(),
  };
}

/** The front (on the main thread, with stdio). `first` is the back main.ts started; `spawn` starts another. */
export function startFront(first: Worker, spawn: () => Worker): void {
  let next: Worker | undefined = first;
  const start = (): Back => {
    const worker = next ?? spawn();
    next = undefined;
    return asBack(worker);
  };
  const writer = new StreamMessageWriter(process.stdout);
  const front = new Front(writer, nodeFileSystem, start, (code) => process.exit(code));
  front.listen(new StreamMessageReader(process.stdin));
}

/** One thread, as before the split (`--single-thread`): for editors that run the server in a sandbox. */
export function startSingleThread(): void {
  const connection = createConnection(ProposedFeatures.all);
  loadServer().startServer(connection, nodeFileSystem);
  connection.listen();
}
