/**
 * *Berth: Run Failover Drill* in the extension host, on a real Docker engine (BERTH_TEST_IMAGE):
 * what it refuses, each in one line and with nothing stopped — a node the cluster does not have,
 * a cluster that is not running, a job that is not deployed — and a drill of one scenario whose
 * result the placement view receives beside that scenario. The cluster is removed in a finally
 * block whatever happens. (The lens, the controller prompt and the page itself: ../drillUi.ts.)
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DrillOutcome } from '../../../client/src/commands/drill';
import type { BerthApi } from '../../../client/src/extension';
import { until, type Step } from './harness';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function removeCluster(cluster: string): void {
  const ids = docker('ps', '-a', '-q', '--filter', `label=berth.cluster=${cluster}`).split('\n').filter((l) => l !== '');
  if (ids.length > 0) docker('rm', '-f', ...ids);
  const networks = docker('network', 'ls', '-q', '--filter', `label=berth.cluster=${cluster}`).split('\n').filter((l) => l !== '');
  if (networks.length > 0) docker('network', 'rm', ...networks);
}

/** The state of each node container of the cluster (`running`, `exited`). */
function nodeStates(cluster: string): string[] {
  return docker('ps', '-a', '--filter', `label=berth.cluster=${cluster}`, '--filter', 'label=berth.role=node', '--format', '{{.State}}').split('\n').filter((l) => l !== '');
}

async function drill(...args: unknown[]): Promise<DrillOutcome> {
  const outcome = await vscode.commands.executeCommand<DrillOutcome | undefined>('berth.drill', ...args);
  assert.ok(outcome, 'berth.drill answers with its outcome');
  return outcome;
}

export function drillSteps(need: () => BerthApi, examples: () => string): Step[] {
  return [
    {
      name: 'Run Failover Drill: refused with one line for an unknown node, a cluster not running, a job not deployed; one scenario drilled, its result in the placement view',
      run: async () => {
        const image = process.env.BERTH_TEST_IMAGE;
        assert.ok(image, 'BERTH_TEST_IMAGE names the local test image');
        const declared = (vscode.extensions.getExtension('berth.berth')?.packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } }).contributes.commands;
        assert.equal(declared.find((c) => c.command === 'berth.drill')?.enablement, 'isWorkspaceTrusted', 'a drill stops nodes: trusted workspaces only');
        const api = need();
        const cluster = `eddrill${process.pid}`;
        const dir = mkdtempSync(path.join(tmpdir(), 'berth-editor-drill-'));
        const source = path.join(examples(), 'seed-preempt');
        writeFileSync(path.join(dir, 'seed.cluster.yaml'), readFileSync(path.join(source, 'seed.cluster.yaml'), 'utf8').replace(/^name: seed$/m, `name: ${cluster}`).replace(/^ {2}image: .*$/m, `  image: ${image}`));
        writeFileSync(path.join(dir, 'seed-preempt.job.yaml'), readFileSync(path.join(source, 'seed-preempt.job.yaml'), 'utf8'));
        writeFileSync(path.join(dir, 'other.job.yaml'), 'apiVersion: berth/v1\nkind: Job\nname: other\ncluster: ./seed.cluster.yaml\ntasks:\n  - { name: tiny, command: ["sh", "-c", "while true; do sleep 1; done"], resources: { cpus: 0.1, mem: 16Mi } }\n');
        const job = vscode.Uri.file(path.join(dir, 'seed-preempt.job.yaml'));
        const other = vscode.Uri.file(path.join(dir, 'other.job.yaml'));
        try {
          removeCluster(cluster);
          assert.deepEqual(await drill(job, ['node2']), { kind: 'refused', reason: `cluster ${cluster} is not running: deploy a job to it first (Berth: Deploy Job)` });
          assert.deepEqual(await drill(job, ['node2', 'nope']), { kind: 'refused', reason: `cluster ${cluster} has no node nope (nodes: node1, node2, node3)` });
          assert.deepEqual(nodeStates(cluster), [], 'nothing was created');

          await vscode.commands.executeCommand('berth.deployJob', job.toString(), 'seed-preempt');
          assert.deepEqual(nodeStates(cluster), ['running', 'running', 'running']);
          assert.deepEqual(await drill(other, ['node1']), { kind: 'refused', reason: `job other is not deployed on cluster ${cluster}: deploy it first (Berth: Deploy Job)` });
          assert.deepEqual(await drill(job, ['nope']), { kind: 'refused', reason: `cluster ${cluster} has no node nope (nodes: node1, node2, node3)` });
          assert.deepEqual(nodeStates(cluster), ['running', 'running', 'running'], 'no refused drill stopped a node');

          // seed-preempt without node1: task1 fits nowhere (no disk left, nothing of lower priority to evict): it waits, as predicted.
          const ran = await drill(job, ['node1']);
          assert.equal(ran.kind, 'ran', JSON.stringify(ran));
          const scenario = ran.kind === 'ran' ? ran.report.scenarios[0] : undefined;
          assert.equal(scenario?.verdict, 'pass', JSON.stringify(scenario));
          assert.deepEqual(scenario?.tasks.find((t) => t.task === 'seed-preempt/task1'), { task: 'seed-preempt/task1', before: 'node1', predicted: '', observed: '' });
          assert.deepEqual(nodeStates(cluster), ['running', 'running', 'running'], 'the drill brought node1 back');

          await vscode.commands.executeCommand('berth.plan', job);
          const shown = await until('the placement view with the drill of node1', () => {
            const m = api.lastPlacement();
            return m?.type === 'plan' && m.result.kind === 'plan' && m.result.uri === job.toString() ? m.drills?.['seed-preempt']?.find((d) => d.lost.join() === 'node1') : undefined;
          });
          assert.equal(shown.verdict, 'pass');
          assert.equal(shown.seconds, scenario?.seconds);
        } finally {
          await api.refreshClusters();
          const root = api.clusterItems().find((i) => i.kind === 'cluster' && i.status.cluster === cluster);
          if (root) await vscode.commands.executeCommand('berth.clusterDown', root);
          removeCluster(cluster);
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
}
