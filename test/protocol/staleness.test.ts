/**
 * Stale work is dropped: a burst of edits yields diagnostics for the latest version only (never an
 * older version after a newer one), and requests answer on the latest text. No timers: the test
 * awaits the publish for the last version, then a sentinel edit's publish, and reads the order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentSymbol, PublishDiagnosticsParams } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startInMemory, uriOf } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const seedJob = example('seed', 'seed.job.yaml');
const seedCluster = example('seed', 'seed.cluster.yaml');
const files = { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster };
const JOB = '/ws/seed.job.yaml';

const line = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

test('200 rapid edits: the publishes never go back in version, the last carries the last version and its text', async () => {
  const EDITS = 200;
  const { client } = await startInMemory('/ws', files, 25);
  await client.open(JOB, seedJob);
  await client.diagnostics(JOB);
  const from = client.published.length;

  // Type a comment line by line at the top, one character per edit, then a final edit that
  // renames task2 (so the last version's diagnostics differ from every earlier one's).
  const comment = '# '.padEnd(EDITS - 1, 'x');
  let last = 0;
  for (let i = 0; i < comment.length; i++) last = await client.change(JOB, [{ range: { start: { line: 0, character: i }, end: { line: 0, character: i } }, text: comment[i] ?? '' }]);
  const l2 = line(seedJob, 'name: task2');
  last = await client.change(JOB, [{ range: { start: { line: l2, character: 10 }, end: { line: l2, character: 15 } }, text: 'second' }]);
  assert.equal(last, EDITS + 1);

  // A request right after the burst answers on the last text, without waiting for a publish.
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(JOB) } });
  assert.deepEqual(symbols[0]?.children?.map((c) => c.name), ['task1', 'second', 'task3']);

  const final = await client.diagnostics(JOB, (p) => p.version === last);
  assert.ok(final.diagnostics.some((d) => d.code === 'failover/no-capacity' && messageOf(d).includes('second has no node')), JSON.stringify(final.diagnostics));
  // A sentinel edit: once its publish is in, every publish for the burst has been read.
  const sentinel = await client.change(JOB, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
  await client.diagnostics(JOB, (p) => p.version === sentinel);

  const burst = client.published.slice(from).filter((p) => p.uri === uriOf(JOB));
  const versions = burst.map((p) => p.version ?? 0);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `publishes went back in version: ${versions.join(', ')}`);
  assert.deepEqual(versions.slice(-2), [last, sentinel], `nothing older arrived after version ${last}: ${versions.join(', ')}`);
  assert.ok(burst.length <= EDITS / 2, `${burst.length} publishes for ${EDITS} edits: the debounce did not coalesce them`);
  await client.shutdown();
});

test('a burst of edits to the cluster: the open job is published once more, for the final cluster text', async () => {
  const { client } = await startInMemory('/ws', files, 25);
  await client.open(JOB, seedJob);
  await client.open('/ws/seed.cluster.yaml', seedCluster);
  await client.diagnostics(JOB);
  await client.diagnostics('/ws/seed.cluster.yaml');
  const from = client.published.length;

  // Grow node3 one cpu at a time from 4 to 40: not enough on its own (disk is short).
  const l3 = line(seedCluster, 'cpus: 4, mem: 8Gi, disk: 3Gi');
  const col = (seedCluster.split('\n')[l3] ?? '').indexOf('cpus: 4') + 'cpus: '.length;
  let width = 1;
  let last = 0;
  for (let cpus = 5; cpus <= 40; cpus++) {
    last = await client.change('/ws/seed.cluster.yaml', [{ range: { start: { line: l3, character: col }, end: { line: l3, character: col + width } }, text: String(cpus) }]);
    width = String(cpus).length;
  }
  // Then every node roomy: only this last text makes the job failover-safe.
  const roomy = seedCluster.replace(/cpus: \d+, mem: \d+Gi, disk: \d+Gi/g, 'cpus: 40, mem: 64Gi, disk: 64Gi');
  last = await client.change('/ws/seed.cluster.yaml', [{ text: roomy }]);

  const clusterFinal = await client.diagnostics('/ws/seed.cluster.yaml', (p) => p.version === last);
  assert.deepEqual(codes(clusterFinal.diagnostics), []);
  const jobFinal = await client.diagnostics(JOB, (p: PublishDiagnosticsParams) => p.diagnostics.length === 0);
  assert.deepEqual(jobFinal.diagnostics, []);
  const jobPublishes = client.published.slice(from).filter((p) => p.uri === uriOf(JOB));
  assert.equal(jobPublishes.at(-1), jobFinal, 'the job\'s last publish is the one for the final cluster');
  assert.ok(jobPublishes.length <= 10, `${jobPublishes.length} publishes of the job for 37 cluster edits`);
  await client.shutdown();
});

test('shutdown with a publish pending: the pending work is dropped, nothing is sent on the closed connection', async () => {
  const { client } = await startInMemory('/ws', files, 5);
  await client.open(JOB, seedJob);
  await client.diagnostics(JOB);
  await client.change(JOB, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
  // Shut down before the debounce ends and close the connection: a publish left pending would
  // throw "Connection is disposed" after the test, which node:test reports as a failure.
  await client.shutdown();
});
