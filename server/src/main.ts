/**
 * `berth-language-server --stdio`: plain LSP over stdio (stdout is the protocol: never print).
 * Two threads (threads.ts): completion on this one, everything else in a worker, both writing to
 * stdout under one lock; `--single-thread` runs the whole server on this thread.
 *
 * The worker is started before this thread loads the rest of the server, so that the two load in
 * parallel: `require` (not `import`) keeps the rest from being loaded up front, and the bundle
 * keeps it in a file of its own (dist/threads.js, build.mjs), so this one is read and compiled
 * in a moment.
 */
import { setFlagsFromString } from 'node:v8';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

// V8 lets a heap grow to about twice what survived its last full collection before collecting
// again; an edit of a 5,000-task workspace leaves tens of MiB behind on each thread, and two
// threads then went past 300 MiB resident. Growing by half keeps them near 250-280 MiB, at no cost
// in edit latency we could measure (`node out/bench/lsp.bench.js`). Process-wide, so it also holds
// for the worker, started below.
if (isMainThread) setFlagsFromString('--heap-growing-percent=50');

type Threads = typeof import('./threads');
type Shared = import('./threads').Shared;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated after the worker starts (see above)
const load = (): Threads => require('./threads') as Threads;

if (process.argv.includes('--single-thread')) load().startSingleThread();
else if (!isMainThread) load().startBack(workerData as Shared);
else {
  // Both threads write whole messages to stdout, one at a time, and the front counts the changes
  // it passes on (threads.ts). Made here, before the rest of the server loads.
  const shared: Shared = { writeLock: new SharedArrayBuffer(4), changes: new SharedArrayBuffer(4) };
  const spawnBack = (): Worker => {
    const worker = new Worker(__filename, { argv: process.argv.slice(2), stdout: true, workerData: shared });
    // stdout is the protocol: whatever the back might print goes to stderr instead.
    worker.stdout.pipe(process.stderr);
    return worker;
  };
  // The worker first (`load().startFront(spawnBack(), …)` would load the rest before it: the
  // callee is evaluated before the arguments).
  const first = spawnBack();
  load().startFront(first, spawnBack, shared);
}
