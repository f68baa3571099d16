/**
 * `berth drill` end to end on both engines: every scenario of a small job passes (the controller
 * does what the preview said), the report's JSON has every task, the nodes are all back afterwards;
 * on a test swarm, losing the manager is reported as skipped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { engineOf } from '../../client/cluster';
import type { DrillReport } from '../../client/cluster/drill';
import { readRecord } from '../../client/cluster/registry';
import { cleanUp, getEngine, runBerth, swarmPrerequisites, uniqueName } from './harness';

function files(name: string, engine: 'local' | 'swarm'): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-drill-'));
  writeFileSync(join(dir, 'd.cluster.yaml'), `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\nengine: ${engine}\nnodes:\n  - { name: n1, resources: { cpus: 1, mem: 512Mi } }\n  - { name: n2, resources: { cpus: 1, mem: 512Mi } }\n  - { name: n3, resources: { cpus: 1.5, mem: 768Mi } }\n`);
  writeFileSync(join(dir, 'd.job.yaml'), `apiVersion: berth/v1\nkind: Job\nname: app\ncluster: ./d.cluster.yaml\ntasks:\n  - { name: big, priority: 200, command: ["sh", "-c", "while true; do sleep 1; done"], resources: { cpus: 1, mem: 64Mi } }\n  - { name: small, instances: 2, command: ["sh", "-c", "while true; do sleep 1; done"], resources: { cpus: 0.5, mem: 64Mi } }\n`);
  return dir;
}

for (const kind of ['local', 'swarm'] as const) {
  describe(`berth drill on the ${kind} engine`, async () => {
    const env = await getEngine();
    const skip = typeof env === 'string' ? env : kind === 'swarm' ? (swarmPrerequisites() ?? false) : false;
    const name = uniqueName(`dr${kind[0] ?? ''}`);
    const dir = files(name, kind);
    after(async () => {
      if (readRecord(name)) await (await engineOf(name)).down(name);
      else await cleanUp(env, name);
    });

    it('runs every single-node scenario, each as predicted, and leaves every node up', { skip }, async () => {
      if (typeof env === 'string') return;
      const deployed = await runBerth(['deploy', 'd.job.yaml', '--image', env.image], dir);
      assert.equal(deployed.code, 0, deployed.stderr);
      const r = await runBerth(['drill', 'd.job.yaml', '--json'], dir);
      const report = JSON.parse(r.stdout || '{}') as DrillReport;
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.equal(report.engine, kind);
      assert.deepEqual(report.scenarios.map((s) => s.lost.join()), ['n1', 'n2', 'n3']);
      for (const s of report.scenarios) {
        if (kind === 'swarm' && s.lost.includes('n1')) {
          assert.equal(s.verdict, 'skipped', 'the manager of a test swarm is not cut off');
          continue;
        }
        assert.equal(s.verdict, 'pass', JSON.stringify(s));
        assert.equal(s.tasks.length, 3);
      }
      assert.ok(report.scenarios.some((s) => s.tasks.some((t) => t.before !== t.predicted && t.predicted !== '')), 'some scenario moves a task');
      const status = await runBerth(['status', name, '--json', '--no-usage'], dir);
      const st = JSON.parse(status.stdout) as { nodes: { state: string }[] };
      assert.ok(st.nodes.every((n) => n.state === 'running'), 'every node is back');
      const bad = await runBerth(['drill', 'd.job.yaml', '--scenario', 'nope'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /no node nope/);
    });
  });
}
