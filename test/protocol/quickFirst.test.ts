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

/** `promise`, or a failure saying `what` after a generous deadline (never a sleep: it ends early). */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), 10_000)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

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
  const p = await within(full, 'the full analysis never published failure-domain warnings');
  assert.ok(domainMessages(p).length > 0);
  assert.equal(p.version, 1);
  await client.shutdown();
});

/**
 * A change count that moves once, on its first read inside an analysis (between two scenarios), as
 * when the front passes on a change then; `onMove` runs at that moment (the change in flight).
 */
function movingOnce(onMove: () => void): () => number {
  let moved = false;
  let reads = 0;
  return () => {
    reads++;
    // The first read is the pass's own, at its start.
    if (moved || reads < 2) return moved ? 1 : 0;
    moved = true;
    onMove();
    return 1;
  };
}

/** Every publish for JOB, in order, and the first with failure-domain warnings. */
function watchFull(client: Awaited<ReturnType<typeof startOn>>): { published: PublishDiagnosticsParams[]; full: Promise<PublishDiagnosticsParams> } {
  const published: PublishDiagnosticsParams[] = [];
  const full = new Promise<PublishDiagnosticsParams>((resolve) => {
    const next = (): void => {
      void client.nextDiagnostics(JOB).then((p) => {
        published.push(p);
        if (domainMessages(p).length > 0) resolve(p);
        else next();
      });
    };
    next();
  });
  return { published, full };
}

test('an edit counted while the full analysis runs stops it; the pass after that edit publishes in its place', async () => {
  const started: { client?: Awaited<ReturnType<typeof startOn>> } = {};
  let edited: Promise<number> | undefined;
  // The edit goes out as the count moves, as the front posts it right after counting it.
  const changeCount = movingOnce(() => {
    edited = started.client?.change(JOB, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
  });
  const client = (started.client = await startOn('/ws', new MemoryFileSystem(files), 5, { quickFirstAbove: 0, fullDelayMs: 50, changeCount }));
  const { published, full } = watchFull(client);
  await client.open(JOB, tight);
  const p = await within(full, 'the full analysis never published');
  assert.ok(edited, 'the count moved during a full analysis');
  assert.equal(await edited, 2);
  assert.equal(p.version, 2, 'the full analysis is the one after the edit');
  assert.ok(published.slice(0, -1).every((q) => domainMessages(q).length === 0), 'the stopped analysis published nothing');
  assert.deepEqual(client.logs.filter((m) => m.startsWith('[error]')), [], 'a stop is not an error');
  await client.shutdown();
});

test('a change counted that is not to a Berth file (nothing re-analyses for it): the stopped full analysis runs again after the pause', async () => {
  let moved = false;
  const changeCount = movingOnce(() => (moved = true));
  const client = await startOn('/ws', new MemoryFileSystem(files), 5, { quickFirstAbove: 0, fullDelayMs: 50, changeCount });
  const { full } = watchFull(client);
  await client.open(JOB, tight);
  const p = await within(full, 'the full analysis never ran again');
  assert.ok(moved, 'the count moved during a full analysis');
  assert.equal(p.version, 1);
  assert.deepEqual(client.logs.filter((m) => m.startsWith('[error]')), []);
  await client.shutdown();
});
