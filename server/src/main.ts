/**
 * `berth-language-server --stdio`: plain LSP over stdio (stdout is the protocol: never print).
 * Two threads (threads.ts): completion on this one, everything else in a worker; `--single-thread`
 * runs the whole server on this thread.
 */
import { startSingleThread, startThreads } from './threads';

if (process.argv.includes('--single-thread')) startSingleThread();
else startThreads(__filename);
