import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startInMemory } from './harness';

const seedDir = join(repoRoot(), 'examples', 'seed');
const seedJob = readFileSync(join(seedDir, 'seed.job.yaml'), 'utf8');
const seedCluster = readFileSync(join(seedDir, 'seed.cluster.yaml'), 'utf8');
const ws = '/ws';
const files = { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster };

test('the seed job gets the failover warning on task2, naming node2', async () => {
  const { client } = await startInMemory(ws, files);
  await client.open('/ws/seed.job.yaml', seedJob);
  const d = await client.diagnostics('/ws/seed.job.yaml');
  assert.deepEqual(codes(d.diagnostics), ['failover/no-capacity', 'failover/no-capacity', 'failover/no-capacity']);
  const task2 = d.diagnostics.find((x) => messageOf(x).includes('task2 has no node'));
  assert.ok(task2, JSON.stringify(d.diagnostics));
  assert.match(messageOf(task2), /if node2 fails/);
  assert.equal(seedJob.split('\n')[task2.range.start.line]?.slice(task2.range.start.character, task2.range.end.character), 'task2');
  await client.shutdown();
});

test('editing the open cluster re-checks the open job that targets it', async () => {
  const { client } = await startInMemory(ws, files);
  await client.open('/ws/seed.job.yaml', seedJob);
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  const before = await client.diagnostics('/ws/seed.job.yaml');
  assert.ok(before.diagnostics.length > 0);
  // Give every node plenty of room: every failure can be absorbed.
  const roomy = seedCluster.replace(/cpus: \d+, mem: \d+Gi, disk: \d+Gi/g, 'cpus: 16, mem: 64Gi, disk: 64Gi');
  assert.notEqual(roomy, seedCluster);
  const next = client.nextDiagnostics('/ws/seed.job.yaml');
  await client.change('/ws/seed.cluster.yaml', [{ text: roomy }]);
  const after = await next;
  assert.deepEqual(codes(after.diagnostics), []);
  await client.shutdown();
});

test('a syntax error mid-edit is a diagnostic, and the server answers the next request', async () => {
  const { client } = await startInMemory(ws, files);
  await client.open('/ws/seed.job.yaml', seedJob);
  await client.diagnostics('/ws/seed.job.yaml');
  await client.change('/ws/seed.job.yaml', [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: 'tasks: [\n' }]);
  const d = await client.diagnostics('/ws/seed.job.yaml');
  assert.ok(codes(d.diagnostics).includes('spec/syntax'), JSON.stringify(d.diagnostics));
  const symbols = await client.request<unknown>('berth/plan', { uri: 'file:///ws/seed.job.yaml' });
  assert.ok(symbols);
  await client.shutdown();
});

test('an edit the allocator does not read keeps the plan, with every warning at its new place', async () => {
  const { client } = await startInMemory(ws, files);
  await client.open('/ws/seed.job.yaml', seedJob);
  const before = await client.diagnostics('/ws/seed.job.yaml');
  const task2 = before.diagnostics.find((x) => messageOf(x).includes('task2 has no node'));
  assert.ok(task2);
  // Two comment lines above everything, and a longer command: nothing the allocator reads.
  const edited = `# one\n# two\n${seedJob.replace('sleep 1', 'sleep 10')}`;
  assert.notEqual(edited, `# one\n# two\n${seedJob}`, 'the command edit applies');
  await client.change('/ws/seed.job.yaml', [{ text: edited }]);
  const after = await client.diagnostics('/ws/seed.job.yaml');
  const moved = after.diagnostics.find((x) => messageOf(x).includes('task2 has no node'));
  assert.ok(moved);
  assert.equal(moved.range.start.line, task2.range.start.line + 2);
  assert.equal(edited.split('\n')[moved.range.start.line]?.slice(moved.range.start.character, moved.range.end.character), 'task2');
  // An edit the allocator reads changes the plan: a smaller task2 (no disk) fits beside task1.
  const roomy = edited.replace('cpus: 2, mem: 4Gi, disk: 2Gi', 'cpus: 1, mem: 2Gi');
  assert.notEqual(roomy, edited);
  await client.change('/ws/seed.job.yaml', [{ text: roomy }]);
  const smaller = await client.diagnostics('/ws/seed.job.yaml');
  assert.equal(smaller.diagnostics.filter((x) => messageOf(x).includes('task2 has no node')).length, 0, JSON.stringify(smaller.diagnostics.map(messageOf)));
  await client.shutdown();
});
