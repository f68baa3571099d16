/**
 * A large workspace gets the quick analysis first (the plan and the single-node scan) and the
 * full one (sets, failure domains, the capacity suggestion) once typing pauses; an edit in the
 * pause cancels the full pass. Here "large" is set to zero so that the web stack counts as large.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { MemoryFileSystem, messageOf, startOn } from './harness';

/** Four 2-cpu nodes in two zones; five 1-cpu tasks survive any one node, not a whole zone. */
const cluster = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
${[1, 2, 3, 4].map((i) => `  - name: n${i}\n    resources: { cpus: 2, mem: 4Gi, disk: 4Gi }\n    attributes: { zone: ${i <= 2 ? 'a' : 'b'} }`).join('\n')}
`;
const tight = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./dev.cluster.yaml
failover: { tolerate: 1, domains: [zone] }
tasks:
  - name: api
    instances: 5
    resources: { cpus: 1, mem: 512Mi, disk: 256Mi }
`;
const JOB = '/ws/web.job.yaml';
const files = { [JOB]: tight, '/ws/dev.cluster.yaml': cluster };

/** Messages naming a failure-domain scenario (`zone=...`), which only the full analysis has. */
function domainMessages(p: PublishDiagnosticsParams): string[] {
  return p.diagnostics.map(messageOf).filter((m) => /zone=/.test(m));
}

test('first the quick analysis, then the full one once typing pauses', async () => {
  const fs = new MemoryFileSystem(files);
  // Full pass 50 ms after the last edit; a generous deadline below, never a sleep.
  const client = await startOn('/ws', fs, 5, { quickFirstAbove: 0, fullDelayMs: 50 });
  await client.open(JOB, tight);
  const first = await client.diagnostics(JOB);
  const plan = await client.request<{ kind: string; reports?: { failover: { scenarios: { kind: string }[] } }[] }>('berth/plan', { uri: `file://${JOB}` });
  // berth/plan always answers with the full analysis: domain scenarios are there.
  assert.ok(plan.reports?.[0]?.failover.scenarios.some((s) => s.kind === 'domain'), JSON.stringify(plan));
  assert.deepEqual(domainMessages(first), [], 'the first publish is the quick analysis (no failure-domain scenarios)');
  await client.shutdown();
});

test('the full pass publishes failure-domain warnings once typing pauses', async () => {
  const fs = new MemoryFileSystem(files);
  const client = await startOn('/ws', fs, 5, { quickFirstAbove: 0, fullDelayMs: 50 });
  const full = new Promise<PublishDiagnosticsParams>((resolve) => {
    const check = (): void => {
      void client.nextDiagnostics(JOB).then((p) => (domainMessages(p).length > 0 ? resolve(p) : check()));
    };
    check();
  });
  await client.open(JOB, tight);
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the full analysis never published failure-domain warnings')), 10_000));
  const p = await Promise.race([full, deadline]);
  assert.ok(domainMessages(p).length > 0);
  assert.equal(p.version, 1);
  await client.shutdown();
});
