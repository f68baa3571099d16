/**
 * Stale work is dropped: a burst of edits yields diagnostics for its last version only (never an
 * older version after a newer one), requests answer on the latest text, and after `shutdown`
 * nothing more is published. No timer guesses how long anything takes: the server's timers
 * (the debounce, the pause before the full analysis) are node:test's mock timers, fired by the
 * test when it says so, and what the server sent is read from its writer as it sends it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from 'vscode-jsonrpc';
import type { DocumentSymbol } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, messageOf, publishesIn, startInMemory, uriOf, type TestClient } from './harness';

const example = (dir: string, file: string): string => readFileSync(join(repoRoot(), 'examples', dir, file), 'utf8');
const seedJob = example('seed', 'seed.job.yaml');
const seedCluster = example('seed', 'seed.cluster.yaml');
const files = { '/ws/seed.job.yaml': seedJob, '/ws/seed.cluster.yaml': seedCluster };
const JOB = '/ws/seed.job.yaml';
const CLUSTER = '/ws/seed.cluster.yaml';
const DEBOUNCE = 25;

const line = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

/** A server whose setTimeout is the test's: nothing is analysed until the test fires the timers. */
async function start(t: TestContext): Promise<{ client: TestClient; sent: readonly Message[] }> {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { client, sent } = await startInMemory('/ws', files, DEBOUNCE);
  return { client, sent };
}

/**
 * Every message sent before this request was handled by the server (it handles them in order):
 * after it, the server's timers for those edits are set.
 */
async function handled(client: TestClient, path: string): Promise<DocumentSymbol[]> {
  return client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(path) } });
}

/** The job opened and its first diagnostics published. */
async function opened(t: TestContext, client: TestClient): Promise<void> {
  await client.open(JOB, seedJob);
  await handled(client, JOB);
  t.mock.timers.tick(DEBOUNCE);
  await client.diagnostics(JOB);
}

test('200 edits, a pause after every 40th: each run of edits is published once, when the debounce ends, for its last version and text', async (t) => {
  const { client, sent } = await start(t);
  await opened(t, client);
  const from = sent.length;

  // Type a comment at the top, one character per edit, then rename task2 (so that the last
  // version's diagnostics differ from every earlier one's).
  const comment = '# '.padEnd(198, 'x');
  const fired: number[] = [];
  let last = 0;
  for (let i = 0; i < comment.length; i++) {
    last = await client.change(JOB, [{ range: { start: { line: 0, character: i }, end: { line: 0, character: i } }, text: comment[i] ?? '' }]);
    if (last % 40 === 1) {
      await handled(client, JOB);
      t.mock.timers.tick(DEBOUNCE - 1);
      assert.deepEqual(publishesIn(sent.slice(from)).map((p) => p.version), fired, `nothing published before the debounce ends (version ${last})`);
      t.mock.timers.tick(1);
      fired.push(last);
      assert.deepEqual(publishesIn(sent.slice(from)).map((p) => p.version), fired, `version ${last} published when the debounce ends`);
    }
  }
  const l2 = line(seedJob, 'name: task2');
  last = await client.change(JOB, [{ range: { start: { line: l2, character: 10 }, end: { line: l2, character: 15 } }, text: 'second' }]);
  assert.equal(last, 200);

  // A request right after the burst answers on the last text, without waiting for a publish.
  const symbols = await handled(client, JOB);
  assert.deepEqual(symbols[0]?.children?.map((c) => c.name), ['task1', 'second', 'task3']);
  t.mock.timers.tick(DEBOUNCE);

  const versions = publishesIn(sent.slice(from)).map((p) => p.version);
  assert.deepEqual(versions, [41, 81, 121, 161, 200]);
  const final = await client.diagnostics(JOB, (p) => p.version === last);
  assert.ok(final.diagnostics.some((d) => d.code === 'failover/no-capacity' && messageOf(d).includes('second has no node')), JSON.stringify(final.diagnostics));
  // What the client read is what the server sent, in order.
  assert.deepEqual(client.published.filter((p) => p.uri === uriOf(JOB)).slice(-versions.length).map((p) => p.version), versions);
  await client.shutdown();
});

test('a burst of edits to the cluster: the open job is published once more, for the final cluster text', async (t) => {
  const { client, sent } = await start(t);
  await opened(t, client);
  await client.open(CLUSTER, seedCluster);
  await handled(client, CLUSTER);
  t.mock.timers.tick(DEBOUNCE);
  await client.diagnostics(CLUSTER);
  const from = sent.length;

  // Grow node3 one cpu at a time from 4 to 40: not enough on its own (disk is short).
  const l3 = line(seedCluster, 'cpus: 4, mem: 8Gi, disk: 3Gi');
  const col = (seedCluster.split('\n')[l3] ?? '').indexOf('cpus: 4') + 'cpus: '.length;
  let width = 1;
  for (let cpus = 5; cpus <= 40; cpus++) {
    await client.change(CLUSTER, [{ range: { start: { line: l3, character: col }, end: { line: l3, character: col + width } }, text: String(cpus) }]);
    width = String(cpus).length;
  }
  // Then every node roomy: only this last text makes the job failover-safe.
  const roomy = seedCluster.replace(/cpus: \d+, mem: \d+Gi, disk: \d+Gi/g, 'cpus: 40, mem: 64Gi, disk: 64Gi');
  const last = await client.change(CLUSTER, [{ text: roomy }]);
  await handled(client, CLUSTER);
  assert.deepEqual(publishesIn(sent.slice(from)), [], 'nothing published before the debounce fired');
  t.mock.timers.tick(DEBOUNCE);

  const published = publishesIn(sent.slice(from));
  assert.deepEqual(published.map((p) => `${p.uri} v${p.version ?? '?'}`).sort(), [`${uriOf(CLUSTER)} v${last}`, `${uriOf(JOB)} v1`].sort(), 'one publish each');
  assert.deepEqual(codes(published.find((p) => p.uri === uriOf(CLUSTER))?.diagnostics ?? []), []);
  assert.deepEqual(published.find((p) => p.uri === uriOf(JOB))?.diagnostics, [], 'the job is failover-safe on the final cluster');
  await client.shutdown();
});

/**
 * Work pending when the client shuts the server down: an edit's debounced quick analysis, or,
 * once that is published, the full analysis that waits for a pause in typing. The control takes
 * the same steps without `shutdown` and sees each publish come when its timer fires; after
 * `shutdown` every timer is fired and nothing is sent.
 */
const cases = [
  { name: 'control: without shutdown, an edit\'s quick and then full analysis are published as their timers fire', shutdownAfter: undefined },
  { name: 'shutdown with the quick analysis pending: its timer fires, nothing is published', shutdownAfter: 'edit' },
  { name: 'shutdown with the full analysis pending: its timer fires, nothing is published', shutdownAfter: 'quick' },
] as const;
for (const c of cases) {
  test(c.name, async (t) => {
    const { client, sent } = await start(t);
    await opened(t, client);
    const version = await client.change(JOB, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    await handled(client, JOB);
    const from = sent.length;
    if (c.shutdownAfter === 'edit') await client.requestShutdown();
    t.mock.timers.tick(DEBOUNCE);
    const quick = publishesIn(sent.slice(from));
    assert.deepEqual(quick.map((p) => p.version), c.shutdownAfter === 'edit' ? [] : [version], 'after the debounce');
    if (c.shutdownAfter === 'quick') await client.requestShutdown();
    t.mock.timers.runAll();
    const full = publishesIn(sent.slice(from + quick.length));
    if (c.shutdownAfter === undefined) {
      assert.deepEqual(full.map((p) => p.version), [version], 'the full analysis, after the pause');
      assert.notDeepEqual(full[0]?.diagnostics, quick[0]?.diagnostics, 'the full analysis adds the capacity suggestion');
    } else {
      assert.deepEqual(full, [], 'nothing published after shutdown');
    }
    await client.exit();
  });
}
