/**
 * `berth/liveState` over the protocol: the extension says where a cluster's tasks run, and the
 * server's hints show drift from the plan, the hover says where each task runs, since when and its
 * restarts, and the failover lenses of a running job simulate from the live placements. States the
 * server cannot use (unknown cluster, job or task; malformed params) are ignored, and the server
 * answers the next request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import type { CodeLens, Hover, InlayHint, MarkupContent, Position } from 'vscode-languageserver';
import { LIVE_STATE_METHOD, type LiveStateParams } from '../../server/engine/protocol';
import { startServer } from '../../server/src/server';
import { repoRoot } from '../unit/spec/repoRoot';
import { label, lineOf, MemoryFileSystem, startInMemory, startStdio, uriOf, type TestClient } from './harness';

// Fresh plan (binpack, largest first): a (3 cpus) → n1, b (2) → n3 (fills it), c (1) → n1 (fills it).
// Losing any node of that plan leaves no task without a node. The live placements below (a on n1,
// b on n2, c on n3) are valid too, but losing n1 there strands a (3 cpus; n2 and n3 have 2 and 1
// free), and losing n2 strands b.
const CLUSTER = `apiVersion: berth/v1
kind: Cluster
name: livetest
nodes:
  - name: n1
    resources: { cpus: 4, mem: 8Gi }
  - name: n2
    resources: { cpus: 4, mem: 8Gi }
  - name: n3
    resources: { cpus: 2, mem: 8Gi }
`;
const JOB = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./live.cluster.yaml
failover: { tolerate: 1 }
tasks:
  - name: a
    resources: { cpus: 3, mem: 1Gi }
  - name: b
    resources: { cpus: 2, mem: 1Gi }
  - name: c
    resources: { cpus: 1, mem: 1Gi }
`;
const JOB_PATH = '/ws/web.job.yaml';
const CLUSTER_PATH = '/ws/live.cluster.yaml';
const FILES = { [JOB_PATH]: JOB, [CLUSTER_PATH]: CLUSTER };

const LIVE: LiveStateParams = {
  cluster: 'livetest',
  engine: 'local',
  jobs: [
    {
      job: 'web',
      tasks: [
        { task: 'a', node: 'n1', state: 'running', since: '2026-12-07T14:00:00.000Z', restarts: 0 },
        { task: 'b', node: 'n2', state: 'running', since: '2026-12-07T14:03:05.123Z', restarts: 1, movedFrom: 'n3', movedAfter: 'n3' },
        { task: 'c', node: 'n3', state: 'running', since: '2026-12-07T14:01:00Z', restarts: 2 },
      ],
    },
  ],
  nodesDown: [],
};
const EMPTY: LiveStateParams = { cluster: 'livetest', engine: 'local', jobs: [], nodesDown: [] };

async function hintsByTask(client: TestClient): Promise<Record<string, string>> {
  const end: Position = { line: JOB.split('\n').length, character: 0 };
  const all = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(JOB_PATH) }, range: { start: { line: 0, character: 0 }, end } });
  const out: Record<string, string> = {};
  for (const t of ['a', 'b', 'c']) out[t] = all.filter((h) => h.position.line === lineOf(JOB, `name: ${t}`)).map(label).join(' | ');
  return out;
}

/** The plan and failover lenses' titles (the Drill lens beside each scenario is preview.test.ts's). */
async function lensTitles(client: TestClient, path = JOB_PATH): Promise<string[]> {
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(path) } });
  return lenses.filter((l) => l.command?.command !== 'berth.drill').map((l) => l.command?.title ?? '');
}

async function hoverTask(client: TestClient, task: string): Promise<string> {
  const line = lineOf(JOB, `name: ${task}`);
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(JOB_PATH) }, position: { line, character: 12 } });
  assert.ok(h, `no hover on task ${task}`);
  return (h.contents as MarkupContent).value;
}

async function started(): Promise<TestClient> {
  const { client } = await startInMemory('/ws', FILES);
  await client.open(JOB_PATH, JOB);
  await client.diagnostics(JOB_PATH);
  return client;
}

async function sendLive(client: TestClient, params: unknown): Promise<void> {
  await client.rpc.sendNotification(LIVE_STATE_METHOD, params);
}

const PLANNED_HINTS = { a: '→ n1 · cpus 4/4 · mem 2/8 GiB', b: '→ n3 · cpus 2/2 · mem 1/8 GiB', c: '→ n1 · cpus 4/4 · mem 2/8 GiB' };
const PLANNED_LENSES = ['Plan: 3/3 placed · failover-safe', 'if n1 fails: a → n2, c → n2', 'if n3 fails: b → n2'];
const LIVE_LENSES = [
  'Plan: 3/3 placed · not failover-safe from the live placements (2 scenarios)',
  'if n1 fails: a has no node: cpus exhausted on 2 nodes (needs 3, most free 2 on n2)',
  'if n2 fails: b has no node: cpus exhausted on 2 nodes (needs 2, most free 1 on n1)',
  'if n3 fails: c → n1',
];

/** A request after a notification is answered after it: the state has arrived by then. */
test('hints show drift from the plan, and the state where a task runs as planned', async () => {
  const client = await started();
  assert.deepEqual(await hintsByTask(client), PLANNED_HINTS);
  await sendLive(client, LIVE);
  assert.deepEqual(await hintsByTask(client), {
    // As planned: the planned hint with the live load of its node (c runs elsewhere) and its state.
    a: '→ n1 · cpus 3/4 · mem 1/8 GiB · running',
    b: '→ n2 · running (planned n3; moved after n3 failed)',
    c: '→ n3 · running (planned n1)',
  });
  // The cluster goes down (an empty state): the plan's hints again.
  await sendLive(client, EMPTY);
  assert.deepEqual(await hintsByTask(client), PLANNED_HINTS);
  assert.deepEqual(client.logs.filter((l) => l.includes('[error]')), []);
  await client.shutdown();
});

test('a waiting task, and a task of several instances, in the hints', async () => {
  const job = JOB.replace("  - name: c\n    resources: { cpus: 1, mem: 1Gi }\n", '  - name: c\n    instances: 2\n    resources: { cpus: 1, mem: 1Gi }\n');
  const { client } = await startInMemory('/ws', { ...FILES, [JOB_PATH]: job });
  await client.open(JOB_PATH, job);
  await client.diagnostics(JOB_PATH);
  await sendLive(client, {
    cluster: 'livetest',
    engine: 'swarm',
    jobs: [
      {
        job: 'web',
        tasks: [
          { task: 'a', node: '', state: 'waiting', movedAfter: 'n1' },
          { task: 'b', node: 'n3', state: 'running' },
          { task: 'c-0', node: 'n2', state: 'running' },
          { task: 'c-1', node: 'n2', state: 'starting' },
        ],
      },
    ],
    nodesDown: ['n1'],
  });
  const end: Position = { line: job.split('\n').length, character: 0 };
  const all = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(JOB_PATH) }, range: { start: { line: 0, character: 0 }, end } });
  const at = (task: string): string | undefined => all.filter((h) => h.position.line === lineOf(job, `name: ${task}`)).map(label)[0];
  assert.equal(at('a'), '→ no node · waiting (planned n1; n1 failed)');
  // Planned (as `berth plan` has it): a and c-0 on n1, b and c-1 on n2.
  assert.equal(at('b'), '→ n3 · running (planned n2)');
  assert.equal(at('c'), 'c-0 → n2 · running (planned n1) · c-1 → n2 · starting');
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(JOB_PATH) }, position: { line: lineOf(job, 'name: a'), character: 12 } });
  assert.match((hover?.contents as MarkupContent).value, /\n- \*\*a\*\* waits for a node · waiting · planned n1; n1 failed\n/);
  assert.match((hover?.contents as MarkupContent).value, /\*\*Live\*\* · cluster `livetest` \(swarm\)/);
  await client.shutdown();
});

test('hover of a running task: where it runs, since when, restarts, and failover from the live placements', async () => {
  const client = await started();
  const before = await hoverTask(client, 'b');
  assert.doesNotMatch(before, /Live/);
  await sendLive(client, LIVE);
  const b = (await hoverTask(client, 'b')).split('\n');
  assert.ok(b.includes('**Live** · cluster `livetest` (local)'), b.join('\n'));
  assert.ok(b.includes('- **b** runs on n2 · running since 2026-12-07 14:03:05 UTC · 1 restart · planned n3; moved after n3 failed'), b.join('\n'));
  assert.ok(b.includes('**Failover** (from the live placements)'), b.join('\n'));
  assert.ok(b.some((l) => l.startsWith('- if n2 fails: b has no node — cpus exhausted')), b.join('\n'));
  const a = (await hoverTask(client, 'a')).split('\n');
  assert.ok(a.includes('- **a** runs on n1 · running since 2026-12-07 14:00:00 UTC · 0 restarts · as planned'), a.join('\n'));
  const c = (await hoverTask(client, 'c')).split('\n');
  assert.ok(c.includes('- **c** runs on n3 · running since 2026-12-07 14:01:00 UTC · 2 restarts · planned n1'), c.join('\n'));
  await client.shutdown();
});

test('failover lenses of a running job simulate from the live placements, not the fresh plan', async () => {
  const client = await started();
  assert.deepEqual(await lensTitles(client), PLANNED_LENSES);
  await sendLive(client, LIVE);
  assert.deepEqual(await lensTitles(client), LIVE_LENSES);
  // The nodes' lenses in the cluster file read the same scan.
  assert.deepEqual(await lensTitles(client, CLUSTER_PATH), LIVE_LENSES.slice(1));
  // A node down: its scenario is not simulated, and the others start without it.
  await sendLive(client, { ...LIVE, nodesDown: ['n3'], jobs: [{ job: 'web', tasks: LIVE.jobs[0]?.tasks.filter((t) => t.task !== 'c') ?? [] }] });
  const down = await lensTitles(client);
  assert.ok(!down.some((t) => t.startsWith('if n3 fails')), down.join('\n'));
  await sendLive(client, EMPTY);
  assert.deepEqual(await lensTitles(client), PLANNED_LENSES);
  await client.shutdown();
});

test('a warm result equals a cold one: a server that saw other states and edits answers as a new server given the last state', async () => {
  const warm = await started();
  await sendLive(warm, { ...LIVE, jobs: [{ job: 'web', tasks: [{ task: 'a', node: 'n2', state: 'running' }] }] });
  await hintsByTask(warm);
  await lensTitles(warm);
  // An edit the allocator does not read (a comment), then one it does (and back), with a state in between.
  const commented = JOB.replace('tasks:\n', 'tasks: # three\n');
  let v = await warm.change(JOB_PATH, [{ text: commented }]);
  await warm.diagnostics(JOB_PATH, (p) => p.version === v);
  await sendLive(warm, LIVE);
  await hintsByTask(warm);
  const bigger = commented.replace('cpus: 1, mem: 1Gi', 'cpus: 2, mem: 1Gi');
  v = await warm.change(JOB_PATH, [{ text: bigger }]);
  await warm.diagnostics(JOB_PATH, (p) => p.version === v);
  await lensTitles(warm);
  v = await warm.change(JOB_PATH, [{ text: JOB }]);
  await warm.diagnostics(JOB_PATH, (p) => p.version === v);
  await lensTitles(warm);
  // Last, an edit the allocator does not read: the analysis is re-based on the same plan, and the live analysis kept.
  v = await warm.change(JOB_PATH, [{ text: commented }]);
  await warm.diagnostics(JOB_PATH, (p) => p.version === v);
  const cold = await started();
  await sendLive(cold, LIVE);
  assert.deepEqual(await hintsByTask(warm), await hintsByTask(cold));
  assert.deepEqual(await lensTitles(warm), await lensTitles(cold));
  assert.deepEqual(await lensTitles(warm), LIVE_LENSES);
  assert.equal(await hoverTask(warm, 'b'), await hoverTask(cold, 'b'));
  await warm.shutdown();
  await cold.shutdown();
});

test('a state for an unknown cluster, job or task is ignored, without an error', async () => {
  const client = await started();
  await sendLive(client, { ...LIVE, cluster: 'elsewhere' });
  assert.deepEqual(await hintsByTask(client), PLANNED_HINTS);
  assert.deepEqual(await lensTitles(client), PLANNED_LENSES);
  await sendLive(client, { ...LIVE, jobs: [{ job: 'ghost', tasks: [{ task: 'a', node: 'n2', state: 'running' }] }] });
  assert.deepEqual(await hintsByTask(client), PLANNED_HINTS);
  assert.deepEqual(await lensTitles(client), PLANNED_LENSES);
  assert.doesNotMatch(await hoverTask(client, 'a'), /Live/);
  // Unknown tasks and nodes of a known job: those entries are left out, the rest are read.
  await sendLive(client, {
    ...LIVE,
    jobs: [{ job: 'web', tasks: [{ task: 'zz-9', node: 'n2', state: 'running' }, { task: 'b', node: 'n2', state: 'running' }, { task: 'c', node: 'n99', state: 'running' }] }],
    nodesDown: ['n77'],
  });
  const hints = await hintsByTask(client);
  assert.equal(hints['b'], '→ n2 · running (planned n3)');
  assert.equal(hints['a'], PLANNED_HINTS.a);
  // c names a node the cluster does not have: shown as the client says, never planned from.
  assert.equal(hints['c'], '→ n99 · running (planned n1)');
  assert.deepEqual(client.logs.filter((l) => l.includes('[error]') || l.includes('[warn]')), []);
  await client.shutdown();
});

test('malformed params do not kill the server: each is logged and ignored, and the next request is answered', async () => {
  const client = await started();
  await sendLive(client, LIVE);
  const live = await hintsByTask(client);
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 500; i++) at = at['x'] = {};
  const bad: unknown[] = [
    null,
    42,
    'livetest',
    [],
    { cluster: 5 },
    { cluster: '' },
    { cluster: 'livetest', jobs: 'all' },
    { cluster: 'livetest', engine: 'moon', jobs: [null, 7, { job: 'web' }, { job: 'web', tasks: [{ task: {}, node: 3 }, { task: 'a' }, deep] }], nodesDown: 'n1' },
    { cluster: 'livetest', jobs: [{ job: 'web', tasks: [{ task: 'b', node: 'n2', state: 'running', since: 'yesterday', restarts: -1, movedAfter: 12 }] }] },
    { cluster: 'x'.repeat(100_000) },
    deep,
  ];
  for (const params of bad) await sendLive(client, params);
  // The last well-formed state wins; malformed entries are dropped; the server answers.
  const hints = await hintsByTask(client);
  assert.equal(hints['b'], '→ n2 · running (planned n3)');
  assert.notDeepEqual(hints, live);
  const hover = await hoverTask(client, 'b');
  assert.ok(hover.split('\n').includes('- **b** runs on n2 · running · planned n3'), hover);
  assert.deepEqual(client.logs.filter((l) => l.includes('[error]')), []);
  assert.ok(client.logs.some((l) => l.startsWith('[warn] berth/liveState ignored: the params are not an object')), client.logs.join('\n'));
  assert.ok(client.logs.some((l) => l.includes('malformed entries ignored')), client.logs.join('\n'));
  await client.shutdown();
});

test('the bundled server over stdio: a live state crosses the front to the back, and the seed shows the drift of §6c', async () => {
  const serverJs = join(repoRoot(), 'dist', 'server.js');
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-live-'));
  try {
    cpSync(join(repoRoot(), 'examples', 'seed'), dir, { recursive: true });
    const { client, child } = await startStdio(serverJs, dir);
    const job = join(dir, 'seed.job.yaml');
    const text = readFileSync(job, 'utf8');
    await client.open(job, text);
    await client.diagnostics(job);
    await sendLive(client, {
      cluster: 'seed',
      engine: 'local',
      jobs: [{ job: 'seed', tasks: [{ task: 'task1', node: 'node1', state: 'running' }, { task: 'task2', node: 'node3', state: 'running', movedFrom: 'node2', movedAfter: 'node2' }, { task: 'task3', node: 'node3', state: 'running' }] }],
      nodesDown: ['node2'],
    });
    const end: Position = { line: text.split('\n').length, character: 0 };
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(job) }, range: { start: { line: 0, character: 0 }, end } });
    assert.deepEqual(hints.filter((h) => h.position.line === lineOf(text, 'name: task2')).map(label), ['→ node3 · running (planned node2; moved after node2 failed)']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await client.shutdown();
    assert.equal(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client that can refresh is asked for hints and lenses again when a state changes them, and only then', async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, new MemoryFileSystem(FILES), { debounceMs: 5 });
  server.listen();
  const rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const asked: string[] = [];
  rpc.onRequest('workspace/inlayHint/refresh', () => (asked.push('hints'), null));
  rpc.onRequest('workspace/codeLens/refresh', () => (asked.push('lenses'), null));
  rpc.listen();
  await rpc.sendRequest('initialize', { processId: null, rootUri: uriOf('/ws'), capabilities: { workspace: { inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } } } });
  await rpc.sendNotification('initialized', {});
  const waitFor = async (n: number): Promise<void> => {
    // Each refresh is a request the server sends; a hover after it is answered once it has been read.
    const deadline = Date.now() + 5_000;
    while (asked.length < n) {
      assert.ok(Date.now() < deadline, `only ${asked.length} of ${n} refresh requests arrived: ${asked.join(', ')}`);
      await rpc.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(JOB_PATH) }, position: { line: 0, character: 0 } });
    }
  };
  await rpc.sendNotification(LIVE_STATE_METHOD, LIVE);
  await waitFor(2);
  assert.deepEqual([...asked].sort(), ['hints', 'lenses']);
  // The same state again: nothing changed, nothing asked (a refresh would have been read before the hover's answer).
  await rpc.sendNotification(LIVE_STATE_METHOD, LIVE);
  await rpc.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(JOB_PATH) }, position: { line: 0, character: 0 } });
  assert.equal(asked.length, 2);
  await rpc.sendNotification(LIVE_STATE_METHOD, EMPTY);
  await waitFor(4);
  assert.equal(asked.length, 4);
  await rpc.sendRequest('shutdown');
  await rpc.sendNotification('exit');
  rpc.dispose();
  server.dispose();
});
