/**
 * A large file just opened has its check's problems (syntax, schema, rules) published before the
 * placement analysis adds its own (DiagnosticsScheduler, EARLY_CHECK_CHARS); a smaller file, and
 * every edit after the open, publish once. The threshold is lowered here so that the seed files
 * cross it; its default is by size, so what a client sees first never depends on the machine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, MemoryFileSystem, startOn, uriOf } from './harness';

const example = (file: string): string => readFileSync(join(repoRoot(), 'examples', 'seed', file), 'utf8');
// The seed job with an unknown key: a schema problem beside the failover problems of the plan.
const job = example('seed.job.yaml').replace('  - name: task1\n', '  - name: task1\n    colour: red\n');
const files = { '/ws/seed.job.yaml': job, '/ws/seed.cluster.yaml': example('seed.cluster.yaml') };
const JOB = uriOf('/ws/seed.job.yaml');

test('a large file just opened: the check first, then the check and the analysis together', async () => {
  assert.notEqual(job, example('seed.job.yaml'), 'the unknown key went in');
  const client = await startOn('/ws', new MemoryFileSystem(files), 5, { earlyCheckChars: job.length });
  await client.open('/ws/seed.job.yaml', job);
  const second = await client.diagnostics('/ws/seed.job.yaml', (p) => codes(p.diagnostics).some((c) => c.startsWith('failover/')));
  const ours = client.published.filter((p) => p.uri === JOB);
  const [first] = ours;
  assert.ok(first);
  assert.deepEqual(codes(first.diagnostics), ['spec/unknown-field'], 'the first publish: the check alone');
  assert.equal(first.version, 1);
  assert.equal(ours.indexOf(second), 1, 'the analysis is the second publish');
  assert.ok(codes(second.diagnostics).includes('spec/unknown-field'), 'and keeps the check problems');
  // An edit after the open publishes once, check and analysis together.
  const before = ours.length;
  const version = await client.change('/ws/seed.job.yaml', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
  const edited = await client.diagnostics('/ws/seed.job.yaml', (p) => p.version === version);
  assert.equal(client.published.filter((p) => p.uri === JOB).indexOf(edited), before, 'the first publish of the edit');
  assert.ok(codes(edited.diagnostics).some((c) => c.startsWith('failover/')), 'has the analysis');
  await client.shutdown();
});

test('a file below the threshold publishes once, check and analysis together', async () => {
  const client = await startOn('/ws', new MemoryFileSystem(files), 5, { earlyCheckChars: job.length + 1 });
  await client.open('/ws/seed.job.yaml', job);
  const { diagnostics } = await client.diagnostics('/ws/seed.job.yaml');
  assert.ok(codes(diagnostics).includes('spec/unknown-field'));
  assert.ok(codes(diagnostics).some((c) => c.startsWith('failover/')), `the first publish has the analysis: ${codes(diagnostics).join(', ')}`);
  await client.shutdown();
});
