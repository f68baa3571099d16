/**
 * A problem in one task does not hide the plan of the others: the language server (diagnostics,
 * hints, `berth/plan`, which the placement view shows as it is) plans what `berth plan` plans, and
 * `berth/plan` answers with the report `berth plan --json` prints (server/engine/analysis/plannable.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { InlayHint, InlayHintLabelPart } from 'vscode-languageserver';
import { run } from '../../cli/main';
import type { PlanReport } from '../../server/engine/report/planReport';
import type { PlanResult } from '../../server/engine/protocol';
import { PARTIAL_PLANS, writePartialPlans, type PartialPlanFile } from '../fixtures/partialPlans';
import { codes, messageOf, startInMemory, uriOf, type TestClient } from './harness';

const dir = writePartialPlans();

/** `berth plan --json FILE` run in-process on the same files: exit code, stdout, stderr. */
async function cliPlan(file: PartialPlanFile): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['plan', '--json', join(dir, file)], { out: (t) => (out += t), err: (t) => (err += t), cwd: dir });
  return { code, out, err };
}

/**
 * A workspace of the job and its cluster file only: the server plans every job of the workspace
 * on a cluster, `berth plan` the jobs it is given.
 */
async function open(file: PartialPlanFile): Promise<TestClient> {
  const clusterFile = /^cluster: \.\/(.*)$/m.exec(PARTIAL_PLANS[file])?.[1] as PartialPlanFile;
  const { client } = await startInMemory('/ws', { [`/ws/${file}`]: PARTIAL_PLANS[file], [`/ws/${clusterFile}`]: PARTIAL_PLANS[clusterFile] });
  await client.open(`/ws/${file}`, PARTIAL_PLANS[file]);
  return client;
}

async function plan(client: TestClient, file: PartialPlanFile): Promise<PlanResult> {
  return client.request<PlanResult>('berth/plan', { uri: uriOf(`/ws/${file}`) });
}

/** Hint labels by task name (the hint sits on the task's name line). */
async function taskHints(client: TestClient, file: PartialPlanFile): Promise<Record<string, string>> {
  const text = PARTIAL_PLANS[file];
  const lines = text.split('\n');
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(`/ws/${file}`) }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
  const out: Record<string, string> = {};
  for (const h of hints) {
    const name = /- name: (\S+)/.exec(lines[h.position.line] ?? '')?.[1] ?? `line ${h.position.line}`;
    out[name] = (typeof h.label === 'string' ? h.label : h.label.map((p: InlayHintLabelPart) => p.value).join('')).trim();
  }
  return out;
}

function reportOf(result: PlanResult): PlanReport {
  assert.equal(result.kind, 'plan', JSON.stringify(result));
  assert.equal(result.kind === 'plan' ? result.reports.length : 0, 1, JSON.stringify(result));
  return (result.kind === 'plan' ? result.reports[0] : undefined) as PlanReport;
}

test('a task larger than every node: planned and left unplaced beside its spec error; berth/plan is the CLI\'s plan', async () => {
  const client = await open('huge.job.yaml');
  const d = await client.diagnostics('/ws/huge.job.yaml');
  // The rule's error stays, alone on that task (no alloc/unplaced repeats it); the task waiting for it is blocked.
  assert.deepEqual(codes(d.diagnostics), ['alloc/blocked', 'spec/task-too-large'], JSON.stringify(d.diagnostics));
  const blocked = d.diagnostics.find((x) => x.code === 'alloc/blocked');
  assert.match(blocked ? messageOf(blocked) : '', /^after is blocked: waiting for huge/);
  const hints = await taskHints(client, 'huge.job.yaml');
  assert.match(hints['web'] ?? '', /^→ node1/);
  assert.match(hints['huge'] ?? '', /^✗ no node: cpus exhausted on 2 nodes/);

  const report = reportOf(await plan(client, 'huge.job.yaml'));
  assert.deepEqual(report.tasks.map((t) => [t.name, t.status]), [['after', 'blocked'], ['huge', 'unplaced'], ['web', 'placed']]);
  const cli = await cliPlan('huge.job.yaml');
  assert.equal(cli.code, 0, cli.err);
  assert.deepEqual(report, JSON.parse(cli.out));
  await client.shutdown();
});

test('a spec error in one task: the other tasks planned, placements shown beside the error; berth/plan is the CLI\'s plan', async () => {
  const client = await open('typo.job.yaml');
  const d = await client.diagnostics('/ws/typo.job.yaml');
  assert.deepEqual(codes(d.diagnostics), ['spec/unknown-field'], JSON.stringify(d.diagnostics));
  const hints = await taskHints(client, 'typo.job.yaml');
  assert.deepEqual(Object.keys(hints).sort(), ['db', 'web'], JSON.stringify(hints));
  assert.match(hints['db'] ?? '', /^→ node2/);

  const report = reportOf(await plan(client, 'typo.job.yaml'));
  assert.deepEqual(report.tasks.map((t) => [t.name, t.status, t.node]), [['db', 'placed', 'node2'], ['web', 'placed', 'node2']]);
  assert.deepEqual(report.skipped, [{ task: 'worker', reason: 'has errors' }, { task: 'after', reason: 'depends on worker, which is not planned' }]);
  const cli = await cliPlan('typo.job.yaml');
  assert.equal(cli.code, 2);
  assert.deepEqual(report, JSON.parse(cli.out));

  // Hover on the skipped task says why it has no placement.
  const line = PARTIAL_PLANS['typo.job.yaml'].split('\n').findIndex((l) => l.includes('name: after'));
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf('/ws/typo.job.yaml') }, position: { line, character: 12 } });
  assert.match(hover?.contents.value ?? '', /Not in the plan: it depends on worker, which is not planned\./);

  // The cluster file's view plans the same tasks of the job.
  assert.deepEqual(reportOf(await plan(client, 'lab.cluster.yaml')), report);
  await client.shutdown();
});

test('a job whose every task is invalid, and a job on a broken cluster file: no plan, the reason the CLI gives', async () => {
  for (const [file, reason] of [
    ['invalid.job.yaml', /^no task of job "invalid" can be planned: every one has errors$/],
    ['stranded.job.yaml', /^the cluster of job "stranded" \(.*broken\.cluster\.yaml\) has errors$/],
  ] as const) {
    const client = await open(file);
    const d = await client.diagnostics(`/ws/${file}`);
    assert.ok(d.diagnostics.length > 0 && d.diagnostics.every((x) => String(x.code).startsWith('spec/')), JSON.stringify(d.diagnostics));
    assert.deepEqual(await taskHints(client, file), {});
    const result = await plan(client, file);
    assert.equal(result.kind, 'unavailable', JSON.stringify(result));
    const why = result.kind === 'unavailable' ? result.reason : '';
    assert.match(why, reason);
    const cli = await cliPlan(file);
    assert.equal(cli.code, 2);
    assert.equal(cli.out, '');
    // The server's reason names the file as the server knows it (/ws/...), the CLI's as it read it.
    const cliReason = /: ((?:no task|the cluster) .*)$/m.exec(cli.err)?.[1] ?? '';
    assert.equal(cliReason.replace(dir, '/ws'), why, cli.err);
    await client.shutdown();
  }
});
