/**
 * The server never dies: a fuzzed stream of incremental edits on the examples (drawn from the
 * tests' seed, test/testSeed.ts), interleaved with every kind of request, gets an answer to each
 * request, logs no bug, and ends with diagnostics for the final version equal to a fresh server's
 * on the same texts. A handler that throws (through the injected file system) is logged and the
 * next request is answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { LSPErrorCodes } from 'vscode-languageserver';
import type { Diagnostic, Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { seededRandom, withReplayHint, type SeededRandom } from '../testSeed';
import { MemoryFileSystem, startInMemory, startOn, uriOf, within, type TestClient } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const files: Record<string, string> = {
  '/ws/seed.job.yaml': example('seed', 'seed.job.yaml'),
  '/ws/seed.cluster.yaml': example('seed', 'seed.cluster.yaml'),
  '/ws/webstack.job.yaml': example('webstack', 'webstack.job.yaml'),
  '/ws/webstack.cluster.yaml': example('webstack', 'webstack.cluster.yaml'),
  '/ws/preempt/seed-preempt.job.yaml': example('seed-preempt', 'seed-preempt.job.yaml'),
  '/ws/preempt/seed.cluster.yaml': example('seed-preempt', 'seed.cluster.yaml'),
};
const opened = ['/ws/seed.job.yaml', '/ws/seed.cluster.yaml', '/ws/webstack.job.yaml', '/ws/preempt/seed-preempt.job.yaml'];

const TOKENS = [
  ' ', '\n', '  ', '- ', ': ', ':', '{', '}', '[', ']', ',', '"', "'", '#', '---\n', '\t', '&a ', '*a', '!!str ', '|', '>',
  'name: ', 'task2', 'node3', 'db', 'cpus: 2', 'mem: 4', 'mem: 4Gi', 'disk: 1Ti', 'ports: [8080]', 'ports: 2', 'dependsOn: [task1]',
  'dependsOn: [db, cache]', 'constraints: [[zone, UNIQUE]]', '[hostname, LIKE, "node[12"]', 'instances: 3', 'priority: 900',
  'preemption: true', 'strategy: spread', 'failover: { tolerate: 3, domains: [zone, rack] }', 'cluster: ./nowhere.yaml', 'kind: Cluster',
  'kind: Job', 'apiVersion: berth/v1', '\n  - name: x\n    resources: { cpus: 1, mem: 1Gi }\n', '-1', '1e308', 'null', '~', 'é', '😀', '\u0000',
];

function positionAt(text: string, offset: number): Position {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/** One random incremental edit on `text`: an insertion of a token or character, or a deletion. */
function randomEdit(rand: () => number, text: string): { change: TextDocumentContentChangeEvent; text: string } {
  const at = Math.floor(rand() * (text.length + 1));
  const r = rand();
  let insert = '';
  let removed = 0;
  if (r < 0.45) insert = TOKENS[Math.floor(rand() * TOKENS.length)] ?? '';
  else if (r < 0.6) insert = String.fromCharCode(32 + Math.floor(rand() * 95));
  else if (r < 0.95) removed = Math.min(text.length - at, 1 + Math.floor(rand() * (rand() < 0.9 ? 6 : 80)));
  else {
    removed = Math.min(text.length - at, Math.floor(rand() * 12));
    insert = TOKENS[Math.floor(rand() * TOKENS.length)] ?? '';
  }
  const range = { start: positionAt(text, at), end: positionAt(text, at + removed) };
  return { change: { range, text: insert }, text: text.slice(0, at) + insert + text.slice(at + removed) };
}


/** Requests at a random position of a document, answered (or rejected) as a list of failures. */
function randomRequest(rand: () => number, client: TestClient, path: string, text: string): Promise<string | undefined> {
  const textDocument = { uri: uriOf(path) };
  const position = positionAt(text, Math.floor(rand() * (text.length + 1)));
  const end = positionAt(text, text.length);
  const requests: [string, unknown][] = [
    ['textDocument/hover', { textDocument, position }],
    ['textDocument/completion', { textDocument, position }],
    ['textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end } }],
    ['textDocument/codeLens', { textDocument }],
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }],
    ['berth/plan', { uri: textDocument.uri }],
    ['textDocument/definition', { textDocument, position }],
    ['textDocument/references', { textDocument, position, context: { includeDeclaration: true } }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }],
  ];
  const [method, params] = requests[Math.floor(rand() * requests.length)] ?? requests[0] ?? ['', {}];
  return client.request<unknown>(method, params).then(
    () => undefined,
    (err: unknown) => {
      const tolerated = err instanceof ResponseError && (err.code === LSPErrorCodes.RequestCancelled || err.code === LSPErrorCodes.ContentModified);
      return tolerated ? undefined : `${method} at ${JSON.stringify(position)} in ${path}: ${err instanceof Error ? err.message : String(err)}`;
    },
  );
}

const bugs = (client: TestClient): string[] => client.logs.filter((l) => l.startsWith('[error]'));
const sortDiagnostics = (ds: readonly Diagnostic[]): string[] => ds.map((d) => JSON.stringify(d)).sort();

test('a fuzzed stream of 2,400 edits with requests between: every request answered, no bug logged, final diagnostics as a fresh server\'s', () => {
  // The stream is drawn from the tests' seed (FC_SEED); a failure names it.
  const random = seededRandom();
  return withReplayHint(random, () => fuzzedStream(random));
});

async function fuzzedStream(random: SeededRandom): Promise<void> {
  const EDITS = 2400;
  const rand = (): number => random.next();
  const { client } = await startInMemory('/ws', files, 5);
  const texts = new Map<string, string>();
  for (const path of opened) {
    texts.set(path, files[path] ?? '');
    await client.open(path, files[path] ?? '');
  }
  const failures: string[] = [];
  let pending: Promise<string | undefined>[] = [];
  let requests = 0;
  for (let i = 0; i < EDITS; i++) {
    const path = opened[Math.floor(rand() * opened.length)] ?? '';
    // Keep documents from growing without bound: a few edits reset one to its example.
    const current = texts.get(path) ?? '';
    if (current.length > 4 * (files[path]?.length ?? 0) || (i % 500 === 499 && rand() < 0.5)) {
      texts.set(path, files[path] ?? '');
      await client.change(path, [{ text: files[path] ?? '' }]);
      continue;
    }
    const edit = randomEdit(rand, current);
    texts.set(path, edit.text);
    await client.change(path, [edit.change]);
    if (rand() < 0.3) {
      const target = opened[Math.floor(rand() * opened.length)] ?? '';
      pending.push(randomRequest(rand, client, target, texts.get(target) ?? ''));
      requests++;
    }
    if (pending.length >= 40) {
      failures.push(...(await within(Promise.all(pending), 10_000, `requests before edit ${i} were not answered`)).filter((f): f is string => f !== undefined));
      pending = [];
    }
  }
  failures.push(...(await within(Promise.all(pending), 10_000, 'the last requests were not answered')).filter((f): f is string => f !== undefined));
  assert.ok(requests >= 500, `only ${requests} requests`);
  assert.deepEqual(failures, []);

  const finals = new Map<string, Diagnostic[]>();
  for (const path of opened) {
    const d = await within(client.diagnostics(path), 10_000, `no diagnostics for the final version of ${path}`);
    finals.set(path, d.diagnostics);
  }
  assert.deepEqual(bugs(client), [], 'the server logged a bug');
  await client.shutdown();

  const fresh = await startInMemory('/ws', files, 5);
  for (const path of opened) await fresh.client.open(path, texts.get(path) ?? '');
  for (const path of opened) {
    const d = await within(fresh.client.diagnostics(path), 10_000, `a fresh server published nothing for ${path}`);
    assert.deepEqual(sortDiagnostics(finals.get(path) ?? []), sortDiagnostics(d.diagnostics), `diagnostics of ${path} after the stream differ from a fresh server's`);
  }
  await fresh.client.shutdown();
}

/** A file system whose reads of one path fail until healed: a bug (or I/O fault) inside a handler. */
class FaultyFileSystem extends MemoryFileSystem {
  broken = true;
  constructor(
    files: Record<string, string>,
    private readonly faulty: string,
  ) {
    super(files);
  }
  override readFile(path: string): string | undefined {
    if (this.broken && path === this.faulty) throw new Error(`injected read failure: ${path}`);
    return super.readFile(path);
  }
}

test('a handler that throws is logged (window/logMessage) and the next request is answered', async () => {
  // The job's cluster lies outside the workspace folder, so it is read on demand, inside handlers.
  const job = (files['/ws/seed.job.yaml'] ?? '').replace('./seed.cluster.yaml', '../outside/seed.cluster.yaml');
  const web = files['/ws/webstack.job.yaml'] ?? '';
  const fs = new FaultyFileSystem(
    { '/ws/seed.job.yaml': job, '/outside/seed.cluster.yaml': files['/ws/seed.cluster.yaml'] ?? '', '/ws/webstack.job.yaml': web, '/ws/webstack.cluster.yaml': files['/ws/webstack.cluster.yaml'] ?? '' },
    '/outside/seed.cluster.yaml',
  );
  const client = await startOn('/ws', fs);
  const logged = client.logged((l) => l.includes('injected read failure'));
  await client.open('/ws/seed.job.yaml', job);
  await within(logged, 5_000, 'the failure while publishing diagnostics was never logged');
  // The workspace index, done after the first diagnostics, adds the webstack files: the open job
  // is analysed again, and meets the fault again.
  await within(client.loggedTimes((l) => l.includes('injected read failure'), 2), 5_000, 'the analysis after the workspace index never ran');

  const before = bugs(client).length;
  const plan = await client.request<{ kind: string; reason?: string }>('berth/plan', { uri: uriOf('/ws/seed.job.yaml') });
  assert.deepEqual(plan, { kind: 'unavailable', uri: uriOf('/ws/seed.job.yaml'), reason: 'internal error (see the Berth log)' });
  assert.equal(bugs(client).length, before + 1, 'the failing request is logged');
  assert.match(bugs(client).at(-1) ?? '', /^\[error\] berth\/plan: Error: injected read failure/);

  // The next request is answered, and the server still works on the rest of the workspace.
  await client.open('/ws/webstack.job.yaml', web);
  const symbols = await client.request<{ name: string }[] | null>('textDocument/documentSymbol', { textDocument: { uri: uriOf('/ws/webstack.job.yaml') } });
  assert.equal(symbols?.[0]?.name, 'webstack');
  const web2 = await within(client.diagnostics('/ws/webstack.job.yaml'), 5_000, 'no diagnostics for the healthy job');
  assert.deepEqual(web2.diagnostics, []);

  // Once the disk heals, a watch event brings the failing job's diagnostics back.

  fs.broken = false;
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/outside/seed.cluster.yaml'), type: 2 }] });
  const d = await within(client.diagnostics('/ws/seed.job.yaml'), 5_000, 'no diagnostics once the file system healed');
  assert.ok(d.diagnostics.some((x) => x.code === 'failover/no-capacity'), JSON.stringify(d.diagnostics));
  const healed = await client.request<{ kind: string }>('berth/plan', { uri: uriOf('/ws/seed.job.yaml') });
  assert.equal(healed.kind, 'plan');
  await client.shutdown();
});
