/**
 * Hostile documents (issue 18), generated here, each opened in a fresh bundled server over stdio
 * (so that a server stuck in a loop or a blocking read fails a deadline instead of hanging this
 * process): the diagnostics arrive, every kind of request is answered within its deadline, nothing
 * is logged as a bug, and the server stays under 1 GiB.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, Position } from 'vscode-languageserver';
import { backtrackingCluster, backtrackingJob, cliqueJob, cycleJob, hostileFolder, jobNaming, makeFifo } from '../hostileSpecs';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startStdio, uriOf, type TestClient } from './harness';

const serverJs = join(repoRoot(), 'dist', 'server.js');
/** The first diagnostics of a document (the 10,000-task one included) on a busy 2-core machine. */
const DIAGNOSTICS_MS = 10_000;
/** Any request after them (issue 18: a request counts as hung after 5 s). */
const REQUEST_MS = 5_000;
const MAX_RESIDENT_MIB = 1024;

/** Rejects with `message` when `promise` has not settled by the deadline. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function positionOf(text: string, needle: string): Position {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `no ${needle}`);
  const line = text.slice(0, at).split('\n').length - 1;
  return { line, character: at - (text.lastIndexOf('\n', at - 1) + 1) };
}

/** Peak resident memory of a process (Linux), MiB. */
function peakMiB(child: ChildProcess): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Every kind of request on the job, each answered within REQUEST_MS. */
async function answersEverything(client: TestClient, job: string, text: string, onTask: string): Promise<void> {
  const textDocument = { uri: uriOf(job) };
  const position = positionOf(text, onTask);
  const lines = text.split('\n').length;
  const requests: [string, unknown][] = [
    ['textDocument/hover', { textDocument, position }],
    ['textDocument/completion', { textDocument, position }],
    ['textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }],
    ['textDocument/codeLens', { textDocument }],
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }],
    ['textDocument/definition', { textDocument, position }],
    ['textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }],
    ['berth/plan', { uri: textDocument.uri }],
  ];
  for (const [method, params] of requests) await within(client.request<unknown>(method, params), REQUEST_MS, method);
}

interface Row {
  /** The folder and the job file in it. */
  readonly make: () => { dir: string; job: string };
  /** Where hover and the others ask. */
  readonly onTask: string;
  readonly check: (diagnostics: readonly Diagnostic[]) => void;
}

/** Opens the row's job in a fresh server: diagnostics, every request, no bug logged, memory bounded. */
async function survives(row: Row): Promise<void> {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const { dir, job } = row.make();
  let child: ChildProcess | undefined;
  try {
    const started = await within(startStdio(serverJs, dir), DIAGNOSTICS_MS, 'initialize');
    child = started.child;
    const client = started.client;
    const text = readFileSync(job, 'utf8');
    await client.open(job, text);
    const published = await within(client.diagnostics(job), DIAGNOSTICS_MS, 'the first diagnostics');
    row.check(published.diagnostics);
    await answersEverything(client, job, text, row.onTask);
    assert.deepEqual(client.logs.filter((l) => /error|RangeError|exceeded/i.test(l)), [], 'the server logged a bug');
    const peak = peakMiB(child);
    assert.ok(peak < MAX_RESIDENT_MIB, `the server peaked at ${Math.round(peak)} MiB`);
  } finally {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const inFolder = (files: Record<string, string>, cluster?: string): { dir: string; job: string } => {
  const dir = hostileFolder(files, cluster);
  return { dir, job: join(dir, 'hostile.job.yaml') };
};

test('a LIKE pattern that backtracks catastrophically elsewhere, "(a+)+" against 40 a and a !, is matched in linear time', async () => {
  await survives({
    make: () => inFolder({ 'hostile.job.yaml': backtrackingJob() }, backtrackingCluster()),
    onTask: 'api',
    // No node's rack matches as a whole: the task is left without a node, and the analysis said so.
    check: (d) => assert.deepEqual(codes(d), ['alloc/unplaced'], JSON.stringify(d)),
  });
});

for (const [name, make, reason] of [
  ['cluster: /dev/zero', (): { dir: string; job: string } => inFolder({ 'hostile.job.yaml': jobNaming('/dev/zero') }), /the cluster file \/dev\/zero is not read: it is a character device/],
  [
    'a FIFO as the cluster file',
    (): { dir: string; job: string } => {
      const made = inFolder({ 'hostile.job.yaml': jobNaming('./fifo.cluster.yaml') });
      makeFifo(join(made.dir, 'fifo.cluster.yaml'));
      return made;
    },
    /the cluster file \.\/fifo\.cluster\.yaml is not read: it is a FIFO/,
  ],
] as const) {
  test(`${name}: never read, spec/cluster-unreadable at the reference with the reason`, async () => {
    await survives({
      make,
      onTask: 'api',
      check: (d) => {
        assert.deepEqual(codes(d), ['spec/cluster-unreadable'], JSON.stringify(d));
        assert.match(messageOf(d[0]), reason);
        assert.equal((d[0]).range.start.line, 3, 'on the cluster reference');
      },
    });
  });
}

test('a dependsOn cycle through 10,000 tasks: one compact diagnostic', async () => {
  await survives({
    make: () => inFolder({ 'hostile.job.yaml': cycleJob(10_000) }),
    onTask: 't0',
    check: (d) => {
      assert.deepEqual(codes(d), ['spec/dependency-cycle']);
      const message = messageOf(d[0]);
      assert.ok(message.length < 200, `a message of ${message.length} characters`);
      assert.match(message, /^dependency cycle of 10000 tasks: t0 → t1 → /);
    },
  });
});

test('300 tasks each depending on all the others: the cycle reported once, hover answers', async () => {
  await survives({
    make: () => inFolder({ 'hostile.job.yaml': cliqueJob(300) }),
    onTask: 't7',
    check: (d) => {
      assert.deepEqual(codes(d), ['spec/dependency-cycle', 'spec/dependency-cycle']);
      assert.match(messageOf(d[0]), /300 tasks in all depend on each other/);
    },
  });
});
