/**
 * The Swarm engine on a real 3-node local test swarm (one Docker daemon per node, each in its own
 * network namespace): up, deploy as planned, a node's loss → its tasks running on the nodes the
 * preview predicted, a waiting task placed when its node returns, a node daemon killed with
 * SIGKILL, a foreign service untouched (and a name clash refused with nothing changed), and down
 * leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deployCluster, diffCluster, engineOf, upCluster, type ClusterEngine, type ClusterStatus, type Controller, type ControllerEvent } from '../../client/cluster';
import { readRecord } from '../../client/cluster/registry';
import { dockerOf } from '../../client/cluster/swarm/testSwarmPaths';
import { allocate } from '../../server/engine/alloc';
import { scenarioByAllocate } from '../../server/engine/alloc/failover';
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { getEngine, specsFrom, swarmLeftovers, swarmPrerequisites, uniqueName, waitFor, type TestSpecs } from './harness';

/** n1 is the manager; n3 has the most room. Logical capacities within the host's, so nothing is scaled. */
function clusterYaml(name: string): string {
  return `apiVersion: berth/v1
kind: Cluster
name: ${name}
engine: swarm
nodes:
  - { name: n1, resources: { cpus: 1, mem: 512Mi }, attributes: { zone: a } }
  - { name: n2, resources: { cpus: 1, mem: 512Mi }, attributes: { zone: b } }
  - { name: n3, resources: { cpus: 1.5, mem: 768Mi }, attributes: { zone: c } }
`;
}

const JOB = `apiVersion: berth/v1
kind: Job
name: app
cluster: ./t.cluster.yaml
tasks:
  - name: big
    priority: 200
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 1, mem: 64Mi }
  - name: small
    instances: 2
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.5, mem: 64Mi }
  - name: tiny
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.25, mem: 32Mi }
    healthCheck: { command: ["true"], interval: 1s, timeout: 1s, retries: 2 }
`;

function placements(s: ClusterStatus): Map<string, string> {
  return new Map(s.tasks.filter((t) => t.state === 'running').map((t) => [t.id, t.node]));
}

describe('swarm engine: a local test swarm', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : (swarmPrerequisites() ?? false);
  const name = uniqueName('sw');
  const specs: TestSpecs = specsFrom(clusterYaml(name), JOB);
  const job = specs.jobs[0];
  let engine: ClusterEngine | undefined;
  const controllers: Controller[] = [];
  const events: ControllerEvent[] = [];
  after(async () => {
    for (const c of controllers) await c.stop();
    if (readRecord(name)) await (await engineOf(name)).down(name);
  });

  it('comes up as one daemon per node, labelled, the first node the manager', { skip }, async () => {
    if (typeof env === 'string') return;
    const t0 = Date.now();
    const made = await upCluster(specs.cluster, { image: env.image });
    console.log(`# test swarm of 3 nodes up in ${Date.now() - t0} ms`);
    engine = made.engine;
    assert.equal(made.kind, 'test-swarm');
    const record = readRecord(name);
    assert.ok(record?.kind === 'test' && record.complete, 'the record says a complete test swarm');
    const manager = record.nodes[0];
    assert.ok(manager);
    const nodes = (await dockerOf(manager).listNodes()) as { Description: { Hostname: string }; Spec: { Labels: Record<string, string> }; ManagerStatus?: unknown }[];
    assert.deepEqual(nodes.map((n) => n.Description.Hostname).sort(), ['n1', 'n2', 'n3'], 'each daemon has its node name as hostname');
    for (const n of nodes) {
      assert.equal(n.Spec.Labels['berth.node'], n.Description.Hostname);
      assert.equal(n.Spec.Labels['zone'], { n1: 'a', n2: 'b', n3: 'c' }[n.Description.Hostname]);
    }
    assert.equal(nodes.filter((n) => n.ManagerStatus !== undefined).map((n) => n.Description.Hostname).join(), 'n1');
    // Idempotent: a second up keeps the running swarm.
    assert.equal((await upCluster(specs.cluster, { image: env.image })).swarm?.action, 'running');
  });

  it('deploys every instance as a service pinned where the plan says, and a rerun keeps them', { skip }, async () => {
    if (typeof env === 'string' || !job || !engine) return;
    const { result } = await deployCluster(specs.cluster, job, { image: env.image });
    const plan = analyzeCluster(specs.cluster, [job], { failover: false }).plan;
    const expected = new Map([...plan.tasks].flatMap(([id, r]) => (r.kind === 'placed' ? [[id, r.node] as const] : [])));
    assert.equal(expected.size, 4);
    assert.deepEqual(new Map(result.tasks.map((t) => [t.id, t.node])), expected);
    const s = await engine.status(name);
    assert.equal(s.engine, 'swarm');
    assert.match(s.manager ?? '', /^unix:\/\/.*docker\.sock$/);
    assert.deepEqual(placements(s), expected, 'every service runs on its planned node');
    const unchanged = await diffCluster(specs.cluster, job, { image: env.image });
    assert.deepEqual([unchanged.engine, unchanged.diff.create, unchanged.diff.replace, unchanged.diff.remove, unchanged.diff.keep], ['swarm', [], [], [], [...expected.keys()].sort()], 'the diff of an unchanged job keeps everything');
    const again = await deployCluster(specs.cluster, job, { image: env.image });
    assert.ok(again.result.tasks.every((t) => t.action === 'kept'), 'an unchanged job is kept');
  });

  it('moves a lost node’s tasks to the nodes the preview predicted, and places a waiting task when its node returns', { skip }, async () => {
    if (typeof env === 'string' || !job || !engine) return;
    const e = engine;
    controllers.push(e.startController(name, { id: 'test-swarm', leaseSeconds: 5, resyncMs: 500, onEvent: (x) => events.push(x) }));
    await waitFor('the controller taking the lease', () => Promise.resolve(controllers[0]?.isActive() === true), 15_000);
    await controllers[0]?.settled();

    const analysis = analyzeCluster(specs.cluster, [job], { failover: false });
    const first = scenarioByAllocate(analysis.input, analysis.plan, ['n2']);
    assert.ok(first.moves.length === 2 && first.unplaced.length === 0, `losing n2 moves both small instances (${JSON.stringify(first.moves)})`);
    const t0 = Date.now();
    await e.stopNode(name, 'n2');
    await waitFor(`every task of n2 running where the preview says (${first.moves.map((m) => `${m.task}→${m.to}`).join(', ')})`, async () => {
      const s = await e.status(name, { usage: false });
      return first.moves.every((m) => s.tasks.some((t) => t.id === m.task && t.node === m.to && t.state === 'running'));
    }, 30_000);
    console.log(`# swarm failover of n2: ${first.moves.length} tasks running on their predicted nodes ${Date.now() - t0} ms after the node was cut off`);
    const s1 = await e.status(name, { usage: false });
    for (const m of first.moves) {
      const t = s1.tasks.find((x) => x.id === m.task);
      assert.deepEqual(t?.failover && { from: t.failover.from, predicted: t.failover.predicted }, { from: 'n2', predicted: m.to }, `${m.task} records the failover`);
    }
    assert.equal(s1.nodes.find((n) => n.name === 'n2')?.state, 'down');

    // n2 back; then n3 lost: the scenario from the live placements leaves a task without a node.
    await e.startNode(name, 'n2');
    await waitFor('n2 Ready again', async () => (await e.status(name, { usage: false })).nodes.find((n) => n.name === 'n2')?.state === 'running', 30_000);
    await controllers[0]?.settled();
    const live = placements(await e.status(name, { usage: false }));
    const second = scenarioByAllocate({ ...analysis.input, current: live }, allocate({ ...analysis.input, current: live }), ['n3']);
    assert.ok(second.unplaced.length > 0 && second.moves.length > 0, `losing n3 moves some tasks and leaves some without a node (${JSON.stringify(second)})`);
    await e.stopNode(name, 'n3');
    await waitFor('n3’s tasks moved or waiting as predicted', async () => {
      const s = await e.status(name, { usage: false });
      return second.moves.every((m) => s.tasks.some((t) => t.id === m.task && t.node === m.to && t.state === 'running')) && second.unplaced.every((u) => s.tasks.some((t) => t.id === u.task && t.state === 'waiting'));
    }, 30_000);
    await e.startNode(name, 'n3');
    await waitFor('the waiting tasks running again when n3 returns', async () => {
      const s = await e.status(name, { usage: false });
      return second.unplaced.every((u) => s.tasks.some((t) => t.id === u.task && t.state === 'running' && t.node === 'n3'));
    }, 40_000);
    const failovers = events.filter((x) => x.kind === 'failover');
    assert.ok(failovers.length >= first.moves.length + second.moves.length);
    for (const f of failovers) if (f.kind === 'failover') assert.equal(f.actual, f.predicted, `${f.task} went where the preview said`);
  });

  it('refuses to cut off the manager, which would take the control plane with it', { skip }, async () => {
    if (!engine) return;
    await assert.rejects(engine.stopNode(name, 'n1'), (err: unknown) => err instanceof Error && 'code' in err && err.code === 'swarm/manager-node');
  });

  it('fails over when a node’s daemon is killed with SIGKILL, and down leaves nothing behind', { skip }, async () => {
    if (typeof env === 'string' || !engine) return;
    const e = engine;
    const record = readRecord(name);
    assert.ok(record?.kind === 'test');
    await controllers[0]?.settled();
    const before = placements(await e.status(name, { usage: false }));
    const onN2 = [...before].filter(([, n]) => n === 'n2').map(([id]) => id);
    const n2 = record.nodes.find((n) => n.name === 'n2');
    assert.ok(n2);
    const pid = Number(readFileSync(join(n2.dir, 'docker.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor('n2 seen down after its daemon was killed', async () => (await e.status(name, { usage: false })).nodes.find((n) => n.name === 'n2')?.state === 'down', 30_000);
    if (onN2.length > 0) {
      await waitFor(`n2's tasks (${onN2.join(', ')}) running elsewhere or waiting`, async () => {
        const s = await e.status(name, { usage: false });
        return onN2.every((id) => s.tasks.some((t) => t.id === id && ((t.state === 'running' && t.node !== 'n2') || t.state === 'waiting')));
      }, 30_000);
    }
    for (const c of controllers.splice(0)) await c.stop();
    const down = await e.down(name);
    assert.equal(down.engine, 'swarm');
    assert.deepEqual(swarmLeftovers(name), [], 'nothing of the test swarm is left (the killed daemon’s containerd and shims included)');
    assert.equal(readRecord(name), undefined);
  });
});
