/**
 * The live state from a real cluster to the language server: the seed-preempt job deployed, node2
 * stopped, the controller's failover done; the cluster's status as `berth/liveState` (what the
 * extension sends) makes the server's hint show task2's drift, its hover where it runs, and its
 * failover lenses start from the live placements with node2 down.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CodeLens, Hover, InlayHint, InlayHintLabelPart, MarkupContent } from 'vscode-languageserver';
import { clusterStatus, deploy, startController, stopNode, type Controller } from '../../client/cluster';
import { toLiveStateParams } from '../../client/cluster/liveState';
import { LIVE_STATE_METHOD } from '../../server/engine/protocol';
import { startInMemory, uriOf } from '../protocol/harness';
import { cleanUp, getEngine, ROOT, specsFrom, uniqueName, waitFor } from './harness';

describe('live state', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('live');
  const clusterText = readFileSync(join(ROOT, 'examples/seed-preempt/seed.cluster.yaml'), 'utf8').replace(/^name: seed$/m, `name: ${name}`);
  const jobText = readFileSync(join(ROOT, 'examples/seed-preempt/seed-preempt.job.yaml'), 'utf8');
  const controllers: Controller[] = [];
  after(async () => {
    for (const c of controllers) await c.stop();
    await cleanUp(env, name);
  });

  it('a failover on the real engine shows as drift in the hints, hover and lenses', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const specs = specsFrom(clusterText, jobText.replace('./seed.cluster.yaml', './t.cluster.yaml'));
    const job = specs.jobs[0];
    assert.ok(job && specs.cluster.name === name);
    await deploy(docker, specs.cluster, job, { image });
    const controller = startController(docker, name, { id: `test-live-${name}`, leaseSeconds: 3, resyncMs: 500 });
    controllers.push(controller);
    await waitFor('the controller taking the lease', () => Promise.resolve(controller.isActive()));
    await controller.settled();
    await stopNode(docker, 'node2', name);
    // With preemption, task2 (priority 200) moves to node3 and evicts task3 (the seed's claim).
    const status = await waitFor(
      'task2 running on node3 and task3 waiting, after node2 stopped',
      async () => {
        const s = await clusterStatus(docker, name);
        const at = (task: string): string | undefined => {
          const mine = s.tasks.filter((t) => t.task === task);
          return mine.length === 1 ? `${mine[0]?.node ?? ''}:${mine[0]?.state ?? ''}` : undefined;
        };
        return at('task2') === 'node3:running' && at('task3') === ':waiting' && at('task1') === 'node1:running' ? s : undefined;
      },
      20_000,
    );
    const params = toLiveStateParams(status);
    assert.deepEqual(params.nodesDown, ['node2']);

    const { client } = await startInMemory('/ws', { '/ws/seed.cluster.yaml': clusterText, '/ws/seed-preempt.job.yaml': jobText });
    const path = '/ws/seed-preempt.job.yaml';
    await client.open(path, jobText);
    await client.diagnostics(path);
    await client.rpc.sendNotification(LIVE_STATE_METHOD, params);
    const lines = jobText.split('\n');
    const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle));
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(path) }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
    const hintOf = (task: string): string | undefined =>
      hints.filter((h) => h.position.line === lineOf(`name: ${task}`)).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p: InlayHintLabelPart) => p.value).join('')).trim())[0];
    assert.equal(hintOf('task2'), '→ node3 · running (planned node2; moved after node2 failed)');
    assert.match(hintOf('task1') ?? '', /^→ node1 · .* · running$/);
    assert.match(hintOf('task3') ?? '', /^→ no node · waiting \(planned node3/);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: { line: lineOf('name: task2'), character: 12 } });
    assert.match((hover?.contents as MarkupContent).value, /\n- \*\*task2\*\* runs on node3 · running since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · 0 restarts · planned node2; moved after node2 failed\n/);
    const lenses = (await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(path) } })).map((l) => l.command?.title ?? '');
    assert.ok(lenses[0]?.includes('from the live placements'), lenses.join('\n'));
    assert.ok(!lenses.some((t) => t.startsWith('if node2 fails')), `node2 is down: no scenario loses it\n${lenses.join('\n')}`);
    assert.deepEqual(client.logs.filter((l) => l.includes('[error]') || l.includes('[warn]')), []);
    await client.shutdown();
  });
});
