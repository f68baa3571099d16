/**
 * Go to definition, find references and rename over the protocol: task names and `dependsOn`,
 * node names and `hostname` constraints across files, and the cluster reference. Every range is
 * checked by slicing the text it points into.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { applyEdits, startInMemory, uriOf, type TestClient } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const webJob = example('webstack', 'webstack.job.yaml');
const webCluster = example('webstack', 'webstack.cluster.yaml');

/** The position of the `nth` occurrence of `needle` in `text`, `at` characters into it. */
function pos(text: string, needle: string, nth = 0, at = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `no ${nth + 1}th ${JSON.stringify(needle)}`);
  }
  const before = text.slice(0, i + at).split('\n');
  return { line: before.length - 1, character: (before[before.length - 1] ?? '').length };
}

function slice(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  return [(lines[r.start.line] ?? '').slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), (lines[r.end.line] ?? '').slice(0, r.end.character)].join('\n');
}

function lineOf(text: string, r: Range): string {
  return text.split('\n')[r.start.line] ?? '';
}



/** `uri → lines of the ranges`, sorted, for comparing locations across files. */
function where(locations: readonly Location[] | null, texts: Record<string, string>): string[] {
  return (locations ?? []).map((l) => {
    const path = Object.keys(texts).find((p) => uriOf(p) === l.uri) ?? l.uri;
    const text = texts[path] ?? '';
    return `${path}:${l.range.start.line}:${slice(text, l.range)}`;
  }).sort();
}

/**
 * Shuts the server down once the diagnostics of every opened file have arrived for its latest
 * version: no publish is then pending on a disposed connection.
 */
async function settle(client: TestClient, ...paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => client.diagnostics(p)));
  await client.shutdown();
}

async function request<R>(client: TestClient, method: string, path: string, position: Position, extra: Record<string, unknown> = {}): Promise<R> {
  return client.request<R>(method, { textDocument: { uri: uriOf(path) }, position, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  assert.fail('the request was not refused');
}

// ---------------------------------------------------------------------------------------------
// Tasks

test('definition of a dependsOn entry inside a flow sequence is the task name', async () => {
  const { client } = await startInMemory('/ws', { '/ws/webstack.job.yaml': webJob, '/ws/webstack.cluster.yaml': webCluster });
  await client.open('/ws/webstack.job.yaml', webJob);
  for (const [needle, at, name] of [['dependsOn: [db, cache]', 12, 'db'], ['dependsOn: [db, cache]', 17, 'cache'], ['dependsOn: [db, cache]', 21, 'cache']] as const) {
    const found = await request<Location[]>(client, 'textDocument/definition', '/ws/webstack.job.yaml', pos(webJob, needle, 0, at));
    assert.equal(found.length, 1, `${name}: ${JSON.stringify(found)}`);
    const [loc] = found;
    assert.ok(loc);
    assert.equal(slice(webJob, loc.range), name);
    assert.equal(lineOf(webJob, loc.range), `  - name: ${name}`);
  }
  // Not on a name: nothing.
  assert.equal(await request(client, 'textDocument/definition', '/ws/webstack.job.yaml', pos(webJob, 'priority: 900')), null);
  await settle(client, '/ws/webstack.job.yaml');
});

test('references of a task: its name and every dependsOn entry naming it', async () => {
  const { client } = await startInMemory('/ws', { '/ws/webstack.job.yaml': webJob, '/ws/webstack.cluster.yaml': webCluster });
  await client.open('/ws/webstack.job.yaml', webJob);
  const texts = { '/ws/webstack.job.yaml': webJob };
  const all = await request<Location[]>(client, 'textDocument/references', '/ws/webstack.job.yaml', pos(webJob, '- name: db', 0, 9), { context: { includeDeclaration: true } });
  const lines = webJob.split('\n');
  const expected = ['  - name: db', '    dependsOn: [db, cache]', '    dependsOn: [db]', '    dependsOn: [db]'];
  assert.deepEqual(all.map((l) => lines[l.range.start.line]).sort(), [...expected].sort());
  assert.ok(where(all, texts).every((w) => w.endsWith(':db')), JSON.stringify(where(all, texts)));
  const refs = await request<Location[]>(client, 'textDocument/references', '/ws/webstack.job.yaml', pos(webJob, 'dependsOn: [db]', 0, 12), { context: { includeDeclaration: false } });
  assert.equal(refs.length, 3);
  await settle(client, '/ws/webstack.job.yaml');
});

test('rename a task: its name and every dependsOn entry, keeping flow sequences and quotes', async () => {
  const job = `apiVersion: berth/v1
kind: Job
name: shop
cluster: ./dev.cluster.yaml
tasks:
  - name: "db"
    resources: { cpus: 1, mem: 1Gi }
  - name: cache
    resources: { cpus: 1, mem: 1Gi }
  - name: api
    resources: { cpus: 1, mem: 1Gi }
    dependsOn: [ db,cache ]
  - name: worker
    resources: { cpus: 1, mem: 1Gi }
    dependsOn:
      - 'db'   # the database
`;
  const cluster = 'apiVersion: berth/v1\nkind: Cluster\nname: dev\nnodes:\n  - name: node1\n    resources: { cpus: 8, mem: 16Gi }\n';
  const { client } = await startInMemory('/ws', { '/ws/shop.job.yaml': job, '/ws/dev.cluster.yaml': cluster });
  await client.open('/ws/shop.job.yaml', job);
  const prepared = await request<{ range: Range; placeholder: string }>(client, 'textDocument/prepareRename', '/ws/shop.job.yaml', pos(job, 'dependsOn: [ db', 0, 13));
  assert.equal(slice(job, prepared.range), 'db');
  assert.equal(prepared.placeholder, 'db');
  const onQuoted = await request<{ range: Range }>(client, 'textDocument/prepareRename', '/ws/shop.job.yaml', pos(job, '"db"', 0, 1));
  assert.equal(slice(job, onQuoted.range), 'db', 'the range excludes the quotes');

  const edit = await request<WorkspaceEdit>(client, 'textDocument/rename', '/ws/shop.job.yaml', pos(job, '"db"', 0, 2), { newName: 'database' });
  const edits = edit.changes?.[uriOf('/ws/shop.job.yaml')] ?? [];
  assert.equal(edits.length, 3);
  assert.deepEqual(Object.keys(edit.changes ?? {}), [uriOf('/ws/shop.job.yaml')]);
  const renamed = applyEdits(job, edits);
  assert.equal(renamed, job.replace('"db"', '"database"').replace('[ db,cache ]', '[ database,cache ]').replace("'db'", "'database'"));
  await client.change('/ws/shop.job.yaml', [{ text: renamed }]);
  const d = await client.diagnostics('/ws/shop.job.yaml');
  assert.deepEqual(d.diagnostics.filter((x) => String(x.code).startsWith('spec/')), [], 'the renamed job still checks');

  // Refusals, with a message the editor shows.
  assert.match(await rejection(request(client, 'textDocument/rename', '/ws/shop.job.yaml', pos(renamed, '- name: cache', 0, 9), { newName: 'api' })), /already a task named "api"/);
  assert.match(await rejection(request(client, 'textDocument/rename', '/ws/shop.job.yaml', pos(renamed, '- name: cache', 0, 9), { newName: 'Not_A_Label' })), /DNS label/);
  assert.match(await rejection(request(client, 'textDocument/prepareRename', '/ws/shop.job.yaml', pos(renamed, 'resources:', 0, 2))), /Only task names, node names and cluster names/);
  assert.match(await rejection(request(client, 'textDocument/prepareRename', '/ws/shop.job.yaml', pos(renamed, './dev.cluster.yaml', 0, 3))), /rename the file instead/);
  await settle(client, '/ws/shop.job.yaml');
});

test('a dependsOn entry naming no task cannot be renamed', async () => {
  const job = 'apiVersion: berth/v1\nkind: Job\nname: j\ncluster: ./dev.cluster.yaml\ntasks:\n  - name: a\n    resources: { cpus: 1, mem: 1Gi }\n    dependsOn: [ghost]\n';
  const { client } = await startInMemory('/ws', { '/ws/j.job.yaml': job });
  await client.open('/ws/j.job.yaml', job);
  assert.match(await rejection(request(client, 'textDocument/prepareRename', '/ws/j.job.yaml', pos(job, 'ghost', 0, 1))), /no task named "ghost"/);
  assert.equal(await request(client, 'textDocument/definition', '/ws/j.job.yaml', pos(job, 'ghost', 0, 1)), null);
  await settle(client, '/ws/j.job.yaml');
});

// ---------------------------------------------------------------------------------------------
// Nodes and clusters, across files

const devCluster = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 4, mem: 8Gi }
  - name: node2
    resources: { cpus: 4, mem: 8Gi }
`;
const otherCluster = devCluster.replace('name: dev', 'name: other');
const jobA = `apiVersion: berth/v1
kind: Job
name: a
cluster: ./dev.cluster.yaml
tasks:
  - name: web
    resources: { cpus: 1, mem: 1Gi }
    constraints: [[hostname, IS, node1]]
`;
const jobB = `apiVersion: berth/v1
kind: Job
name: b
cluster: "./dev.cluster.yaml"
tasks:
  - name: web
    resources: { cpus: 1, mem: 1Gi }
    constraints: [[hostname, LIKE, "node1"], [hostname, UNLIKE, node2], [hostname, LIKE, "node[12]"]]
`;
const jobOther = jobA.replace('./dev.cluster.yaml', './other.cluster.yaml').replace('name: a', 'name: c');
const nodeFiles = {
  '/ws/dev.cluster.yaml': devCluster,
  '/ws/other.cluster.yaml': otherCluster,
  '/ws/a.job.yaml': jobA,
  '/ws/sub/b.job.yaml': jobB.replace('./dev.cluster.yaml', '../dev.cluster.yaml'),
  '/ws/c.job.yaml': jobOther,
};

test('definition of a hostname constraint value is the node in the cluster file', async () => {
  const { client } = await startInMemory('/ws', nodeFiles);
  await client.open('/ws/a.job.yaml', jobA);
  const [loc, ...rest] = await request<Location[]>(client, 'textDocument/definition', '/ws/a.job.yaml', pos(jobA, 'IS, node1', 0, 6));
  assert.equal(rest.length, 0);
  assert.ok(loc);
  assert.equal(loc.uri, uriOf('/ws/dev.cluster.yaml'));
  assert.equal(slice(devCluster, loc.range), 'node1');
  assert.equal(lineOf(devCluster, loc.range), '  - name: node1');
  await settle(client, '/ws/a.job.yaml');
});

test('references of a node: its name and every hostname constraint naming it, in every job file on that cluster', async () => {
  const { client } = await startInMemory('/ws', nodeFiles);
  await client.open('/ws/dev.cluster.yaml', devCluster);
  const locations = await request<Location[]>(client, 'textDocument/references', '/ws/dev.cluster.yaml', pos(devCluster, 'node1', 0, 2), { context: { includeDeclaration: true } });
  assert.deepEqual(where(locations, nodeFiles), ['/ws/a.job.yaml:7:node1', '/ws/dev.cluster.yaml:4:node1', '/ws/sub/b.job.yaml:7:node1']);
  const fromJob = await request<Location[]>(client, 'textDocument/references', '/ws/a.job.yaml', pos(jobA, 'IS, node1', 0, 4), { context: { includeDeclaration: false } });
  assert.deepEqual(where(fromJob, nodeFiles), ['/ws/a.job.yaml:7:node1', '/ws/sub/b.job.yaml:7:node1']);
  await settle(client, '/ws/dev.cluster.yaml');
});

test('rename a node: the cluster file and every job file targeting it, and nothing on another cluster', async () => {
  const { client } = await startInMemory('/ws', nodeFiles);
  await client.open('/ws/a.job.yaml', jobA);
  const prepared = await request<{ range: Range }>(client, 'textDocument/prepareRename', '/ws/a.job.yaml', pos(jobA, 'IS, node1', 0, 8));
  assert.equal(slice(jobA, prepared.range), 'node1');
  const edit = await request<WorkspaceEdit>(client, 'textDocument/rename', '/ws/a.job.yaml', pos(jobA, 'IS, node1', 0, 8), { newName: 'edge1' });
  const changes = edit.changes ?? {};
  assert.deepEqual(Object.keys(changes).sort(), [uriOf('/ws/a.job.yaml'), uriOf('/ws/dev.cluster.yaml'), uriOf('/ws/sub/b.job.yaml')].sort());
  assert.equal(applyEdits(devCluster, changes[uriOf('/ws/dev.cluster.yaml')] ?? []), devCluster.replace('name: node1', 'name: edge1'));
  assert.equal(applyEdits(jobA, changes[uriOf('/ws/a.job.yaml')] ?? []), jobA.replace('IS, node1', 'IS, edge1'));
  const b = nodeFiles['/ws/sub/b.job.yaml'];
  assert.equal(applyEdits(b, changes[uriOf('/ws/sub/b.job.yaml')] ?? []), b.replace('LIKE, "node1"', 'LIKE, "edge1"'));
  assert.match(await rejection(request(client, 'textDocument/rename', '/ws/a.job.yaml', pos(jobA, 'IS, node1', 0, 8), { newName: 'node2' })), /already a node named "node2"/);
  await settle(client, '/ws/a.job.yaml');
});

test('the cluster reference: definition, references and the refusal to rename a path', async () => {
  const { client } = await startInMemory('/ws', nodeFiles);
  await client.open('/ws/a.job.yaml', jobA);
  const [loc] = await request<Location[]>(client, 'textDocument/definition', '/ws/a.job.yaml', pos(jobA, './dev.cluster.yaml', 0, 4));
  assert.ok(loc);
  assert.equal(loc.uri, uriOf('/ws/dev.cluster.yaml'));
  assert.equal(slice(devCluster, loc.range), 'dev');
  const refs = await request<Location[]>(client, 'textDocument/references', '/ws/dev.cluster.yaml', pos(devCluster, 'name: dev', 0, 7), { context: { includeDeclaration: true } });
  assert.deepEqual(where(refs, nodeFiles), ['/ws/a.job.yaml:3:./dev.cluster.yaml', '/ws/dev.cluster.yaml:2:dev', '/ws/sub/b.job.yaml:3:../dev.cluster.yaml']);
  await settle(client, '/ws/a.job.yaml');
});

test('an in-file cluster: definition and rename of the name reference', async () => {
  const text = `apiVersion: berth/v1
kind: Cluster
name: local
nodes:
  - name: n1
    resources: { cpus: 2, mem: 4Gi }
---
apiVersion: berth/v1
kind: Job
name: app
cluster: local
tasks:
  - name: t
    resources: { cpus: 1, mem: 1Gi }
    constraints: [[hostname, IS, n1]]
`;
  const { client } = await startInMemory('/ws', { '/ws/app.yaml': text });
  await client.open('/ws/app.yaml', text);
  const [loc] = await request<Location[]>(client, 'textDocument/definition', '/ws/app.yaml', pos(text, 'cluster: local', 0, 10));
  assert.ok(loc);
  assert.equal(loc.uri, uriOf('/ws/app.yaml'));
  assert.equal(loc.range.start.line, 2);
  assert.equal(slice(text, loc.range), 'local');
  const [node] = await request<Location[]>(client, 'textDocument/definition', '/ws/app.yaml', pos(text, 'IS, n1', 0, 4));
  assert.ok(node);
  assert.equal(node.range.start.line, 4);
  const edit = await request<WorkspaceEdit>(client, 'textDocument/rename', '/ws/app.yaml', pos(text, 'cluster: local', 0, 11), { newName: 'lab' });
  const renamed = applyEdits(text, edit.changes?.[uriOf('/ws/app.yaml')] ?? []);
  assert.equal(renamed, text.replace('name: local', 'name: lab').replace('cluster: local', 'cluster: lab'));
  await settle(client, '/ws/app.yaml');
});
