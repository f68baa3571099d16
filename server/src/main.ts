/**
 * `berth-language-server --stdio`: plain LSP over stdio (stdout is the protocol: never print).
 * Two threads (threads.ts): completion on this one, everything else in a worker; `--single-thread`
 * runs the whole server on this thread.
 *
 * The worker is started before this thread loads the rest of the server, so that the two load in
 * parallel: `require` (not `import`) keeps the bundle's modules from being evaluated up front.
 */
import { isMainThread, Worker } from 'node:worker_threads';

type Threads = typeof import('./threads');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated after the worker starts (see above)
const load = (): Threads => require('./threads') as Threads;

if (process.argv.includes('--single-thread')) load().startSingleThread();
else if (!isMainThread) load().startBack();
else {
  // The back's young generation is kept small: each of V8's defaults (16 MiB semi-spaces) would
  // hold tens of MiB of a plan's garbage per thread, and two threads went past 300 MiB resident on
  // a 5,000-task workspace; at 6 MiB the plan's speed is the same within what we can measure.
  const resourceLimits = { maxYoungGenerationSizeMb: 6 };
  const spawnBack = (): Worker => {
    const worker = new Worker(__filename, { argv: process.argv.slice(2), stdout: true, resourceLimits });
    // stdout is the protocol: whatever the back might print goes to stderr instead.
    worker.stdout.pipe(process.stderr);
    return worker;
  };
  load().startFront(spawnBack(), spawnBack);
}
