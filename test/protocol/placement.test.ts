/**
 * Placement and failover diagnostics over the protocol: `alloc/unplaced` and `alloc/blocked` on the
 * task with the explanation, `failover/no-capacity` on the task and `failover/node-loss` on the node.
 * Ranges are checked by slicing the text they cover.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, Range } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startInMemory } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const seedJob = example('seed', 'seed.job.yaml');
const seedCluster = example('seed', 'seed.cluster.yaml');

function slice(text: string, r: Range): string {
  assert.equal(r.start.line, r.end.line, 'a one-line range');
  return (text.split('\n')[r.start.line] ?? '').slice(r.start.character, r.end.character);
}

function only(ds: readonly Diagnostic[], code: string): Diagnostic {
  const hits = ds.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `one ${code} in ${JSON.stringify(ds)}`);
  return hits[0];
}

/**
 * On the seed cluster: `big` (placed first, by priority) fills node3; `wide` needs 4 cpus, which
 * only node3 has (so it is not larger than every node, yet fits nowhere now); `after` depends on
 * `wide`. `tolerate: 0` asks for no failover check, so placement problems are all there is.
 */
const tightJob = `apiVersion: berth/v1
kind: Job
name: tight
cluster: ./seed.cluster.yaml
failover: { tolerate: 0 }
tasks:
  - name: big
    priority: 200
    resources: { cpus: 4, mem: 8Gi, disk: 3Gi }
  - name: wide
    resources: { cpus: 4, mem: 1Gi }
  - name: after
    dependsOn: [wide]
    resources: { cpus: 0.5, mem: 256Mi }
`;

test('a task too big for any node\'s free room is alloc/unplaced on its name, with the explanation', async () => {
  const { client } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/tight.job.yaml': tightJob });
  await client.open('/ws/tight.job.yaml', tightJob);
  const d = await client.diagnostics('/ws/tight.job.yaml');
  assert.deepEqual(codes(d.diagnostics), ['alloc/blocked', 'alloc/unplaced'], JSON.stringify(d.diagnostics));
  const unplaced = only(d.diagnostics, 'alloc/unplaced');
  assert.equal(slice(tightJob, unplaced.range), 'wide');
  assert.equal(unplaced.severity, 1);
  // Every node is named with the dimension it lacks: node1 and node2 by size, node3 by what big took.
  assert.match(messageOf(unplaced), /^wide cannot be placed: cpus exhausted on 3 nodes \(needs 4, most free 3 on node2\); mem exhausted on 1 node/);
  assert.equal(codes(d.diagnostics).includes('spec/task-too-large'), false, 'a node is big enough: not a spec error');

  const blocked = only(d.diagnostics, 'alloc/blocked');
  assert.equal(slice(tightJob, blocked.range), 'after');
  assert.equal(blocked.severity, 2);
  assert.match(messageOf(blocked), /after is blocked: waiting for .*wide/);

  // Shrink `big`: now `wide` fits on node3 and `after` follows it; both problems go away.
  const roomy = tightJob.replace('cpus: 4, mem: 8Gi, disk: 3Gi', 'cpus: 0.5, mem: 1Gi, disk: 1Gi');
  const version = await client.change('/ws/tight.job.yaml', [{ text: roomy }]);
  const fixed = await client.diagnostics('/ws/tight.job.yaml', (p) => p.version === version);
  assert.deepEqual(codes(fixed.diagnostics), []);
  await client.shutdown();
});

test('a task larger than every node is the spec rule, not a placement diagnostic', async () => {
  const huge = tightJob.replace('cpus: 4, mem: 1Gi', 'cpus: 5, mem: 1Gi');
  const { client } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/tight.job.yaml': huge });
  await client.open('/ws/tight.job.yaml', huge);
  const d = await client.diagnostics('/ws/tight.job.yaml');
  assert.ok(codes(d.diagnostics).includes('spec/task-too-large'), JSON.stringify(d.diagnostics));
  await client.shutdown();
});

test('tolerate: 0 checks no node loss, but failure domains are still checked', async () => {
  const zoned = tightJob.replace('failover: { tolerate: 0 }', 'failover: { tolerate: 0, domains: [zone] }').replace(/ {2}- name: wide[^]*/, '');
  const { client } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/tight.job.yaml': zoned });
  await client.open('/ws/tight.job.yaml', zoned);
  const d = await client.diagnostics('/ws/tight.job.yaml');
  const [loss, ...more] = d.diagnostics;
  assert.equal(more.length, 0, JSON.stringify(d.diagnostics));
  assert.equal(loss?.code, 'failover/no-capacity');
  assert.match(loss ? messageOf(loss) : '', /^if zone=c \(node3\) fails, big has no node: cpus exhausted/);
  await client.shutdown();
});

test('failover: no-capacity on each task some node loss strands, node-loss on each node in the open cluster file', async () => {
  const files = { '/ws/seed.cluster.yaml': seedCluster, '/ws/seed.job.yaml': seedJob };
  const { client } = await startInMemory('/ws', files);
  await client.open('/ws/seed.job.yaml', seedJob);
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  const job = await client.diagnostics('/ws/seed.job.yaml');
  const noCapacity = job.diagnostics.filter((d) => d.code === 'failover/no-capacity');
  assert.deepEqual(noCapacity.map((d) => slice(seedJob, d.range)), ['task1', 'task2', 'task3']);
  for (const d of noCapacity) assert.equal(d.severity, 2);
  const task2 = noCapacity[1];
  assert.match(messageOf(task2), /^if node2 fails, task2 has no node: cpus exhausted/);

  const cluster = await client.diagnostics('/ws/seed.cluster.yaml');
  assert.deepEqual(codes(cluster.diagnostics), ['failover/node-loss', 'failover/node-loss', 'failover/node-loss']);
  assert.deepEqual(cluster.diagnostics.map((d) => slice(seedCluster, d.range)), ['node1', 'node2', 'node3']);
  const node2 = cluster.diagnostics[1];
  assert.equal(messageOf(node2), 'if node2 fails, job seed loses task2');

  // Roomy nodes absorb any single loss: the warnings leave both files.
  const roomy = seedCluster.replace(/cpus: \d+, mem: \d+Gi, disk: \d+Gi/g, 'cpus: 16, mem: 32Gi, disk: 16Gi');
  const version = await client.change('/ws/seed.cluster.yaml', [{ text: roomy }]);
  const nextJob = client.nextDiagnostics('/ws/seed.job.yaml');
  assert.deepEqual(codes((await client.diagnostics('/ws/seed.cluster.yaml', (p) => p.version === version)).diagnostics), []);
  assert.deepEqual(codes((await nextJob).diagnostics), []);
  await client.shutdown();
});
