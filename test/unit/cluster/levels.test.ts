/** The deploy order: dependency levels, computed without recursion. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelsOf } from '../../../client/cluster/deploy';
import type { JobSpec, TaskSpec } from '../../../server/engine/model';

const span = { start: 0, end: 0 };

function jobOf(deps: readonly (readonly string[])[]): JobSpec {
  const tasks: TaskSpec[] = deps.map((d, i) => ({
    name: `t${i}`,
    env: {},
    resources: { cpus: 10, mem: 1, disk: 0, gpus: 0 },
    ports: { dynamic: 0, fixed: [] },
    fixedPortSpans: [],
    priority: 100,
    instances: 1,
    dependsOn: d.map((name) => ({ name, span })),
    constraints: [],
    restart: 'on-failure',
    resourceSpans: {},
    nameSpan: span,
    span,
  }));
  return { name: 'j', cluster: { name: './c.cluster.yaml', span }, strategy: 'binpack', preemption: false, failover: { tolerate: 0, domains: [], domainSpans: [] }, tasks, nameSpan: span };
}

test('levels: dependencies first, in the job order within a level; unknown names ignored', () => {
  assert.deepEqual(levelsOf(jobOf([['t2'], [], ['t1', 'nope'], []])), [['t1', 't3'], ['t2'], ['t0']]);
});

test('a chain 10,000 tasks deep is 10,000 levels, without overflowing the stack', () => {
  const n = 10_000;
  const levels = levelsOf(jobOf(Array.from({ length: n }, (_, i) => (i + 1 < n ? [`t${i + 1}`] : []))));
  assert.equal(levels.length, n);
  assert.deepEqual(levels[0], [`t${n - 1}`]);
  assert.deepEqual(levels[n - 1], ['t0']);
});
