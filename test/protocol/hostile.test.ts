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
import { aliasBombJob, backtrackingCluster, backtrackingJob, bigCluster, bigJob, cliqueJob, cycleJob, deepJob, hostileFolder, jobNaming, makeFifo } from '../hostileSpecs';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startStdio, uriOf, within, type TestClient } from './harness';

const serverJs = join(repoRoot(), 'dist', 'server.js');
/** The first diagnostics of a document (the 10,000-task one included) on a busy 2-core machine. */
const DIAGNOSTICS_MS = 10_000;
/** Any request after them (issue 18: a request counts as hung after 5 s). */
const REQUEST_MS = 5_000;
const MAX_RESIDENT_MIB = 1024;


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

/** Every kind of request on the job, each answered within REQUEST_MS (code actions for the diagnostics published). */
async function answersEverything(client: TestClient, job: string, text: string, onTask: string, published: readonly Diagnostic[] = []): Promise<void> {
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
    ['textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: published.slice(0, 50) } }],
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
  /** The client's `initializationOptions`. */
  readonly options?: object;
}

/** Opens the row's job in a fresh server: diagnostics, every request, no bug logged, memory bounded. */
async function survives(row: Row): Promise<void> {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const { dir, job } = row.make();
  let child: ChildProcess | undefined;
  try {
    const started = await within(startStdio(serverJs, dir, row.options), DIAGNOSTICS_MS, 'initialize');
    child = started.child;
    const client = started.client;
    const text = readFileSync(job, 'utf8');
    await client.open(job, text);
    const published = await within(client.diagnostics(job), DIAGNOSTICS_MS, 'the first diagnostics');
    row.check(published.diagnostics);
    await answersEverything(client, job, text, row.onTask, published.diagnostics);
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

for (const where of ['unknown-key', 'env'] as const) {
  test(`an alias bomb (9 levels of 10 aliases) ${where === 'env' ? 'in env' : 'under an unknown key'}: formatting, code actions and the rest answer without expanding it`, async () => {
    await survives({
      make: () => inFolder({ 'hostile.job.yaml': aliasBombJob(where) }),
      onTask: 'api',
      check: (d) => {
        const found = codes(d);
        assert.ok(found.length > 0 && found.every((c) => c.startsWith('spec/')), JSON.stringify(found));
        if (where === 'unknown-key') assert.deepEqual(found, ['spec/unknown-field']);
      },
    });
  });
}

test('block mappings 3,000 deep under an unknown key: spec/too-deep, and folding, definition, formatting and code actions answer', async () => {
  await survives({
    make: () => inFolder({ 'hostile.job.yaml': deepJob(3_000) }),
    onTask: 'api',
    check: (d) => assert.deepEqual(codes(d), ['spec/too-deep']),
  });
});

for (const [name, file, make, onTask] of [
  ['a 20 MB job', 'hostile.job.yaml', (): string => bigJob(20_000_000), 'task-0'],
  ['a 20 MB cluster', 'big.cluster.yaml', (): string => bigCluster(20_000_000), 'node-0'],
] as const) {
  test(`${name}: above berth.maxFileSize, one clear warning and every request answered`, async () => {
    await survives({
      make: () => {
        const dir = hostileFolder({ [file]: make() });
        return { dir, job: join(dir, file) };
      },
      onTask,
      check: (d) => {
        assert.deepEqual(codes(d), ['spec/too-large']);
        assert.match(messageOf(d[0]), /^this document is 19\.1 MiB, above the 16 MiB limit \(berth\.maxFileSize\): it is not checked/);
      },
    });
  });
}

test('a job above berth.analysis.maxDocumentSize: syntax and schema problems, a note that placement and failover are skipped, no plan', async () => {
  // 1,000 tasks (about 80 KiB) against a limit of 0.05 MiB, one of them with a schema error.
  const text = bigJob(80_000).replace('priority: 7\n', 'priority: 7\n    colour: red\n');
  await survives({
    make: () => inFolder({ 'hostile.job.yaml': text }),
    options: { maxDocumentSizeMiB: 0.05 },
    onTask: 'task-0',
    check: (d) => {
      assert.deepEqual(codes(d), ['analysis/too-large', 'spec/unknown-field']);
      const note = d.find((x) => x.code === 'analysis/too-large');
      assert.equal(note?.severity, 3, 'Information');
      assert.match(messageOf(note ?? d[0]), /^placement and failover are skipped: this document is \d+(\.\d)? KiB, above the 51\.2 KiB limit \(berth\.analysis\.maxDocumentSize\)/);
    },
  });
});

test('the watchdog: an analysis longer than berth.analysis.timeBudgetMs is stopped, the document marked, the next request answered and the server alive', async () => {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  // No real document runs away for ever any more; a budget of 1 s makes the first analysis of a
  // 30,000-task job too expensive (its parse alone takes seconds: 0.07 ms a task), while a small
  // job's first analysis on a new thread (the schemas compiled again) stays well within it.
  const dir = hostileFolder({ 'hostile.job.yaml': cycleJob(30_000) });
  const job = join(dir, 'hostile.job.yaml');
  const seed = readFileSync(join(repoRoot(), 'examples', 'seed', 'seed.job.yaml'), 'utf8');
  let child: ChildProcess | undefined;
  try {
    const started = await within(startStdio(serverJs, dir, { analysisTimeBudgetMs: 1000 }), DIAGNOSTICS_MS, 'initialize');
    child = started.child;
    const client = started.client;
    const text = readFileSync(job, 'utf8');
    await client.open(job, text);
    const published = await within(client.diagnostics(job), DIAGNOSTICS_MS, 'the watchdog\'s diagnostic');
    assert.deepEqual(codes(published.diagnostics), ['analysis/too-expensive'], JSON.stringify(published.diagnostics));
    assert.match(messageOf(published.diagnostics[0]), /^analysis stopped: too expensive \(no answer within the 1000 ms time budget, berth\.analysis\.timeBudgetMs\)/);
    assert.equal(published.version, 1);
    await within(client.logged((l) => l.includes('the analysis thread did not answer')), REQUEST_MS, 'the log line');
    // Requests on the stopped document are answered (empty), at once.
    await answersEverything(client, job, text, 't0', published.diagnostics);
    // The new analysis thread serves the other documents.
    const other = join(dir, 'seed.job.yaml');
    await client.open(other, seed);
    const seedDiagnostics = await within(client.diagnostics(other), DIAGNOSTICS_MS, 'diagnostics of a small job after the restart');
    assert.ok(!codes(seedDiagnostics.diagnostics).includes('analysis/too-expensive'));
    const onName = positionOf(seed, 'name: task1');
    const hover = await within(client.request<unknown>('textDocument/hover', { textDocument: { uri: uriOf(other) }, position: { line: onName.line, character: onName.character + 8 } }), REQUEST_MS, 'hover on the small job');
    assert.ok(hover !== null, 'the small job is analysed by the new thread');
    // An edit of the stopped document gives it to the analysis again (and it is stopped again).
    await client.change(job, [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 13 } }, text: 'hostile2' }]);
    const again = await within(client.diagnostics(job), DIAGNOSTICS_MS, 'diagnostics after the edit');
    assert.equal(again.version, 2);
    assert.deepEqual(codes(again.diagnostics), ['analysis/too-expensive']);
    assert.ok(peakMiB(child) < MAX_RESIDENT_MIB, `the server peaked at ${Math.round(peakMiB(child))} MiB`);
    assert.equal(child.exitCode, null, 'the server is alive');
  } finally {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
