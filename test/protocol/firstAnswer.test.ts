/**
 * The first answer does not wait for the workspace index: a job's first diagnostics are published
 * before the server has indexed the other Berth files of a large workspace (it reads the job's
 * cluster file directly), and once the index is done the job is analysed again with every job of
 * the workspace on its cluster. The order is the server's own: `sent` records each message as the
 * server sends it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Message, type PublishDiagnosticsParams } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, startInMemory, uriOf } from './harness';

const seedCluster = readFileSync(join(repoRoot(), 'examples', 'seed', 'seed.cluster.yaml'), 'utf8');

const jobText = (name: string, cluster: string, priority: number): string => `apiVersion: berth/v1
kind: Job
name: ${name}
cluster: ${cluster}
failover: { tolerate: 0 }
tasks:
  - name: t
    priority: ${priority}
    resources: { cpus: 1, mem: 1Gi, disk: 3Gi }
`;

/** 3,000 Berth files in 30 folders, on a cluster of their own: the rest of a large workspace. */
function largeWorkspace(): Record<string, string> {
  const files: Record<string, string> = { '/ws/seed.cluster.yaml': seedCluster, '/ws/other.cluster.yaml': seedCluster.replace('name: seed', 'name: other') };
  for (let f = 0; f < 30; f++) for (let i = 0; i < 100; i++) files[`/ws/team${String(f).padStart(2, '0')}/job${i}.job.yaml`] = jobText(`j${f}-${i}`, '../other.cluster.yaml', 10);
  // beta (not open) outranks alpha for node3, the only node with 3Gi of disk; it sorts after the folders.
  files['/ws/zz/beta.job.yaml'] = jobText('beta', '../seed.cluster.yaml', 500);
  return files;
}

const isIndexLog = (m: Message): boolean => Message.isNotification(m) && m.method === 'window/logMessage' && String((m.params as { message?: unknown }).message).startsWith('indexed /ws: ');

test('a job opened in a workspace of 3,000 Berth files gets its diagnostics before the index is done, and the full picture after it', async () => {
  const alpha = jobText('alpha', './seed.cluster.yaml', 100);
  const { client, sent } = await startInMemory('/ws', { ...largeWorkspace(), '/ws/alpha.job.yaml': alpha });
  await client.open('/ws/alpha.job.yaml', alpha);
  const first = await client.diagnostics('/ws/alpha.job.yaml');
  const after = await client.diagnosticsAfterIndex('/ws/alpha.job.yaml', '/ws');

  const uri = uriOf('/ws/alpha.job.yaml');
  const firstAt = sent.findIndex((m) => Message.isNotification(m) && m.method === 'textDocument/publishDiagnostics' && (m.params as PublishDiagnosticsParams).uri === uri);
  const indexedAt = sent.findIndex(isIndexLog);
  assert.ok(firstAt >= 0 && indexedAt >= 0, 'both the diagnostics and the index line were sent');
  assert.ok(firstAt < indexedAt, `the job's first diagnostics (message ${firstAt}) were sent after the index was done (message ${indexedAt})`);
  // Every file but the two the job's check read or opened (alpha, seed.cluster.yaml).
  assert.match(String((sent[indexedAt] as { params?: { message?: unknown } }).params?.message), /^indexed \/ws: 3002 Berth files$/);
  // Before the index, the plan had only what the job read itself (its cluster): alpha on node3.
  assert.deepEqual(codes(first.diagnostics), [], JSON.stringify(first.diagnostics));
  // After it, beta (indexed, not open) takes node3 and alpha has no node.
  assert.deepEqual(codes(after.diagnostics), ['alloc/unplaced'], JSON.stringify(after.diagnostics));
  await client.shutdown();
});

test('a request that needs the whole workspace (berth/plan of the cluster) indexes what is left first', async () => {
  const alpha = jobText('alpha', './seed.cluster.yaml', 100);
  const { client, sent } = await startInMemory('/ws', { ...largeWorkspace(), '/ws/alpha.job.yaml': alpha });
  // No document open: nothing has started the background index.
  const result = await client.request<{ kind: string; reports?: { job: string }[] }>('berth/plan', { uri: uriOf('/ws/seed.cluster.yaml') });
  assert.equal(result.kind, 'plan', JSON.stringify(result));
  assert.deepEqual(result.reports?.map((r) => r.job), ['alpha', 'beta']);
  assert.equal(sent.filter(isIndexLog).length, 1);
  await client.shutdown();
});
