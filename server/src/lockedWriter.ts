/**
 * LSP messages to the client written straight to a file descriptor (stdout), from any thread,
 * whole messages one at a time: a lock in shared memory keeps two threads' messages from
 * interleaving. The back (a worker) writes its diagnostics and answers itself instead of passing
 * them to the front, so they go out the moment they are ready even while the front is busy (its
 * first check of a large file that was just opened takes a second or two; threads.ts).
 */
import { writeSync } from 'node:fs';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

const UNLOCKED = 0;
const LOCKED = 1;

export class LockedWriter extends AbstractMessageWriter implements MessageWriter {
  private readonly lock: Int32Array;
  /** For short waits while the reader drains a full pipe. */
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly fd: number,
    lock: SharedArrayBuffer,
  ) {
    super();
    this.lock = new Int32Array(lock);
  }

  write(message: Message): Promise<void> {
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    const data = Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`, 'ascii'), json]);
    while (Atomics.compareExchange(this.lock, 0, UNLOCKED, LOCKED) !== UNLOCKED) Atomics.wait(this.lock, 0, LOCKED, 10);
    try {
      this.writeAll(data);
      return Promise.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.fireError(error, message, 1);
      return Promise.reject(error);
    } finally {
      Atomics.store(this.lock, 0, UNLOCKED);
      Atomics.notify(this.lock, 0, 1);
    }
  }

  /** A pipe in non-blocking mode takes part of a message when it is nearly full: write the rest after. */
  private writeAll(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      try {
        at += writeSync(this.fd, data, at, data.length - at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(this.pause, 0, 0, 1);
      }
    }
  }

  end(): void {}
}
