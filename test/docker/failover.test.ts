/**
 * Failover on the real engine: stopping a node re-places its tasks exactly as the allocator's
 * scenario for that node predicted; a second controller stays passive; a controller started after
 * a loss catches up; waiting tasks are placed when their node returns.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterStatus, deploy, startController, startNode, stopNode, watchCluster, type ClusterChange, type Controller, type ControllerEvent } from '../../client/cluster';
import { allocate } from '../../server/engine/alloc';
import { scenarioByAllocate } from '../../server/engine/alloc/failover';
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { cleanUp, getEngine, loadExample, uniqueName, waitFor } from './harness';

describe('failover', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('fail');
  const specs = loadExample('examples/webstack/webstack.job.yaml', name);
  const job = specs.jobs[0];
  const controllers: Controller[] = [];
  after(async () => {
    for (const c of controllers) await c.stop();
    await cleanUp(env, name);
  });

  it('re-places a stopped node’s tasks as the preview predicted, with one active controller', { skip }, async () => {
    if (typeof env === 'string' || !job) return;
    const { docker, image } = env;
    await deploy(docker, specs.cluster, job, { image });
    const analysis = analyzeCluster(specs.cluster, [job], { failover: false });
    // The node with the most tasks.
    const counts = new Map<string, number>();
    for (const r of analysis.plan.tasks.values()) if (r.kind === 'placed') counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
    const lost = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
    const scenario = scenarioByAllocate(analysis.input, analysis.plan, [lost]);
    assert.ok(scenario.moves.length > 0, `losing ${lost} moves tasks`);

    const events: { who: string; e: ControllerEvent }[] = [];
    for (const who of ['a', 'b']) {
      controllers.push(startController(docker, name, { id: `test-${who}`, leaseSeconds: 3, resyncMs: 500, onEvent: (e) => events.push({ who, e }) }));
    }
    await waitFor('one controller taking the lease', () => Promise.resolve(controllers.some((c) => c.isActive())));
    await Promise.all(controllers.map((c) => c.settled()));
    assert.equal(controllers.filter((c) => c.isActive()).length, 1, 'exactly one controller is active');
    const active = controllers.find((c) => c.isActive())?.id === 'test-a' ? 'a' : 'b';

    const changes: ClusterChange[] = [];
    const watch = watchCluster(docker, name, (c) => changes.push(c));
    await waitFor('the change subscription connecting', () => Promise.resolve(changes.some((c) => c.kind === 'connection' && c.connected)));
    const t0 = Date.now();
    await stopNode(docker, lost, name);
    await waitFor(
      `every task of ${lost} running where the scenario says (${scenario.moves.map((m) => `${m.task}→${m.to}`).join(', ')})`,
      async () => {
        const s = await clusterStatus(docker, name);
        return scenario.moves.every((m) => s.tasks.some((t) => t.id === m.task && t.node === m.to && t.state === 'running'));
      },
      20_000,
    );
    const took = Date.now() - t0;
    watch.dispose();
    assert.ok(changes.some((c) => c.kind === 'changed' && c.action === 'die' && c.container === `${name}-${lost}`), 'the subscription saw the node die');
    const s = await clusterStatus(docker, name);
    for (const u of scenario.unplaced) assert.equal(s.tasks.find((t) => t.id === u.task)?.state, 'waiting', `${u.task} waits for capacity`);
    for (const m of scenario.moves) {
      const t = s.tasks.find((x) => x.id === m.task);
      assert.deepEqual(t?.failover && { from: t.failover.from, predicted: t.failover.predicted }, { from: lost, predicted: m.to }, `${m.task} records the failover`);
    }
    const failovers = events.filter((x) => x.e.kind === 'failover');
    assert.ok(failovers.length >= scenario.moves.length);
    assert.ok(failovers.every((x) => x.who === active), 'only the active controller acts');
    assert.ok(!events.some((x) => x.who !== active && (x.e.kind === 'task' || x.e.kind === 'failover')), 'the passive controller does nothing');
    console.log(`# failover of ${lost}: ${scenario.moves.length} tasks running elsewhere after ${took} ms`);
  });

  it('a controller started after a loss catches up; waiting tasks start when capacity returns', { skip }, async () => {
    if (typeof env === 'string' || !job) return;
    const { docker } = env;
    for (const c of controllers.splice(0)) await c.stop();
    const before = await clusterStatus(docker, name);
    const lostBefore = before.nodes.filter((n) => n.state !== 'running').map((n) => n.name);
    const victim = before.nodes.find((n) => n.state === 'running' && before.tasks.some((t) => t.node === n.name && t.state === 'running'))?.name ?? '';
    await stopNode(docker, victim, name);
    // The expectation, by the same contract: live placements minus the lost node, with the down nodes down.
    const analysis = analyzeCluster(specs.cluster, [job], { failover: false });
    const current = new Map(before.tasks.filter((t) => t.state === 'running' && t.node !== victim).map((t) => [t.id, t.node]));
    const liveIds = new Set(before.tasks.filter((t) => t.state !== 'exited').map((t) => t.id));
    const expected = allocate({ ...analysis.input, jobs: analysis.input.jobs.map((j) => ({ ...j, tasks: j.tasks.filter((t) => liveIds.has(t.id)) })), current, down: new Set([...lostBefore, victim]) });
    const movers = before.tasks.filter((t) => t.node === victim && t.state === 'running').map((t) => t.id);
    const c = startController(docker, name, { id: 'test-c', leaseSeconds: 3, resyncMs: 500 });
    controllers.push(c);
    await waitFor(
      `the new controller re-placing ${movers.join(', ')}`,
      async () => {
        const s = await clusterStatus(docker, name);
        return movers.every((id) => {
          const r = expected.tasks.get(id);
          const t = s.tasks.find((x) => x.id === id);
          return r?.kind === 'placed' ? t?.node === r.node && t.state === 'running' : t?.state === 'waiting';
        });
      },
      20_000,
    );
    for (const n of [...lostBefore, victim]) await startNode(docker, n, name);
    await waitFor(
      'every waiting task running once the nodes are back',
      async () => {
        const s = await clusterStatus(docker, name);
        return s.tasks.every((t) => t.state !== 'waiting') && s.tasks.some((t) => t.state === 'running');
      },
      20_000,
    );
  });
});
