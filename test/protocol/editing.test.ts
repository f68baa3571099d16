/**
 * Document symbols, folding, formatting that keeps comments, and quick fixes, over the protocol.
 * Ranges are checked by slicing the text; edits are applied and the result checked again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, DocumentSymbol, FoldingRange, Range, TextEdit } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { applyEdits, codes, startInMemory, uriOf, type TestClient } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const seedJob = example('seed', 'seed.job.yaml');
const seedCluster = example('seed', 'seed.cluster.yaml');
const webJob = example('webstack', 'webstack.job.yaml');
const webCluster = example('webstack', 'webstack.cluster.yaml');
const examples = {
  '/ws/seed.job.yaml': seedJob,
  '/ws/seed.cluster.yaml': seedCluster,
  '/ws/webstack.job.yaml': webJob,
  '/ws/webstack.cluster.yaml': webCluster,
};

function slice(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  return [(lines[r.start.line] ?? '').slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), (lines[r.end.line] ?? '').slice(0, r.end.character)].join('\n');
}



/**
 * Shuts the server down once the diagnostics of every opened file have arrived for its latest
 * version: no publish is then pending on a disposed connection.
 */
async function settle(client: TestClient, ...paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => client.diagnostics(p)));
  await client.shutdown();
}

const docOf = (path: string): { textDocument: { uri: string } } => ({ textDocument: { uri: uriOf(path) } });

// ---------------------------------------------------------------------------------------------
// Document symbols

test('document symbols: a job with its tasks, a cluster with its nodes, one root per document', async () => {
  const { client } = await startInMemory('/ws', examples);
  await client.open('/ws/webstack.job.yaml', webJob);
  const [job, ...more] = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', docOf('/ws/webstack.job.yaml'));
  assert.equal(more.length, 0);
  assert.ok(job);
  assert.equal(job.name, 'webstack');
  assert.equal(slice(webJob, job.selectionRange), 'webstack');
  assert.deepEqual(job.children?.map((c) => c.name), ['db', 'cache', 'api', 'worker', 'report']);
  const api = job.children?.find((c) => c.name === 'api');
  assert.equal(api?.detail, '3 instances · cpus 1 · mem 1Gi · disk 1Gi');
  assert.equal(api && slice(webJob, api.selectionRange), 'api');
  assert.ok(api && slice(webJob, api.range).startsWith('name: api\n') && slice(webJob, api.range).includes('restart: always'));

  await client.open('/ws/webstack.cluster.yaml', webCluster);
  const [cluster] = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', docOf('/ws/webstack.cluster.yaml'));
  assert.equal(cluster?.children?.length, 8);
  assert.equal(cluster?.children?.[0]?.detail, 'cpus 4 · mem 8Gi · disk 100Gi · ports 5432,6379,8080,31000-31099 · zone=a · rack=r1 · disk=ssd');
  assert.match(cluster?.detail ?? '', /8 nodes · cpus 24 · mem 48Gi/);

  const both = `${seedCluster}---\n${seedJob.replace('./seed.cluster.yaml', 'seed')}`;
  await client.open('/ws/both.yaml', both);
  const roots = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', docOf('/ws/both.yaml'));
  assert.deepEqual(roots.map((r) => [r.name, r.children?.map((c) => c.name)]), [['seed', ['node1', 'node2', 'node3']], ['seed', ['task1', 'task2', 'task3']]]);
  await settle(client, '/ws/webstack.job.yaml', '/ws/webstack.cluster.yaml', '/ws/both.yaml');
});

// ---------------------------------------------------------------------------------------------
// Folding

test('folding: comment blocks, the task list, each task, nested blocks, block scalars and documents', async () => {
  const text = `# one
# two
apiVersion: berth/v1
kind: Job
name: j
cluster: local
tasks:
  - name: a
    command: |
      echo one
      # not a comment: part of the script
      echo two
    resources:
      cpus: 1
      mem: 1Gi
  - name: b
    resources: { cpus: 1, mem: 1Gi }
---
kind: Cluster
name: local
nodes:
  - name: n
    resources: { cpus: 2, mem: 4Gi }
`;
  const { client } = await startInMemory('/ws', {});
  await client.open('/ws/f.yaml', text);
  const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', docOf('/ws/f.yaml'));
  const shown = ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`);
  assert.deepEqual(shown, ['0-16 region', '0-1 comment', '6-16', '7-14', '8-11', '12-14', '15-16', '17-22 region', '20-22', '21-22']);

  await client.open('/ws/seed.job.yaml', seedJob);
  const seed = await client.request<FoldingRange[]>('textDocument/foldingRange', docOf('/ws/seed.job.yaml'));
  const lines = seedJob.split('\n');
  assert.deepEqual(seed.map((r) => [lines[r.startLine], r.endLine - r.startLine]), [
    ['# The design note\'s worked example. Its three tasks place as the note says:', 5],
    ['tasks:', 10],
    ['  - name: task1', 2],
    ['  - name: task2', 2],
    ['  - name: task3', 2],
  ]);
  await settle(client, '/ws/f.yaml', '/ws/seed.job.yaml');
});

// ---------------------------------------------------------------------------------------------
// Formatting

const messy = `# A job, written in a hurry.
apiVersion:   berth/v1     # the only version
kind: Job
name: "shop"
cluster: './dev.cluster.yaml'

failover: {tolerate: 1,   domains: [ zone ]}
tasks:
      # the database first
      - name: db
        resources:
              cpus: 1
              mem: 2Gi     # plenty
        command: >
            sh -c
            'serve --port 5432'
      - name: api   # the front
        dependsOn:   [ db ]
        constraints: [[zone,UNIQUE]]
        resources: { cpus: 1, mem: 1Gi }
# the end
`;
const canonical = `# A job, written in a hurry.
apiVersion: berth/v1 # the only version
kind: Job
name: "shop"
cluster: './dev.cluster.yaml'

failover: { tolerate: 1, domains: [zone] }
tasks:
  # the database first
  - name: db
    resources:
      cpus: 1
      mem: 2Gi # plenty
    command: >
      sh -c
      'serve --port 5432'
  - name: api # the front
    dependsOn: [db]
    constraints: [[zone, UNIQUE]]
    resources: { cpus: 1, mem: 1Gi }

# the end
`;

async function format(client: TestClient, path: string, tabSize = 2): Promise<TextEdit[]> {
  return client.request<TextEdit[]>('textDocument/formatting', { ...docOf(path), options: { tabSize, insertSpaces: true } });
}

test('formatting: an oddly indented, commented spec becomes canonical with every comment kept; twice is stable', async () => {
  const { client } = await startInMemory('/ws', {});
  await client.open('/ws/shop.job.yaml', messy);
  const edits = await format(client, '/ws/shop.job.yaml');
  assert.ok(edits.length > 1, 'line hunks, not one whole-file edit');
  const formatted = applyEdits(messy, edits);
  assert.equal(formatted, canonical);
  for (const comment of messy.match(/#[^\n]*/g) ?? []) assert.ok(formatted.includes(comment.trimEnd()), `kept ${comment}`);
  await client.change('/ws/shop.job.yaml', [{ text: formatted }]);
  assert.deepEqual(await format(client, '/ws/shop.job.yaml'), []);
  // Another indentation width.
  await client.change('/ws/shop.job.yaml', [{ text: messy }]);
  const four = applyEdits(messy, await format(client, '/ws/shop.job.yaml', 4));
  assert.match(four, /\ntasks:\n {4}# the database first\n {4}- name: db\n {6}resources:\n {10}cpus: 1\n/);
  await settle(client, '/ws/shop.job.yaml');
});

test('formatting: the examples are already canonical, and a file with a syntax error gets no edits', async () => {
  const { client } = await startInMemory('/ws', examples);
  for (const [path, text] of Object.entries(examples)) {
    await client.open(path, text);
    assert.deepEqual(await format(client, path), [], path);
  }
  const broken = seedJob.replace('tasks:\n', 'tasks: [\n');
  await client.change('/ws/seed.job.yaml', [{ text: broken }]);
  assert.deepEqual(await format(client, '/ws/seed.job.yaml'), []);
  await settle(client, ...Object.keys(examples));
});

// ---------------------------------------------------------------------------------------------
// Code actions

async function fixesFor(client: TestClient, path: string, d: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { ...docOf(path), range: d.range, context: { diagnostics: [d] } });
}

const shopCluster = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 8, mem: 16Gi }
    attributes: { zone: a }
`;

test('quick fixes from diagnostic data: unit slip, did-you-mean for keys, values, names and attributes, missing fields', async () => {
  const job = `apiVersion: berth/v1
kind: Job
name: shop
cluster: ./dev.cluster.yaml
stratgy: binpack
preemption: false
failover: { domains: [zome] }
tasks:
  - name: db
    resources: { cpus: 1, mem: 4 }
    constraints: [[zon, UNIQUE]]
  - name: api
    resources: { cpus: 1, mem: 1Gi }
    dependsOn: [dbb]
    restart: "alway"
    constraints: [[hostname, IS, nod1], [zone, CLUSTER, "aa"]]
  - image: busybox:1.36
    resources: { cpus: 1, mem: 1Gi }
`;
  const { client } = await startInMemory('/ws', { '/ws/dev.cluster.yaml': shopCluster });
  await client.open('/ws/shop.job.yaml', job);
  const { diagnostics } = await client.diagnostics('/ws/shop.job.yaml');
  const fixed = async (code: string, at: string): Promise<{ actions: CodeAction[]; results: string[] }> => {
    const d = diagnostics.find((x) => x.code === code && slice(job, x.range).includes(at));
    assert.ok(d, `${code} at ${at}: ${JSON.stringify(diagnostics.map((x) => [x.code, slice(job, x.range)]))}`);
    const actions = await fixesFor(client, '/ws/shop.job.yaml', d);
    return { actions, results: actions.map((a) => applyEdits(job, a.edit?.changes?.[uriOf('/ws/shop.job.yaml')] ?? [])) };
  };

  // Each: the diagnostic (code, text under it), its one fix (preferred), and the text after it: [from, to].
  const cases: [code: string, at: string, title: string, from: string, to: string, why?: string][] = [
    ['spec/implausible-value', '4', 'Change to 4Gi', 'mem: 4 }', 'mem: 4Gi }'],
    ['spec/unknown-field', 'stratgy', 'Change to "strategy"', 'stratgy:', 'strategy:'],
    ['spec/invalid-value', 'alway', 'Change to "always"', '"alway"', '"always"', 'the quotes are kept'],
    ['spec/unknown-dependency', 'dbb', 'Change to "db"', '[dbb]', '[db]'],
    ['spec/unknown-attribute', 'zon', 'Change to "zone"', '[[zon, UNIQUE]]', '[[zone, UNIQUE]]', 'only the attribute name changes'],
    ['spec/unknown-node', 'nod1', 'Change to "node1"', '[hostname, IS, nod1]', '[hostname, IS, node1]', 'only the node name changes'],
    ['spec/unknown-attribute-value', 'aa', 'Change to "a"', '[zone, CLUSTER, "aa"]', '[zone, CLUSTER, "a"]', 'only the value changes, in its quotes'],
    ['spec/unknown-attribute', 'zome', 'Change to "zone"', '[zome]', '[zone]'],
    ['spec/missing-field', 'image', 'Add "name"', '  - image: busybox', '  - name: name\n    image: busybox'],
  ];
  for (const [code, at, title, from, to, why] of cases) {
    const { actions, results } = await fixed(code, at);
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [[title, true]], `${code} at ${at}`);
    assert.equal(results[0], job.replace(from, to), why ?? `${code} at ${at}`);
  }
  await settle(client, '/ws/shop.job.yaml');
});

test('did-you-mean in a block-style constraint changes only the name', async () => {
  const job = `apiVersion: berth/v1
kind: Job
name: shop
cluster: ./dev.cluster.yaml
tasks:
  - name: api
    resources: { cpus: 1, mem: 1Gi }
    constraints:
      - - hostname
        - IS
        - nod1
      - - zon
        - UNIQUE
`;
  const { client } = await startInMemory('/ws', { '/ws/dev.cluster.yaml': shopCluster });
  await client.open('/ws/shop.job.yaml', job);
  const { diagnostics } = await client.diagnostics('/ws/shop.job.yaml');
  const results: string[] = [];
  for (const d of diagnostics) {
    for (const a of await fixesFor(client, '/ws/shop.job.yaml', d)) results.push(applyEdits(job, a.edit?.changes?.[uriOf('/ws/shop.job.yaml')] ?? []));
  }
  assert.deepEqual(results.sort(), [job.replace('- nod1', '- node1'), job.replace('- - zon\n', '- - zone\n')].sort());
  await settle(client, '/ws/shop.job.yaml');
});

test('add a missing field: at its schema position, at the mapping indentation, with the file kind', async () => {
  const job = 'apiVersion: berth/v1\nname: shop\ntasks:\n  - name: a\n    resources: { cpus: 1 }\n';
  const { client } = await startInMemory('/ws', { '/ws/dev.cluster.yaml': shopCluster });
  await client.open('/ws/shop.job.yaml', job);
  const { diagnostics } = await client.diagnostics('/ws/shop.job.yaml');
  const results: string[] = [];
  for (const d of diagnostics.filter((x) => x.code === 'spec/missing-field')) {
    for (const a of await fixesFor(client, '/ws/shop.job.yaml', d)) results.push(`${a.title}\n${applyEdits(job, a.edit?.changes?.[uriOf('/ws/shop.job.yaml')] ?? [])}`);
  }
  assert.deepEqual(results.sort(), [
    `Add "cluster"\n${job.replace('tasks:', 'cluster: ./dev.cluster.yaml\ntasks:')}`,
    `Add "kind"\n${job.replace('name: shop', 'kind: Job\nname: shop')}`,
    `Add "mem"\n${job.replace('{ cpus: 1 }', '{ cpus: 1, mem: }')}`,
  ].sort());
  await settle(client, '/ws/shop.job.yaml');
});

test('failover/no-capacity: the simulator\'s capacity suggestion edits the cluster file, and then the job is failover-safe', async () => {
  const { client } = await startInMemory('/ws', examples);
  await client.open('/ws/seed.job.yaml', seedJob);
  const { diagnostics } = await client.diagnostics('/ws/seed.job.yaml');
  const task2 = diagnostics.find((d) => d.code === 'failover/no-capacity' && slice(seedJob, d.range) === 'task2');
  assert.ok(task2);
  const [action, ...others] = await fixesFor(client, '/ws/seed.job.yaml', task2);
  assert.equal(others.length, 0);
  assert.ok(action);
  assert.match(action.title, /^Add .+ to node\d.* in seed\.cluster\.yaml$/);
  assert.equal(action.isPreferred, true);
  const changes = action.edit?.changes ?? {};
  assert.deepEqual(Object.keys(changes), [uriOf('/ws/seed.cluster.yaml')]);
  const cluster = applyEdits(seedCluster, changes[uriOf('/ws/seed.cluster.yaml')] ?? []);
  assert.notEqual(cluster, seedCluster);
  assert.equal(cluster.split('\n').length, seedCluster.split('\n').length, 'values change in place');

  // The workspace is indexed in the background after the first diagnostics, and the open files
  // are analysed again when it ends: a job publish seen after the cluster's open may be that one,
  // computed from the old cluster. The cluster file's first publish comes from the flush that saw
  // the new text, and that flush publishes the open files in path order: the job's publish after
  // the cluster's is that flush's.
  await client.open('/ws/seed.cluster.yaml', cluster);
  const onClusterPublish = await client.diagnostics('/ws/seed.cluster.yaml');
  assert.deepEqual(codes(onClusterPublish.diagnostics), []);
  const from = client.published.indexOf(onClusterPublish);
  const after = client.published.slice(from + 1).find((p) => p.uri === uriOf('/ws/seed.job.yaml')) ?? (await client.nextDiagnostics('/ws/seed.job.yaml'));
  assert.deepEqual(codes(after.diagnostics).filter((c) => c.startsWith('failover/')), []);
  await settle(client, '/ws/seed.job.yaml', '/ws/seed.cluster.yaml');
});

test('failover/node-loss on a cluster node offers the same suggestion as an edit of that file', async () => {
  const { client } = await startInMemory('/ws', examples);
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  const { diagnostics } = await client.diagnostics('/ws/seed.cluster.yaml');
  const node2 = diagnostics.find((d) => d.code === 'failover/node-loss' && slice(seedCluster, d.range) === 'node2');
  assert.ok(node2, JSON.stringify(diagnostics));
  const [action] = await fixesFor(client, '/ws/seed.cluster.yaml', node2);
  assert.match(action?.title ?? '', /^Add .+ in seed\.cluster\.yaml \(for job seed\)$/);
  assert.deepEqual(Object.keys(action?.edit?.changes ?? {}), [uriOf('/ws/seed.cluster.yaml')]);
  // Only quick fixes: a request for refactorings gets none.
  const none = await client.request<CodeAction[]>('textDocument/codeAction', { ...docOf('/ws/seed.cluster.yaml'), range: node2.range, context: { diagnostics: [node2], only: ['refactor'] } });
  assert.deepEqual(none, []);
  await settle(client, '/ws/seed.cluster.yaml');
});
