/**
 * The drill's logic against a fake engine whose "controller" is the test: a loss followed as the
 * preview predicts passes; a controller that puts a task elsewhere fails, naming the task; a
 * drill cancelled mid-scenario brings the node back; the manager of a test swarm is skipped with
 * the reason; no running cluster is an error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEngine, NodeChange } from '../../../client/cluster/clusterEngine';
import { runDrill } from '../../../client/cluster/drill';
import { ClusterError } from '../../../client/cluster/errors';
import type { ClusterStatus, TaskStatus } from '../../../client/cluster/status';
import { allocate, type AllocationInput } from '../../../server/engine/alloc';
import type { ClusterNode, TaskInstance } from '../../../server/engine/model';

const span = { start: 0, end: 0 };
const ZERO = { cpus: 0, mem: 0, disk: 0, gpus: 0 };

function node(name: string, cpus: number): ClusterNode {
  return { name, resources: { cpus, mem: 4096, disk: 0, gpus: 0 }, ports: [], attributes: {}, nameSpan: span, span };
}

function instance(name: string, cpus: number): TaskInstance {
  return { id: `app/${name}`, job: 'app', task: name, name, index: 0, priority: 100, resources: { cpus, mem: 64, disk: 0, gpus: 0 }, ports: { dynamic: 0, fixed: [] }, dependsOn: [], constraints: [] };
}

/**
 * A cluster in memory. `react` is the controller: after a loss it places the lost tasks with the
 * allocator (as the real ones do), or, when `misplace` names a task, puts that one on `misplace.to`.
 */
function fakeEngine(options: { misplace?: { task: string; to: string }; manager?: string; onStop?: () => void } = {}): { engine: ClusterEngine; down: Set<string>; placements: Map<string, string> } {
  const nodes = [node('a', 1000), node('b', 1000), node('c', 2000)];
  const tasks = [instance('x', 500), instance('y', 500), instance('z', 1000)];
  const down = new Set<string>();
  const input = (): AllocationInput => ({ nodes, jobs: [{ name: 'app', strategy: 'binpack', preemption: false, tasks }], current: new Map(placements), down: new Set(down) });
  const placements = new Map<string, string>();
  for (const [id, r] of allocate({ nodes, jobs: [{ name: 'app', strategy: 'binpack', preemption: false, tasks }], current: new Map(), down: new Set() }).tasks) if (r.kind === 'placed') placements.set(id, r.node);
  const react = (): void => {
    for (const [id, n] of [...placements]) if (down.has(n)) placements.delete(id);
    const plan = allocate(input());
    for (const t of tasks) {
      const r = plan.tasks.get(t.id);
      if (r?.kind === 'placed') placements.set(t.id, options.misplace?.task === t.id ? options.misplace.to : r.node);
    }
  };
  const status = (): ClusterStatus => ({
    cluster: 'c',
    engine: 'local',
    hostCpus: 2,
    nodes: nodes.map((n) => ({ name: n.name, container: n.name, state: down.has(n.name) ? 'exited' : 'running', capacity: n.resources, allocated: ZERO, tasks: [] })),
    tasks: tasks.map((t): TaskStatus => ({ id: t.id, job: 'app', task: t.name, container: t.name, node: placements.get(t.id) ?? '', state: placements.has(t.id) ? 'running' : 'waiting', restarts: 0, resources: t.resources, addresses: [] })),
  });
  const change = (n: string, stop: boolean): NodeChange => ({ cluster: 'c', node: n, target: n, change: stop ? 'stopped' : 'started', already: false });
  const engine = {
    kind: 'local',
    where: 'memory',
    status: () => Promise.resolve(status()),
    liveInput: () => Promise.resolve(input()),
    stopNode(_c: string, n: string) {
      if (n === options.manager) return Promise.reject(new ClusterError('swarm/manager-node', `node ${n} is the test swarm's manager`));
      down.add(n);
      options.onStop?.();
      react();
      return Promise.resolve(change(n, true));
    },
    startNode(_c: string, n: string) {
      down.delete(n);
      react();
      return Promise.resolve(change(n, false));
    },
  } as unknown as ClusterEngine;
  return { engine, down, placements };
}

test('a loss followed as predicted passes, every task compared; the nodes come back after each scenario', async () => {
  const { engine, down } = fakeEngine();
  const report = await runDrill(engine, 'c', 'app', [['a'], ['b'], ['c']], { pollMs: 1 });
  assert.deepEqual(report.scenarios.map((s) => s.verdict), ['pass', 'pass', 'pass']);
  assert.ok(report.scenarios.every((s) => s.tasks.length === 3), 'every task of the job is compared');
  assert.ok(report.scenarios.some((s) => s.tasks.some((t) => t.before !== t.predicted)), 'some scenario moves a task');
  assert.equal(down.size, 0);
});

test('a task the controller puts elsewhere fails the scenario and is named', async () => {
  const { engine } = fakeEngine();
  const first = await runDrill(engine, 'c', 'app', [['c']], { pollMs: 1 });
  const moved = first.scenarios[0]?.tasks.find((t) => t.before === 'c' && t.predicted !== '' && t.predicted !== 'c');
  assert.ok(moved, `losing c moves a task (${JSON.stringify(first.scenarios[0]?.tasks)})`);
  const wrong = moved.predicted === 'a' ? 'b' : 'a';
  const bad = fakeEngine({ misplace: { task: moved.task, to: wrong } });
  const report = await runDrill(bad.engine, 'c', 'app', [['c']], { pollMs: 1, stableMs: 20, deadlineMs: 5_000 });
  const s = report.scenarios[0];
  assert.equal(s?.verdict, 'fail');
  assert.deepEqual(s?.tasks.filter((t) => t.predicted !== t.observed).map((t) => [t.task, t.observed]), [[moved.task, wrong]]);
});

test('a cancelled drill brings back the node it stopped', async () => {
  const abort = new AbortController();
  const { engine, down } = fakeEngine({ misplace: { task: 'app/never', to: 'a' }, onStop: () => abort.abort() });
  const report = await runDrill(engine, 'c', 'app', [['a'], ['b']], { signal: abort.signal, pollMs: 1 });
  assert.equal(report.cancelled, true);
  assert.equal(down.size, 0, 'no node is left stopped');
  assert.equal(report.scenarios.length, 0);
});

test('a scenario losing a test swarm’s manager is skipped with the reason; no deployed job is an error', async () => {
  const { engine, down } = fakeEngine({ manager: 'a' });
  const report = await runDrill(engine, 'c', 'app', [['b', 'a'], ['c']], { pollMs: 1 });
  assert.deepEqual(report.scenarios.map((s) => s.verdict), ['skipped', 'pass']);
  assert.match(report.scenarios[0]?.note ?? '', /manager/);
  assert.equal(down.size, 0, 'b, stopped before a was refused, is back');
  await assert.rejects(runDrill(engine, 'c', 'other', [['a']]), (err: unknown) => err instanceof ClusterError && err.code === 'cluster/not-up');
});
