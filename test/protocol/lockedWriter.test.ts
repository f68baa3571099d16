/**
 * Two threads of one process write LSP messages to the same stdout (lockedWriter.ts): every
 * message arrives whole and in each thread's order, including messages larger than a pipe holds
 * (written in parts while the reader drains it). A child process runs both writers at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { StreamMessageReader, type NotificationMessage } from 'vscode-languageserver/node';

const writerModule = join(__dirname, '..', '..', 'server', 'src', 'lockedWriter.js');
const N = 200;

/** Run by the main thread and by the worker it starts (the same text): each writes N messages. */
const child = `
const { Worker, isMainThread, workerData } = require('node:worker_threads');
const { LockedWriter } = require(${JSON.stringify(writerModule)});
const lock = isMainThread ? new SharedArrayBuffer(4) : workerData;
if (isMainThread) new Worker(process.env.BERTH_WRITERS_SCRIPT, { eval: true, workerData: lock });
const name = isMainThread ? 'main' : 'worker';
const writer = new LockedWriter(1, lock);
// Every 5th message is larger than a pipe's buffer.
for (let i = 0; i < ${N}; i++) void writer.write({ jsonrpc: '2.0', method: 'm', params: { name, i, pad: i % 5 === 0 ? 'x'.repeat(300000) : '' } });
`;

test('two threads writing to one stdout: every message whole, each thread in order', async () => {
  const proc = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BERTH_WRITERS_SCRIPT: child } });
  if (!proc.stdout) throw new Error('no stdout');
  const reader = new StreamMessageReader(proc.stdout);
  const seen = new Map<string, number[]>();
  const done = new Promise<void>((resolve, reject) => {
    reader.onError((e) => reject(e instanceof Error ? e : new Error(String(e))));
    reader.onClose(() => resolve());
  });
  reader.listen((message) => {
    const { name, i, pad } = (message as NotificationMessage).params as { name: string; i: number; pad: string };
    assert.equal(pad.length, i % 5 === 0 ? 300000 : 0, `message ${name} ${i} arrived cut`);
    const list = seen.get(name) ?? [];
    list.push(i);
    seen.set(name, list);
  });
  await done;
  const expected = Array.from({ length: N }, (_, i) => i);
  assert.deepEqual(seen.get('main'), expected);
  assert.deepEqual(seen.get('worker'), expected);
});
