/**
 * Across files, over the protocol: a job's plan includes every workspace job on the same cluster,
 * open or not (read from the file system), and a change on disk to a file that is not open
 * (`workspace/didChangeWatchedFiles`) re-checks the open files it affects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileChangeType, type InlayHint, type InlayHintLabelPart, type PublishDiagnosticsParams } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, startInMemory, uriOf, type TestClient } from './harness';

const seedCluster = readFileSync(join(repoRoot(), 'examples', 'seed', 'seed.cluster.yaml'), 'utf8');

const jobText = (name: string, task: string, resources: string, priority = 100): string => `apiVersion: berth/v1
kind: Job
name: ${name}
cluster: ./seed.cluster.yaml
failover: { tolerate: 0 }
tasks:
  - name: ${task}
    priority: ${priority}
    resources: { ${resources} }
`;

/** `alpha` fits only on node3 (disk 3Gi); so does `beta`, which outranks it. */
const alpha = jobText('alpha', 'a', 'cpus: 1, mem: 1Gi, disk: 3Gi');
const beta = jobText('beta', 'b', 'cpus: 1, mem: 1Gi, disk: 3Gi', 500);

async function plan(client: TestClient, path: string): Promise<{ job: string; tasks: { name: string; node?: string }[] }[]> {
  const result = await client.request<{ kind: string; reports: { job: string; tasks: { name: string; node?: string }[] }[] }>('berth/plan', { uri: uriOf(path) });
  assert.equal(result.kind, 'plan', JSON.stringify(result));
  return result.reports;
}

async function hintLabels(client: TestClient, path: string): Promise<string[]> {
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(path) }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
  return hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p: InlayHintLabelPart) => p.value).join('')).trim());
}

test('a job that is not open, read from disk, takes the room an open job needs on the same cluster', async () => {
  const files = { '/ws/seed.cluster.yaml': seedCluster, '/ws/alpha.job.yaml': alpha, '/ws/beta.job.yaml': beta };
  const { client } = await startInMemory('/ws', files);
  await client.open('/ws/alpha.job.yaml', alpha);
  // The first diagnostics do not wait for the workspace index (see firstAnswer.test.ts): beta is
  // in the plan once it is indexed.
  const d = await client.diagnosticsAfterIndex('/ws/alpha.job.yaml', '/ws');
  assert.deepEqual(codes(d.diagnostics), ['alloc/unplaced'], JSON.stringify(d.diagnostics));
  const [unplaced] = d.diagnostics;
  assert.match(unplaced ? messageOf(unplaced) : '', /^a cannot be placed: disk exhausted on 3 nodes/);
  assert.deepEqual(await hintLabels(client, '/ws/alpha.job.yaml'), [`✗ no node: disk exhausted on 3 nodes (needs 3Gi, most free 2Gi on node2)`]);

  // The cluster file, not open, previews both jobs: beta on node3.
  const both = await plan(client, '/ws/seed.cluster.yaml');
  assert.deepEqual(both.map((r) => [r.job, r.tasks.map((t) => [t.name, t.node])]), [['alpha', [['a', undefined]]], ['beta', [['b', 'node3']]]]);
  await client.shutdown();
});

test('jobs that name the cluster from another folder, or through a YAML escape, are in its plan; others are not', async () => {
  // beta in a subfolder (`../seed.cluster.yaml`), gamma spelling the name with an escape (`\x2e` is
  // "."), and delta on another cluster: only delta stays out of seed's plan.
  const gamma = jobText('gamma', 'g', 'cpus: 1, mem: 1Gi, disk: 1Gi').replace('cluster: ./seed.cluster.yaml', 'cluster: "./seed\\x2ecluster.yaml"');
  const delta = jobText('delta', 'd', 'cpus: 1, mem: 1Gi, disk: 1Gi').replace('./seed.cluster.yaml', './other.cluster.yaml');
  const files = {
    '/ws/seed.cluster.yaml': seedCluster,
    '/ws/other.cluster.yaml': seedCluster.replace('name: seed', 'name: other'),
    '/ws/alpha.job.yaml': alpha,
    '/ws/sub/beta.job.yaml': beta.replace('./seed.cluster.yaml', '../seed.cluster.yaml'),
    '/ws/gamma.job.yaml': gamma,
    '/ws/delta.job.yaml': delta,
  };
  const { client } = await startInMemory('/ws', files);
  const reports = await plan(client, '/ws/seed.cluster.yaml');
  assert.deepEqual(reports.map((r) => r.job), ['alpha', 'beta', 'gamma']);
  await client.shutdown();
});

test('two open jobs on one cluster: an edit to one re-places the other', async () => {
  const files = { '/ws/seed.cluster.yaml': seedCluster, '/ws/alpha.job.yaml': alpha, '/ws/beta.job.yaml': beta };
  const { client } = await startInMemory('/ws', files);
  // A flush publishes the open files in path order, alpha before beta: alpha's publish of the
  // flush that published beta is the last one before beta's (a publish of alpha alone, before beta
  // was open, or of the background index's re-analysis may come earlier, and is not it).
  const alphaBefore = (anchor: PublishDiagnosticsParams, from: number): PublishDiagnosticsParams | undefined =>
    client.published.slice(from, client.published.indexOf(anchor)).filter((p) => p.uri === uriOf('/ws/alpha.job.yaml')).at(-1);
  await client.open('/ws/alpha.job.yaml', alpha);
  await client.open('/ws/beta.job.yaml', beta);
  const betaFirst = await client.diagnostics('/ws/beta.job.yaml');
  assert.deepEqual(codes(betaFirst.diagnostics), []);
  assert.deepEqual(codes(alphaBefore(betaFirst, 0)?.diagnostics ?? []), ['alloc/unplaced']);

  // beta drops below alpha: now alpha takes node3 and beta is the one left out.
  const from = client.published.length;
  const version = await client.change('/ws/beta.job.yaml', [{ range: { start: { line: 7, character: 14 }, end: { line: 7, character: 17 } }, text: '10' }]);
  const betaAfter = await client.diagnostics('/ws/beta.job.yaml', (p) => p.version === version);
  assert.deepEqual(codes(betaAfter.diagnostics), ['alloc/unplaced']);
  const alphaAfter = alphaBefore(betaAfter, from);
  assert.ok(alphaAfter, 'alpha was published again');
  assert.deepEqual(codes(alphaAfter.diagnostics), []);
  assert.deepEqual((await plan(client, '/ws/alpha.job.yaml'))[0]?.tasks.map((t) => t.node), ['node3']);
  await client.shutdown();
});

test('a job file created, changed and deleted on disk re-checks the open job (watched-file events)', async () => {
  const { client, fs } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/alpha.job.yaml': alpha });
  await client.open('/ws/alpha.job.yaml', alpha);
  assert.deepEqual(codes((await client.diagnostics('/ws/alpha.job.yaml')).diagnostics), []);

  const watched = async (path: string, type: FileChangeType): Promise<void> => {
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path), type }] });
  };
  let next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/beta.job.yaml', beta);
  await watched('/ws/beta.job.yaml', FileChangeType.Created);
  assert.deepEqual(codes((await next).diagnostics), ['alloc/unplaced'], 'beta, created on disk, takes node3');

  next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/beta.job.yaml', beta.replace('disk: 3Gi', 'disk: 1Gi'));
  await watched('/ws/beta.job.yaml', FileChangeType.Changed);
  assert.deepEqual(codes((await next).diagnostics), [], 'beta, shrunk on disk, leaves node3 room');

  next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/beta.job.yaml', beta);
  await watched('/ws/beta.job.yaml', FileChangeType.Changed);
  assert.deepEqual(codes((await next).diagnostics), ['alloc/unplaced']);

  next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.delete('/ws/beta.job.yaml');
  await watched('/ws/beta.job.yaml', FileChangeType.Deleted);
  assert.deepEqual(codes((await next).diagnostics), [], 'beta, deleted, is no longer planned');
  await client.shutdown();
});

test('the cluster file changed on disk (not open) re-checks the open job; deleted, the reference is unreadable', async () => {
  const { client, fs } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/alpha.job.yaml': alpha });
  await client.open('/ws/alpha.job.yaml', alpha);
  assert.deepEqual(codes((await client.diagnostics('/ws/alpha.job.yaml')).diagnostics), []);

  let next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/seed.cluster.yaml', seedCluster.replace('disk: 3Gi', 'disk: 2Gi'));
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/seed.cluster.yaml'), type: FileChangeType.Changed }] });
  const shrunk = await next;
  assert.deepEqual(codes(shrunk.diagnostics), ['spec/task-too-large'], JSON.stringify(shrunk.diagnostics));

  next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.delete('/ws/seed.cluster.yaml');
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/seed.cluster.yaml'), type: FileChangeType.Deleted }] });
  const gone = await next;
  assert.equal(gone.diagnostics.length, 1, JSON.stringify(gone.diagnostics));
  assert.match(String(gone.diagnostics[0]?.code), /^spec\/.*cluster/);
  await client.shutdown();
});

test('a YAML file that is not a Berth file, created on disk, is not taken for one', async () => {
  const { client, fs } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': seedCluster, '/ws/alpha.job.yaml': alpha });
  await client.open('/ws/alpha.job.yaml', alpha);
  await client.diagnostics('/ws/alpha.job.yaml');
  const compose = 'services:\n  web:\n    image: nginx\n';
  fs.files.set('/ws/compose.yaml', compose);
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/compose.yaml'), type: FileChangeType.Created }] });
  await client.open('/ws/compose.yaml', compose);
  const result = await client.request<{ kind: string; reason?: string }>('berth/plan', { uri: uriOf('/ws/compose.yaml') });
  assert.equal(result.kind, 'unavailable');
  assert.match(result.reason ?? '', /not a Berth file/);
  assert.equal(await client.request<unknown>('textDocument/documentSymbol', { textDocument: { uri: uriOf('/ws/compose.yaml') } }), null);

  // Once it becomes one on disk (apiVersion: berth/v1), it is.
  const job = jobText('gamma', 'g', 'cpus: 1, mem: 1Gi');
  fs.files.set('/ws/gamma.yaml', job);
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/gamma.yaml'), type: FileChangeType.Created }] });
  const both = await plan(client, '/ws/seed.cluster.yaml');
  assert.deepEqual(both.map((r) => r.job), ['alpha', 'gamma']);
  await client.shutdown();
});

test('a cluster file the job names, missing at first, is read when it appears on disk, whatever it holds', async () => {
  const job = alpha.replace('./seed.cluster.yaml', './later.yaml');
  const { client, fs } = await startInMemory('/ws', { '/ws/alpha.job.yaml': job });
  await client.open('/ws/alpha.job.yaml', job);
  const missing = await client.diagnostics('/ws/alpha.job.yaml');
  assert.deepEqual(codes(missing.diagnostics), ['spec/unknown-cluster']);

  // Not recognisable as a Berth file (no apiVersion), yet it is the file the job names.
  let next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/later.yaml', seedCluster.replace('apiVersion: berth/v1\n', ''));
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/later.yaml'), type: FileChangeType.Created }] });
  const invalid = await next;
  assert.deepEqual(codes(invalid.diagnostics), ['spec/cluster-invalid'], 'the job is re-checked against the new file');

  next = client.nextDiagnostics('/ws/alpha.job.yaml');
  fs.files.set('/ws/later.yaml', seedCluster);
  await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('/ws/later.yaml'), type: FileChangeType.Changed }] });
  assert.deepEqual((await next).diagnostics, []);
  await client.shutdown();
});
