/**
 * The deploy diff against the deploy itself: on each edit (none, a command change, a resource
 * change that moves a task, an added and a removed instance) `diff` says what deploy will do, and
 * deploy's own summary says it did exactly that; `berth diff` prints the same and exits 1 on change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSpecs, localEngine, type ClusterEngine, type DeployDiff, type DeployResult } from '../../client/cluster';
import { cleanUp, getEngine, runBerth, uniqueName, type Engine } from './harness';

const clusterYaml = (name: string): string => `apiVersion: berth/v1
kind: Cluster
name: ${name}
nodes:
  - name: n1
    resources: { cpus: 2, mem: 1Gi, disk: 1Gi }
  - name: n2
    resources: { cpus: 4, mem: 1Gi, disk: 1Gi }
`;

interface Edit {
  readonly bigCpus: number;
  readonly smallCommand: string;
  readonly smallInstances: number;
  readonly extra: boolean;
}

const jobYaml = (e: Edit): string => `apiVersion: berth/v1
kind: Job
name: dj
cluster: ./t.cluster.yaml
strategy: binpack
tasks:
  - name: big
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: ${e.bigCpus}, mem: 32Mi }
  - name: small
    instances: ${e.smallInstances}
    command: ["sh", "-c", "${e.smallCommand}"]
    resources: { cpus: 0.25, mem: 16Mi }
${e.extra ? `  - name: extra\n    command: ["sh", "-c", "while true; do sleep 1; done"]\n    resources: { cpus: 0.25, mem: 16Mi }\n` : ''}`;

/** Deploy's own summary in the diff's terms: what it started (or left waiting), kept, and removed without starting again. */
function summaryOf(result: DeployResult): { readonly started: string[]; readonly kept: string[]; readonly removed: string[]; readonly nodeOf: Map<string, string> } {
  const ids = (action: string): string[] => result.tasks.filter((t) => t.action === action).map((t) => t.id);
  const started = [...ids('started'), ...ids('waiting')].sort();
  return { started, kept: ids('kept').sort(), removed: ids('removed').filter((id) => !started.includes(id)).sort(), nodeOf: new Map(result.tasks.filter((t) => t.action !== 'removed').map((t) => [t.id, t.node])) };
}

function assertDeployDid(diff: DeployDiff, result: DeployResult): void {
  const did = summaryOf(result);
  assert.deepEqual(did.started, [...diff.create, ...diff.replace.map((r) => r.task)].sort(), 'created and replaced are what deploy started');
  assert.deepEqual(did.kept, [...diff.keep], 'kept is what deploy kept');
  assert.deepEqual(did.removed, [...diff.remove], 'removed is what deploy removed');
  for (const r of diff.replace) {
    const moved = r.changes.map((c) => /^node (\S+) → (\S+)$/.exec(c)).find((m) => m !== null);
    if (moved) assert.equal(did.nodeOf.get(r.task), moved[2], `${r.task} went where the diff said`);
  }
}

describe('deploy diff: diff says what deploy then does', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('diff');
  after(() => cleanUp(env, name));
  const dir = mkdtempSync(join(tmpdir(), 'berth-diff-'));
  writeFileSync(join(dir, 't.cluster.yaml'), clusterYaml(name));
  let e: Engine;
  let engine: ClusterEngine;
  before(() => {
    if (typeof env === 'string') return;
    e = env;
    engine = localEngine(e.docker);
  });

  /** Writes the job file as edited, diffs, deploys, and checks the two agree. */
  async function step(edit: Edit): Promise<DeployDiff> {
    writeFileSync(join(dir, 't.job.yaml'), jobYaml(edit));
    const { cluster, jobs } = loadSpecs(join(dir, 't.job.yaml'));
    const job = jobs[0];
    assert.ok(job);
    const diff = await engine.diff(cluster, job, { image: e.image });
    const result = await engine.deploy(cluster, job, { image: e.image });
    assertDeployDid(diff, result);
    return diff;
  }

  const base: Edit = { bigCpus: 1, smallCommand: 'while true; do sleep 1; done', smallInstances: 3, extra: false };

  it('a first deploy creates every instance', { skip }, async () => {
    const diff = await step(base);
    assert.deepEqual(diff.create, ['dj/big', 'dj/small-0', 'dj/small-1', 'dj/small-2']);
    assert.deepEqual([diff.replace, diff.keep, diff.remove], [[], [], []]);
    // binpack puts big on the smaller node: the resource edit below cannot stay there.
    const s = await engine.status(name);
    assert.equal(s.tasks.find((t) => t.id === 'dj/big')?.node, 'n1');
  });

  it('an unchanged job keeps everything, and berth diff exits 0', { skip }, async () => {
    const run = await runBerth(['diff', join(dir, 't.job.yaml'), '--image', e.image, '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as DeployDiff & { engine: string };
    assert.deepEqual([printed.create, printed.replace, printed.remove, printed.keep, printed.engine], [[], [], [], ['dj/big', 'dj/small-0', 'dj/small-1', 'dj/small-2'], 'local']);
    const diff = await step(base);
    assert.deepEqual(diff.keep, ['dj/big', 'dj/small-0', 'dj/small-1', 'dj/small-2']);
  });

  it('a command change replaces that task\'s instances, naming the command', { skip }, async () => {
    const edit = { ...base, smallCommand: 'while true; do sleep 2; done' };
    writeFileSync(join(dir, 't.job.yaml'), jobYaml(edit));
    const run = await runBerth(['diff', join(dir, 't.job.yaml'), '--image', e.image], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /0 new · 3 replaced · 1 unchanged · 0 removed/);
    assert.match(run.stdout, /~ dj\/small-0 {2}\(command\)/);
    const diff = await step(edit);
    assert.deepEqual(diff.replace, [
      { task: 'dj/small-0', changes: ['command'] },
      { task: 'dj/small-1', changes: ['command'] },
      { task: 'dj/small-2', changes: ['command'] },
    ]);
    assert.deepEqual(diff.keep, ['dj/big']);
  });

  it('a resource change that moves a task names the resources and the move', { skip }, async () => {
    const diff = await step({ ...base, smallCommand: 'while true; do sleep 2; done', bigCpus: 3 });
    assert.deepEqual(diff.replace, [{ task: 'dj/big', changes: ['resources', 'node n1 → n2'] }]);
  });

  it('an added task is created and a dropped instance removed', { skip }, async () => {
    const diff = await step({ bigCpus: 3, smallCommand: 'while true; do sleep 2; done', smallInstances: 2, extra: true });
    assert.deepEqual(diff.create, ['dj/extra']);
    assert.deepEqual(diff.remove, ['dj/small-2']);
    assert.deepEqual(diff.replace, []);
    const s = await engine.status(name);
    assert.deepEqual(s.tasks.map((t) => t.id).sort(), ['dj/big', 'dj/extra', 'dj/small-0', 'dj/small-1']);
  });
});
