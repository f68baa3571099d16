import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hover, MarkupContent, Position } from 'vscode-languageserver';
import { SCHEMAS } from '../../server/engine/spec/validateSchema';
import { repoRoot } from '../unit/spec/repoRoot';
import { startInMemory, uriOf, type TestClient } from './harness';

const seedDir = join(repoRoot(), 'examples', 'seed');
const seedJob = readFileSync(join(seedDir, 'seed.job.yaml'), 'utf8');
const seedCluster = readFileSync(join(seedDir, 'seed.cluster.yaml'), 'utf8');
const files = { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster };

/** The position of the `nth` occurrence of `needle` in `text`, `delta` characters in. */
function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (#${nth}) not in the text`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Opens a file and waits for its diagnostics (so no analysis is pending when the test shuts down). */
async function open(client: TestClient, path: string, text: string): Promise<void> {
  await client.open(path, text);
  await client.diagnostics(path);
}

async function hover(client: TestClient, path: string, position: Position): Promise<string | undefined> {
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(path) }, position });
  return h ? (h.contents as MarkupContent).value : undefined;
}

const jobSchema = SCHEMAS.Job as { properties: Record<string, { description: string; items: { properties: Record<string, { description: string }> } }> };

test('hover on a key shows its schema description, default and allowed values', async () => {
  const { client } = await startInMemory('/ws', files);
  await open(client, '/ws/seed.job.yaml', seedJob);
  const strategy = await hover(client, '/ws/seed.job.yaml', positionOf(seedJob, 'strategy:', 2));
  assert.ok(strategy?.includes(jobSchema.properties['strategy']?.description ?? '?'), strategy);
  assert.match(strategy ?? '', /Default: `binpack`/);
  assert.match(strategy ?? '', /`spread`/);
  const cpus = await hover(client, '/ws/seed.job.yaml', positionOf(seedJob, 'cpus:', 1));
  assert.match(cpus ?? '', /CPUs this task needs/);
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf('/ws/seed.job.yaml') }, position: positionOf(seedJob, 'strategy:', 2) });
  assert.deepEqual(h?.range, { start: positionOf(seedJob, 'strategy:'), end: positionOf(seedJob, 'strategy:', 8) });
  await client.shutdown();
});

test('hover on task2 in the seed shows its node with the load, and the node2 failure', async () => {
  const { client } = await startInMemory('/ws', files);
  await open(client, '/ws/seed.job.yaml', seedJob);
  const text = await hover(client, '/ws/seed.job.yaml', positionOf(seedJob, 'name: task2', 8));
  assert.ok(text, 'no hover on task2');
  assert.match(text, /\*\*task2\*\* → node2 · cpus 2\/3 · mem 4\/6 GiB · disk 2\/2 GiB/);
  assert.match(text, /if node2 fails: task2 has no node — /);
  // The key `name:` of the task gives the same placement, then the schema's word on `name`.
  const onKey = await hover(client, '/ws/seed.job.yaml', positionOf(seedJob, 'name: task2', 1));
  assert.match(onKey ?? '', /→ node2/);
  assert.match(onKey ?? '', /The name of the task/);
  await client.shutdown();
});

test('hover on a node of the cluster shows what runs there and its failure', async () => {
  const { client } = await startInMemory('/ws', files);
  await open(client, '/ws/seed.cluster.yaml', seedCluster);
  const text = await hover(client, '/ws/seed.cluster.yaml', positionOf(seedCluster, 'node3', 1));
  assert.ok(text, 'no hover on node3');
  assert.match(text, /\*\*node3\*\* · cpus 3\/4 · mem 6\/8 GiB · disk 3\/3 GiB/);
  assert.match(text, /Runs here/);
  assert.match(text, /- task3 · cpus 3 · mem 6Gi · disk 3Gi/);
  assert.match(text, /If node3 fails/);
  assert.match(text, /zone=c/);
  await client.shutdown();
});

const cluster = `apiVersion: berth/v1
kind: Cluster
name: small
nodes:
  - name: n1
    resources: { cpus: 2, mem: 4Gi }
    attributes: { zone: a }
  - name: n2
    resources: { cpus: 2, mem: 4Gi }
    attributes: { zone: b }
`;
const job = `apiVersion: berth/v1
kind: Job
name: app
cluster: ./small.cluster.yaml
tasks:
  - name: db
    priority: 900
    resources: { cpus: 1, mem: 1Gi }
    constraints: [[zone, IS, a]]
  - name: api
    priority: 800
    resources: { cpus: 1, mem: 1Gi }
    dependsOn: [db]
  - name: big
    resources: { cpus: 2, mem: 1Gi }
  - name: huge
    resources: { cpus: 2, mem: 1Gi }
`;

test('hover on a dependsOn entry names the task and where it lands', async () => {
  const { client } = await startInMemory('/ws', { '/ws/small.cluster.yaml': cluster, '/ws/app.job.yaml': job });
  await open(client, '/ws/app.job.yaml', job);
  const text = await hover(client, '/ws/app.job.yaml', positionOf(job, '[db]', 1));
  assert.match(text ?? '', /Depends on \*\*db\*\*/);
  assert.match(text ?? '', /\*\*db\*\* → n1/);
  await client.shutdown();
});

test('hover on a constraint says what it filters', async () => {
  const { client } = await startInMemory('/ws', { '/ws/small.cluster.yaml': cluster, '/ws/app.job.yaml': job });
  await open(client, '/ws/app.job.yaml', job);
  const text = await hover(client, '/ws/app.job.yaml', positionOf(job, 'IS', 0));
  assert.match(text ?? '', /\*\*zone IS a\*\*/);
  assert.match(text ?? '', /IS: the field equals `value`/);
  assert.match(text ?? '', /`zone` on the nodes: n1=a, n2=b/);
  assert.match(text ?? '', /for \*\*db\*\*: filters n2/);
  await client.shutdown();
});

test('hover on a constraint after an edit above moved it reports that constraint', async () => {
  // Both tasks keep their instances across the edit (it only moves them); the report is found
  // through the task's constraints as they are now.
  const two = job.replace('constraints: [[zone, IS, a]]', 'constraints: [[zone, IS, a], [zone, UNLIKE, a]]');
  const { client } = await startInMemory('/ws', { '/ws/small.cluster.yaml': cluster, '/ws/app.job.yaml': two });
  await open(client, '/ws/app.job.yaml', two);
  assert.match((await hover(client, '/ws/app.job.yaml', positionOf(two, 'UNLIKE', 0))) ?? '', /for \*\*db\*\*: filters n1(\n|$)/);
  const moved = two.replace('name: app', 'name: app # the application');
  await client.change('/ws/app.job.yaml', [{ text: moved }]);
  await client.diagnostics('/ws/app.job.yaml');
  const second = (await hover(client, '/ws/app.job.yaml', positionOf(moved, 'UNLIKE', 0))) ?? '';
  assert.match(second, /\*\*zone UNLIKE a\*\*/);
  assert.match(second, /for \*\*db\*\*: filters n1(\n|$)/);
  const first = (await hover(client, '/ws/app.job.yaml', positionOf(moved, 'IS', 0))) ?? '';
  assert.match(first, /for \*\*db\*\*: filters n2(\n|$)/);
  await client.shutdown();
});

test('hover on an unplaced task explains it; on a node, why not there', async () => {
  const { client } = await startInMemory('/ws', { '/ws/small.cluster.yaml': cluster, '/ws/app.job.yaml': job });
  await open(client, '/ws/app.job.yaml', job);
  const onTask = await hover(client, '/ws/app.job.yaml', positionOf(job, 'huge', 1));
  assert.match(onTask ?? '', /\*\*huge\*\* cannot be placed: cpus exhausted on 2 nodes \(needs 2, most free 0/);
  await open(client, '/ws/small.cluster.yaml', cluster);
  const onNode = await hover(client, '/ws/small.cluster.yaml', positionOf(cluster, 'n2', 1));
  assert.match(onNode ?? '', /Not placed — why not here/);
  assert.match(onNode ?? '', /- huge: cpus: needs 2, 0 free/);
  await client.shutdown();
});

test('hover on an unknown key named like an object property (constructor, toString) answers null', async () => {
  const text = seedJob.replace('tasks:', 'constructor: 1\ntasks:').replace('    resources:', '    toString: 2\n    resources:');
  const { client } = await startInMemory('/ws', files);
  await open(client, '/ws/seed.job.yaml', text);
  assert.equal(await hover(client, '/ws/seed.job.yaml', positionOf(text, 'constructor', 2)), undefined);
  assert.equal(await hover(client, '/ws/seed.job.yaml', positionOf(text, 'toString', 2)), undefined);
  // A constraint on such a field: no node defines it.
  const constrained = seedJob.replace('    resources:', '    constraints: [[constructor, IS, x]]\n    resources:');
  await client.change('/ws/seed.job.yaml', [{ text: constrained }]);
  await client.diagnostics('/ws/seed.job.yaml');
  assert.match((await hover(client, '/ws/seed.job.yaml', positionOf(constrained, 'IS', 0))) ?? '', /No node defines `constructor`/);
  await client.shutdown();
});

test('hover where there is nothing to say answers null, and a broken file still answers', async () => {
  const { client } = await startInMemory('/ws', files);
  await open(client, '/ws/seed.job.yaml', seedJob);
  assert.equal(await hover(client, '/ws/seed.job.yaml', { line: 0, character: 3 }), undefined);
  const broken = `${seedJob}\n  - name: [oops\n`;
  await client.change('/ws/seed.job.yaml', [{ text: broken }]);
  await client.diagnostics('/ws/seed.job.yaml');
  const text = await hover(client, '/ws/seed.job.yaml', positionOf(broken, 'preemption:', 2));
  assert.match(text ?? '', /preemption/);
  await client.shutdown();
});
