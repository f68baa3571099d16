/**
 * The local Docker cluster from the editor, against a real Docker engine (run.ts builds the test
 * image first and passes its name as BERTH_TEST_IMAGE): deploy seed-preempt from the Deploy code
 * lens, see its nodes and tasks in the Berth Cluster tree, stop node2 from the tree, and see task2
 * under node3, where the failover scenario predicted; then Cluster Down leaves nothing labelled
 * with the cluster. The cluster is removed in a finally block whatever happens.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterItem, ClusterTreeItem, NodeItem, TaskItem } from '../../../client/src/cluster/clusterView';
import type { BerthApi } from '../../../client/src/extension';
import { until, type Step } from './harness';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Everything labelled with the cluster, as `docker ps -a` lists it. */
function containersOf(cluster: string): string[] {
  return docker('ps', '-a', '-q', '--filter', `label=berth.cluster=${cluster}`).split('\n').filter((l) => l !== '');
}

function removeCluster(cluster: string): void {
  const ids = containersOf(cluster);
  if (ids.length > 0) docker('rm', '-f', ...ids);
  const networks = docker('network', 'ls', '-q', '--filter', `label=berth.cluster=${cluster}`).split('\n').filter((l) => l !== '');
  if (networks.length > 0) docker('network', 'rm', ...networks);
}

/** A copy of examples/seed-preempt in a temp folder: its own cluster name, the local test image. */
function workspaceCopy(examples: string, cluster: string, image: string): { dir: string; job: vscode.Uri } {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-editor-cluster-'));
  const source = path.join(examples, 'seed-preempt');
  const clusterText = readFileSync(path.join(source, 'seed.cluster.yaml'), 'utf8').replace(/^name: seed$/m, `name: ${cluster}`).replace(/^ {2}image: .*$/m, `  image: ${image}`);
  assert.ok(clusterText.includes(`name: ${cluster}`) && clusterText.includes(`image: ${image}`), 'the cluster copy has the test name and image');
  writeFileSync(path.join(dir, 'seed.cluster.yaml'), clusterText);
  writeFileSync(path.join(dir, 'seed-preempt.job.yaml'), readFileSync(path.join(source, 'seed-preempt.job.yaml'), 'utf8'));
  return { dir, job: vscode.Uri.file(path.join(dir, 'seed-preempt.job.yaml')) };
}

function isCluster(i: ClusterTreeItem): i is ClusterItem {
  return i.kind === 'cluster';
}
function isNode(i: ClusterTreeItem): i is NodeItem {
  return i.kind === 'node';
}
function isTask(i: ClusterTreeItem): i is TaskItem {
  return i.kind === 'task';
}

/** The tree as the view shows it: node name → its node item and task items. */
function treeOf(api: BerthApi, cluster: string): Map<string, { node: NodeItem; tasks: TaskItem[] }> | undefined {
  const root = api.clusterItems().filter(isCluster).find((c) => c.status.cluster === cluster);
  if (!root) return undefined;
  const out = new Map<string, { node: NodeItem; tasks: TaskItem[] }>();
  for (const node of api.clusterItems(root).filter(isNode)) out.set(node.status.name, { node, tasks: api.clusterItems(node).filter(isTask) });
  return out;
}

function describeTree(api: BerthApi, cluster: string): string {
  const tree = treeOf(api, cluster);
  if (!tree) return `no cluster ${cluster} in the tree`;
  return [...tree].map(([n, { node, tasks }]) => `${n}(${node.status.state}): ${tasks.map((t) => `${t.status.task}:${t.status.state}`).join(',')}`).join('; ');
}

/** `until`, with the tree as it was at the deadline in the failure message. */
async function untilTree<T>(api: BerthApi, cluster: string, what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  try {
    return await until(what, probe, ms);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; tree: ${describeTree(api, cluster)}`, { cause: e });
  }
}

const CLUSTER_COMMANDS = ['berth.clusterUp', 'berth.deployJob', 'berth.clusterDown', 'berth.stopNode', 'berth.startNode', 'berth.showTaskLogs', 'berth.refreshCluster'];

export function clusterSteps(need: () => BerthApi, examples: () => string): Step[] {
  return [
    {
      name: 'every cluster command is registered and disabled in an untrusted workspace',
      run: async () => {
        const registered = new Set(await vscode.commands.getCommands(true));
        const declared = (vscode.extensions.getExtension('berth.berth')?.packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } }).contributes.commands;
        for (const id of CLUSTER_COMMANDS) {
          assert.ok(registered.has(id), `${id} is registered`);
          assert.equal(declared.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', `${id} is enabled only in a trusted workspace`);
        }
      },
    },
    {
      name: 'Docker unreachable: the tree shows one message that says what to do',
      run: async () => {
        const api = need();
        const config = vscode.workspace.getConfiguration('berth');
        // User settings of the test's own profile (a workspace setting would write into the repository).
        await config.update('docker.host', 'unix:///nonexistent/docker.sock', vscode.ConfigurationTarget.Global);
        try {
          for (let i = 0; i < 3; i++) await api.refreshClusters();
          const items = api.clusterItems();
          assert.equal(items.length, 1, 'one item');
          assert.equal(items[0]?.kind, 'message');
          assert.equal(items[0]?.label, 'Docker is not reachable at unix:///nonexistent/docker.sock: start Docker or set berth.docker.host');
        } finally {
          await config.update('docker.host', undefined, vscode.ConfigurationTarget.Global);
        }
        await api.refreshClusters();
        assert.ok(api.clusterItems().every((i) => i.kind === 'cluster'), 'the clusters return once Docker answers');
      },
    },
    {
      name: 'the local cluster: deploy from the lens, the tree, stop a node from the tree, failover as predicted, down',
      run: async () => {
        const image = process.env.BERTH_TEST_IMAGE;
        assert.ok(image, 'BERTH_TEST_IMAGE names the local test image (run.ts builds it before code-server starts)');
        const api = need();
        const cluster = `edtest${process.pid}`;
        const { dir, job } = workspaceCopy(examples(), cluster, image);
        const t0 = Date.now();
        const lap = (what: string): void => console.log(`METRIC cluster: ${what} at ${Date.now() - t0} ms`);
        try {
          removeCluster(cluster);
          await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(job), { preview: false });
          // The Deploy lens is resolved with the deploy diff (what a deploy would do): ask for resolved lenses.
          const deployLens = (title: RegExp): Promise<vscode.CodeLens> =>
            until(`a Deploy code lens on the job titled ${String(title)}`, async () => {
              const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', job, 100);
              return lenses.find((l) => l.command?.command === 'berth.deployJob' && title.test(l.command.title));
            });
          const lens = await deployLens(/^\$\(rocket\) Deploy: 3 new · 0 replaced · 0 unchanged · 0 removed$/);
          assert.match(lens.command?.tooltip ?? '', /^Deploy seed-preempt to edtest\d+:\n\+ seed-preempt\/task1\n/);
          assert.equal(lens.range.start.line, (await vscode.workspace.openTextDocument(job)).getText().split('\n').findIndex((l) => l.startsWith('kind: Job')), 'the lens sits on the kind: Job line');
          const command = lens.command;
          assert.ok(command);
          await vscode.commands.executeCommand(command.command, ...((command.arguments ?? []) as unknown[]));
          lap('deployed from the lens');
          // Deployed: the same lens now says a deploy would change nothing.
          await deployLens(/^\$\(rocket\) Deploy: 0 new · 0 replaced · 3 unchanged · 0 removed$/);
          lap('the Deploy lens shows the deployed job unchanged');

          const placed = { task1: 'node1', task2: 'node2', task3: 'node3' } as const;
          await untilTree(
            api,
            cluster,
            'the tree shows three running nodes with task1..3 running on node1..3',
            async () => {
              await api.refreshClusters();
              const tree = treeOf(api, cluster);
              if (!tree || tree.size !== 3) return undefined;
              for (const [task, node] of Object.entries(placed)) {
                const n = tree.get(node);
                if (n?.node.status.state !== 'running' || !n.tasks.some((t) => t.status.task === task && t.status.state === 'running')) return undefined;
              }
              return true;
            },
            30_000,
          );
          lap('nodes and tasks in the tree');

          // Stop node2 the way its context menu does: the command with the node's tree item.
          const node2 = treeOf(api, cluster)?.get('node2')?.node;
          assert.ok(node2, 'node2 is in the tree');
          assert.equal(node2.contextValue, 'berth.node.running', 'node2 offers Stop Node');
          await vscode.commands.executeCommand('berth.stopNode', node2);
          lap('node2 stopped from the tree');

          // The failover scenario for node2 (examples/seed-preempt): task2 → node3, evicting task3.
          const moved = await untilTree(
            api,
            cluster,
            'task2 running under node3 after node2 stopped',
            () => {
              const tree = treeOf(api, cluster);
              if (tree?.get('node2')?.node.status.state === 'running') return undefined;
              return tree?.get('node3')?.tasks.find((t) => t.status.task === 'task2' && t.status.state === 'running');
            },
            30_000,
          );
          assert.equal(moved.status.failover?.from, 'node2', 'task2 records the lost node');
          assert.equal(moved.status.failover?.predicted, 'node3', 'the failover scenario predicted node3');
          const notice = await until('the extension\'s controller reports the failover of task2', () => api.failovers().find((f) => f.cluster === cluster && f.task === 'seed-preempt/task2'));
          assert.deepEqual({ from: notice.from, predicted: notice.predicted, actual: notice.actual }, { from: 'node2', predicted: 'node3', actual: 'node3' });
          assert.equal(treeOf(api, cluster)?.get('node2')?.node.contextValue, 'berth.node.stopped', 'node2 now offers Start Node');
          lap('task2 under node3, as predicted');

          // The extension feeds the server the live placements (berth/liveState): task2's hint shows the drift.
          const jobText = (await vscode.workspace.openTextDocument(job)).getText();
          const task2Line = jobText.split('\n').findIndex((l) => l.includes('name: task2'));
          const task2Hint = async (): Promise<string> => {
            const range = new vscode.Range(0, 0, jobText.split('\n').length, 0);
            const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', job, range);
            return hints.filter((h) => h.position.line === task2Line).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')).trim()).join(' | ');
          };
          await until('task2\'s hint showing it runs on node3, not where planned', async () => ((await task2Hint()) === '→ node3 · running (planned node2; moved after node2 failed)' ? true : undefined), 15_000);
          lap('the drift in task2\'s hint');

          const root = api.clusterItems().filter(isCluster).find((c) => c.status.cluster === cluster);
          assert.ok(root);
          await vscode.commands.executeCommand('berth.clusterDown', root);
          assert.deepEqual(containersOf(cluster), [], `nothing labelled berth.cluster=${cluster} remains`);
          await until('the cluster leaves the tree', async () => {
            await api.refreshClusters();
            return treeOf(api, cluster) === undefined ? true : undefined;
          });
          lap('cluster down, nothing left');
          await until('task2\'s hint back to the plan once the cluster is gone', async () => ((await task2Hint()).startsWith('→ node2 · cpus') ? true : undefined), 15_000);
        } finally {
          removeCluster(cluster);
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
}
