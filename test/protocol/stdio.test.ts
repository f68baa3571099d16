import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InlayHint, InlayHintLabelPart } from 'vscode-languageserver';
import { repoRoot } from '../unit/spec/repoRoot';
import { codes, startStdio, uriOf } from './harness';

const serverJs = join(repoRoot(), 'dist', 'server.js');

function label(h: InlayHint): string {
  return typeof h.label === 'string' ? h.label : h.label.map((p: InlayHintLabelPart) => p.value).join('');
}

test('the bundled server over stdio: diagnostics, placement hints and berth/plan on the seed', async () => {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-stdio-'));
  try {
    cpSync(join(repoRoot(), 'examples', 'seed'), dir, { recursive: true });
    const { client, child } = await startStdio(serverJs, dir);
    const job = join(dir, 'seed.job.yaml');
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(job, 'utf8');
    await client.open(job, text);
    const d = await client.diagnostics(job);
    assert.ok(codes(d.diagnostics).includes('failover/no-capacity'), JSON.stringify(d.diagnostics));
    const lines = text.split('\n').length;
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(job) }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
    const labels = hints.map(label).join('\n');
    assert.match(labels, /→ node1 · cpus 1\/2 · mem 2\/4 GiB/);
    assert.match(labels, /→ node2 · cpus 2\/3 · mem 4\/6 GiB/);
    assert.match(labels, /→ node3 · cpus 3\/4 · mem 6\/8 GiB/);
    // Completion is answered by the front thread, from the same text.
    const nameLine = text.split('\n').findIndex((l) => l.includes('- name: task1'));
    const list = await client.request<{ items: { label: string }[] } | null>('textDocument/completion', { textDocument: { uri: uriOf(job) }, position: { line: nameLine, character: 4 } });
    assert.ok(list?.items.some((i) => i.label === 'priority'), JSON.stringify(list?.items.map((i) => i.label)));
    const plan = await client.request<{ kind: string; reports: { tasks: { name: string; node?: string }[]; failover: { safe: boolean } }[] }>('berth/plan', { uri: uriOf(job) });
    assert.equal(plan.kind, 'plan');
    assert.deepEqual(plan.reports[0]?.tasks.map((t) => [t.name, t.node]), [['task1', 'node1'], ['task2', 'node2'], ['task3', 'node3']]);
    assert.equal(plan.reports[0]?.failover.safe, false);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await client.shutdown();
    assert.equal(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled server over stdio reads jobs that are not open from disk and re-checks on a watched change', async () => {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const { readFileSync, writeFileSync, unlinkSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'berth-stdio-'));
  try {
    cpSync(join(repoRoot(), 'examples', 'seed'), dir, { recursive: true });
    const job = join(dir, 'seed.job.yaml');
    const text = readFileSync(job, 'utf8');
    // A second job on disk, never opened, that outranks seed and takes node3's room.
    const other = join(dir, 'other.job.yaml');
    const otherText = 'apiVersion: berth/v1\nkind: Job\nname: other\ncluster: ./seed.cluster.yaml\nfailover: { tolerate: 0 }\ntasks:\n  - name: hog\n    priority: 900\n    resources: { cpus: 4, mem: 8Gi, disk: 3Gi }\n';
    writeFileSync(other, otherText);
    const { client, child } = await startStdio(serverJs, dir);
    await client.open(job, text);
    // The first diagnostics do not wait for the workspace index (firstAnswer.test.ts): other is planned once indexed.
    const crowded = await client.diagnosticsAfterIndex(job, dir);
    assert.ok(codes(crowded.diagnostics).includes('alloc/unplaced'), JSON.stringify(crowded.diagnostics));

    const lenses = await client.request<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri: uriOf(job) } });
    assert.match(lenses[0]?.command?.title ?? '', /^Plan: 2\/3 placed/);

    const next = client.nextDiagnostics(job);
    unlinkSync(other);
    await client.rpc.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(other), type: 3 }] });
    const alone = await next;
    assert.deepEqual(codes(alone.diagnostics), ['failover/no-capacity', 'failover/no-capacity', 'failover/no-capacity']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await client.shutdown();
    assert.equal(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
