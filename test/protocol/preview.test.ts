/**
 * The placement preview inline, over the protocol: inlay hints on tasks (node and load) and on
 * cluster nodes (allocation), and a failover code lens per node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeLens, InlayHint, Position } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { label, lineOf, startInMemory, uriOf, type TestClient } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const seedJob = example('seed', 'seed.job.yaml');
const seedCluster = example('seed', 'seed.cluster.yaml');
const preemptJob = example('seed-preempt', 'seed-preempt.job.yaml');
const preemptCluster = example('seed-preempt', 'seed.cluster.yaml');

async function hints(client: TestClient, path: string, text: string): Promise<InlayHint[]> {
  const end: Position = { line: text.split('\n').length, character: 0 };
  return client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(path) }, range: { start: { line: 0, character: 0 }, end } });
}

/** Hint labels by the line they sit on. */
async function hintsByLine(client: TestClient, path: string, text: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const h of await hints(client, path, text)) {
    assert.ok(!out.has(h.position.line), `two hints on line ${h.position.line}`);
    out.set(h.position.line, label(h));
  }
  return out;
}

async function lenses(client: TestClient, path: string): Promise<CodeLens[]> {
  return client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(path) } });
}

const titleAt = (all: CodeLens[], line: number): string[] => all.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');

test('inlay hints: each seed task shows its node and that node\'s load, at the end of its name line', async () => {
  const { client } = await startInMemory('/ws', { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster });
  await client.open('/ws/seed.job.yaml', seedJob);
  await client.diagnostics('/ws/seed.job.yaml');
  const all = await hints(client, '/ws/seed.job.yaml', seedJob);
  const byLine = new Map(all.map((h) => [h.position.line, label(h)]));
  assert.equal(all.length, 3, JSON.stringify(all));
  assert.equal(byLine.get(lineOf(seedJob, 'name: task1')), '→ node1 · cpus 1/2 · mem 2/4 GiB · disk 1/1 GiB');
  assert.equal(byLine.get(lineOf(seedJob, 'name: task2')), '→ node2 · cpus 2/3 · mem 4/6 GiB · disk 2/2 GiB');
  assert.equal(byLine.get(lineOf(seedJob, 'name: task3')), '→ node3 · cpus 3/4 · mem 6/8 GiB · disk 3/3 GiB');
  for (const h of all) assert.equal(h.position.character, (seedJob.split('\n')[h.position.line] ?? '').length, 'a hint sits at the end of its line');

  // A range is answered by the hints positioned in it: with a comment after task2's name, a range
  // that starts inside the comment still holds task2's hint (at the line's end) and nothing else.
  const commented = seedJob.replace('name: task2\n', 'name: task2   # the middle one\n');
  const version = await client.change('/ws/seed.job.yaml', [{ text: commented }]);
  await client.diagnostics('/ws/seed.job.yaml', (p) => p.version === version);
  const line2 = lineOf(commented, 'name: task2');
  const range = { start: { line: line2, character: 20 }, end: { line: line2 + 1, character: 0 } };
  const some = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf('/ws/seed.job.yaml') }, range });
  assert.deepEqual(some.map(label), ['→ node2 · cpus 2/3 · mem 4/6 GiB · disk 2/2 GiB']);
  assert.equal(some[0]?.position.character, (commented.split('\n')[line2] ?? '').length);
  await client.shutdown();
});

test('inlay hints: each node of the cluster file shows its allocation and the tasks it runs', async () => {
  const { client } = await startInMemory('/ws', { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster });
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  await client.diagnostics('/ws/seed.cluster.yaml');
  const byLine = await hintsByLine(client, '/ws/seed.cluster.yaml', seedCluster);
  assert.equal(byLine.size, 3);
  assert.equal(byLine.get(lineOf(seedCluster, 'name: node1')), 'cpus 1/2 · mem 2/4 GiB · disk 1/1 GiB · task1');
  assert.equal(byLine.get(lineOf(seedCluster, 'name: node2')), 'cpus 2/3 · mem 4/6 GiB · disk 2/2 GiB · task2');
  assert.equal(byLine.get(lineOf(seedCluster, 'name: node3')), 'cpus 3/4 · mem 6/8 GiB · disk 3/3 GiB · task3');
  await client.shutdown();
});

test('code lenses: one failover lens per node of the seed cluster; node2\'s loss leaves task2 without a node', async () => {
  const { client } = await startInMemory('/ws', { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster });
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  await client.diagnostics('/ws/seed.cluster.yaml');
  const all = await lenses(client, '/ws/seed.cluster.yaml');
  for (const n of [1, 2, 3]) assert.deepEqual(titleAt(all, lineOf(seedCluster, `name: node${n}`)).slice(1), ['Drill'], `one failover lens on node${n}, then its Drill lens`);
  const [node2] = titleAt(all, lineOf(seedCluster, 'name: node2'));
  const drill2 = all.filter((l) => l.range.start.line === lineOf(seedCluster, 'name: node2'))[1]?.command;
  assert.deepEqual(drill2, { title: 'Drill', command: 'berth.drill', arguments: ['file:///ws/seed.cluster.yaml', ['node2']] });
  assert.match(node2 ?? '', /^if node2 fails: task2 has no node: cpus/);
  assert.doesNotMatch(node2 ?? '', /→/);
  await client.shutdown();
});

test('code lenses with preemption: if node2 fails, task2 → node3 evicting task3, which has no node', async () => {
  const { client } = await startInMemory('/ws', { '/ws/seed-preempt.job.yaml': preemptJob, '/ws/seed.cluster.yaml': preemptCluster });
  await client.open('/ws/seed.cluster.yaml', preemptCluster);
  await client.open('/ws/seed-preempt.job.yaml', preemptJob);
  await client.diagnostics('/ws/seed.cluster.yaml');
  const all = await lenses(client, '/ws/seed.cluster.yaml');
  const [node2] = titleAt(all, lineOf(preemptCluster, 'name: node2'));
  assert.ok(node2, 'a lens on node2');
  assert.match(node2, /^if node2 fails: /);
  assert.match(node2, /task2 → node3/);
  assert.match(node2, /task3 evicted from node3/);
  assert.match(node2, /task3 has no node/);
  // On the job: the plan lens first, then the same scenario among the job's own lenses.
  const jobLenses = await lenses(client, '/ws/seed-preempt.job.yaml');
  const nameLine = lineOf(preemptJob, 'name: seed-preempt');
  assert.ok(jobLenses.every((l) => l.range.start.line === nameLine));
  assert.equal(jobLenses[0]?.command?.title, 'Plan: 3/3 placed · not failover-safe (3 scenarios)');
  assert.ok(jobLenses.some((l) => /^if node2 fails: .*task2 → node3/.test(l.command?.title ?? '')), JSON.stringify(jobLenses));
  // Each scenario lens is followed by its Drill lens, which runs that scenario (the extension checks trust and the cluster).
  const scenarioLenses = jobLenses.filter((l) => l.command?.command === 'berth.showFailoverScenario');
  assert.ok(scenarioLenses.length > 0);
  for (const l of scenarioLenses) {
    const next = jobLenses[jobLenses.indexOf(l) + 1]?.command;
    assert.deepEqual(next, { title: 'Drill', command: 'berth.drill', arguments: [l.command?.arguments?.[0], l.command?.arguments?.[1]] });
  }
  await client.shutdown();
});

test('code lenses on a job with failure domains: a domain scenario reads like the diagnostic for it', async () => {
  const zoned = seedJob.replace('failover: { tolerate: 1 }', 'failover: { tolerate: 1, domains: [zone] }');
  const { client } = await startInMemory('/ws', { '/ws/seed.job.yaml': zoned, '/ws/seed.cluster.yaml': seedCluster });
  await client.open('/ws/seed.job.yaml', zoned);
  await client.diagnostics('/ws/seed.job.yaml');
  const titles = (await lenses(client, '/ws/seed.job.yaml')).map((l) => l.command?.title ?? '');
  assert.ok(titles.includes('if zone=b (node2) fails: task2 has no node: cpus exhausted on 2 nodes (needs 2, most free 1 on node1)'), JSON.stringify(titles));
  await client.shutdown();
});
