import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/server';
import { repoRoot } from '../unit/spec/repoRoot';
import { MemoryFileSystem, startInMemory, TestClient, uriOf } from './harness';

const seedDir = join(repoRoot(), 'examples', 'seed');
const seedJob = readFileSync(join(seedDir, 'seed.job.yaml'), 'utf8');
const seedCluster = readFileSync(join(seedDir, 'seed.cluster.yaml'), 'utf8');
const files = { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster };
const JOB = '/ws/seed.job.yaml';

/** The seed job with `insert` placed after `anchor` (its first occurrence); `¦` marks the cursor. */
function edited(anchor: string, insert: string): { text: string; offset: number } {
  const at = seedJob.indexOf(anchor);
  assert.ok(at >= 0, `"${anchor}" not in the seed job`);
  const withCursor = seedJob.slice(0, at + anchor.length) + insert + seedJob.slice(at + anchor.length);
  const offset = withCursor.indexOf('¦');
  return { text: withCursor.replace('¦', ''), offset };
}

const opened = new WeakMap<TestClient, Set<string>>();

/** Opens (or replaces) the file's text and asks for completion at `offset`. */
async function complete(client: TestClient, text: string, offset: number, path = JOB): Promise<CompletionItem[]> {
  const paths = opened.get(client) ?? new Set<string>();
  opened.set(client, paths);
  if (paths.has(path)) await client.change(path, [{ text }]);
  else await client.open(path, text);
  paths.add(path);
  const before = text.slice(0, offset);
  const position = { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
  const list = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: uriOf(path) }, position });
  // Let the analysis the open scheduled finish before the test shuts the server down.
  await client.diagnostics(path);
  return list?.items ?? [];
}

const labels = (items: readonly CompletionItem[]): string[] => items.map((i) => i.label);
const edit = (item: CompletionItem | undefined): string => (item?.textEdit as TextEdit | undefined)?.newText ?? '';

test('the server announces completion with its trigger characters, and hover', async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, new MemoryFileSystem(files));
  server.listen();
  const client = new TestClient(createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer)), () => server.dispose());
  const { capabilities } = await client.initialize('/ws');
  assert.deepEqual(capabilities.completionProvider?.triggerCharacters, [':', ' ', '[', ',', '-', '"']);
  assert.equal(capabilities.hoverProvider, true);
  // A file the server does not know: no answer, and no error (this also lets the watcher registration settle).
  const none = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: uriOf('/ws/notes.txt') }, position: { line: 0, character: 0 } });
  assert.equal(none, null);
  await client.shutdown();
  toServer.destroy();
  toClient.destroy();
});

test('a new key in a task offers the keys it lacks, required first, with snippets and docs', async () => {
  const { client } = await startInMemory('/ws', files);
  const { text, offset } = edited('resources: { cpus: 2, mem: 4Gi, disk: 2Gi }\n', '    ¦\n');
  const items = await complete(client, text, offset);
  const names = labels(items);
  for (const key of ['dependsOn', 'constraints', 'restart', 'priority', 'healthCheck']) assert.ok(names.includes(key), `${key} in ${names.join(', ')}`);
  for (const key of ['name', 'command', 'resources']) assert.ok(!names.includes(key), `${key} is already there`);
  assert.equal(edit(items.find((i) => i.label === 'restart')), 'restart: ${1|on-failure,never,always|}');
  assert.equal(edit(items.find((i) => i.label === 'constraints')), 'constraints: [[$1, $2]]');
  const dependsOn = items.find((i) => i.label === 'dependsOn');
  assert.match(JSON.stringify(dependsOn?.documentation), /Tasks of this job that must be running/);
  assert.equal(dependsOn?.kind, 10);
  assert.ok(dependsOn?.detail);
  await client.shutdown();
});

test('a new task item offers name and resources first, resources as a snippet', async () => {
  const { client } = await startInMemory('/ws', files);
  const { text, offset } = edited('resources: { cpus: 3, mem: 6Gi, disk: 3Gi }\n', '  - ¦\n');
  const items = await complete(client, text, offset);
  const sorted = [...items].sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1));
  assert.deepEqual(labels(sorted).slice(0, 2), ['name', 'resources']);
  assert.equal(edit(items.find((i) => i.label === 'resources')), 'resources: { cpus: $1, mem: $2 }');
  await client.shutdown();
});

test('after `restart: ` the values are never, on-failure and always', async () => {
  const { client } = await startInMemory('/ws', files);
  const { text, offset } = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', '    restart: ¦\n');
  const items = await complete(client, text, offset);
  assert.deepEqual(labels(items).sort(), ['always', 'never', 'on-failure']);
  assert.equal(items.find((i) => i.label === 'on-failure')?.preselect, true);
  await client.shutdown();
});

test('in `dependsOn: [` the other tasks of the job, not the task itself nor those listed', async () => {
  const { client } = await startInMemory('/ws', files);
  const open = edited('resources: { cpus: 2, mem: 4Gi, disk: 2Gi }\n', '    dependsOn: [¦\n');
  const names = await complete(client, open.text, open.offset);
  assert.deepEqual(labels(names).sort(), ['task1', 'task3']);
  // A short list: each item says what the task is, and carries the field's description.
  for (const item of names) {
    assert.match(item.detail ?? '', /^task · cpus /, item.label);
    assert.ok(item.documentation !== undefined, `${item.label} has the field's description`);
  }
  // A short list is sent whole whatever is typed (the editor filters it, and keeps filtering on backspace).
  const typed = edited('resources: { cpus: 2, mem: 4Gi, disk: 2Gi }\n', '    dependsOn: [task3¦\n');
  assert.deepEqual(labels(await complete(client, typed.text, typed.offset)).sort(), ['task1', 'task3']);
  const listed = edited('resources: { cpus: 2, mem: 4Gi, disk: 2Gi }\n', '    dependsOn: [task1, ¦]\n');
  assert.deepEqual(labels(await complete(client, listed.text, listed.offset)), ['task3']);
  const block = edited('resources: { cpus: 2, mem: 4Gi, disk: 2Gi }\n', '    dependsOn:\n      - task3\n      - ¦\n');
  assert.deepEqual(labels(await complete(client, block.text, block.offset)), ['task1']);
  await client.shutdown();
});

test('in a constraint: attribute names first, then operators, then the values nodes define', async () => {
  const { client } = await startInMemory('/ws', files);
  const field = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', '    constraints: [[¦\n');
  assert.deepEqual(labels(await complete(client, field.text, field.offset)), ['hostname', 'zone']);
  const op = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', '    constraints: [[zone, U¦\n');
  const ops = await complete(client, op.text, op.offset);
  assert.deepEqual(labels(ops), ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS']);
  assert.match(JSON.stringify(ops[0]?.documentation), /UNIQUE: each instance on a different value/);
  const value = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', '    constraints: [[zone, IS, ¦]]\n');
  assert.deepEqual(labels(await complete(client, value.text, value.offset)), ['a', 'b', 'c']);
  const host = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', '    constraints:\n      - [hostname, UNLIKE, ¦]\n');
  assert.deepEqual(labels(await complete(client, host.text, host.offset)), ['node1', 'node2', 'node3']);
  // A field no node defines offers no values, also when it is named like an object property.
  for (const name of ['toString', 'constructor']) {
    const none = edited('resources: { cpus: 1, mem: 2Gi, disk: 1Gi }\n', `    constraints: [[${name}, IS, ¦]]\n`);
    assert.deepEqual(labels(await complete(client, none.text, none.offset)), [], name);
  }
  await client.shutdown();
});

test('after `cluster: ` the workspace cluster files, relative to the job', async () => {
  const { client } = await startInMemory('/ws', { ...files, '/ws/other/big.cluster.yaml': seedCluster.replace('name: seed', 'name: big') });
  const text = seedJob.replace('cluster: ./seed.cluster.yaml', 'cluster: ');
  const offset = text.indexOf('cluster: ') + 'cluster: '.length;
  const items = await complete(client, text, offset);
  assert.deepEqual(labels(items), ['./other/big.cluster.yaml', './seed.cluster.yaml']);
  assert.equal(items[0]?.kind, 17);
  await client.shutdown();
});

test('in a flow mapping: the keys not yet present; quantities for mem', async () => {
  const { client } = await startInMemory('/ws', files);
  const key = edited('  - name: task1\n', '    resources: { cpus: 1, ¦ }\n');
  const keys = await complete(client, key.text, key.offset);
  assert.deepEqual(labels(keys), ['mem', 'disk', 'gpus', 'ports']);
  assert.equal(edit(keys[0]), 'mem: $1');
  const mem = edited('  - name: task1\n', '    resources: { cpus: 1, mem: ¦ }\n');
  const values = labels(await complete(client, mem.text, mem.offset));
  for (const q of ['512Mi', '1Gi', '4Gi']) assert.ok(values.includes(q), values.join(', '));
  await client.shutdown();
});

test('a value typed right after the colon gets a space; comments and block scalars get nothing', async () => {
  const { client } = await startInMemory('/ws', files);
  const tight = edited('strategy: binpack\n', 'preemption:¦\n');
  const items = await complete(client, tight.text, tight.offset);
  assert.deepEqual(items.map(edit).sort(), [' false', ' true']);
  const comment = edited('tasks:\n', '  # a comment ¦\n');
  assert.deepEqual(await complete(client, comment.text, comment.offset), []);
  const scalar = edited('  - name: task1\n', '    command: |\n      echo ¦\n');
  assert.deepEqual(await complete(client, scalar.text, scalar.offset), []);
  await client.shutdown();
});

test('in a cluster file: node attribute names and values that other nodes use', async () => {
  const { client } = await startInMemory('/ws', files);
  const text = `${seedCluster}  - name: node4\n    resources: { cpus: 1, mem: 1Gi }\n    attributes: { zone: ¦ }\n`;
  const offset = text.indexOf('¦');
  const items = await complete(client, text.replace('¦', ''), offset, '/ws/seed.cluster.yaml');
  assert.deepEqual(labels(items), ['a', 'b', 'c']);
  await client.shutdown();
});

test('a long list is cut to the items matching what is typed, and marked incomplete so the editor asks again', async () => {
  const tasks = Array.from({ length: 450 }, (_, i) => `  - name: t${i}\n    resources: { cpus: 0.01, mem: 8Mi }\n`).join('');
  const job = `apiVersion: berth/v1\nkind: Job\nname: many\ncluster: ./seed.cluster.yaml\ntasks:\n${tasks}  - name: last\n    resources: { cpus: 0.01, mem: 8Mi }\n    dependsOn: [t12¦]\n`;
  const { client } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster });
  const text = job.replace('¦', '');
  const at = job.indexOf('¦');
  await client.open('/ws/many.job.yaml', text);
  const position = (offset: number): { line: number; character: number } => {
    const before = text.slice(0, offset);
    return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  const typed = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf('/ws/many.job.yaml') }, position: position(at) });
  // t12, t120..t129: what "t12" can still become.
  assert.deepEqual(typed.items.map((i) => i.label).sort(), ['t12', ...Array.from({ length: 10 }, (_, i) => `t12${i}`)].sort());
  assert.equal(typed.isIncomplete, true);
  const empty = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: uriOf('/ws/many.job.yaml') }, position: position(at - 3) });
  assert.equal(empty.items.length, 200);
  assert.equal(empty.isIncomplete, true);
  // A long list: each item's own detail, but not the field's description 200 times over.
  assert.ok(empty.items.every((i) => /^task · cpus /.test(i.detail ?? '') && i.documentation === undefined));
  await client.diagnostics('/ws/many.job.yaml');
  await client.shutdown();
});
