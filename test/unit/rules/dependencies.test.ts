import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec, Problem, TaskSpec } from '../../../server/engine/model';
import { checkJob as runJobCheck, type JobContext } from '../../../server/engine/rules';
import { dependencies } from '../../../server/engine/rules/dependencies';
import { checkJob, HEAD, summary } from './ruleHarness';

function tasks(...defs: [string, string[]][]): string {
  return `${HEAD}tasks:\n${defs.map(([name, deps]) => `  - name: ${name}\n    resources: { cpus: 1, mem: 1Gi }\n${deps.length ? `    dependsOn: [${deps.join(', ')}]\n` : ''}`).join('')}`;
}

test('an unknown dependency: on the name, with did-you-mean data', () => {
  const text = tasks(['db', []], ['api', ['dbb', 'db']]);
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(summary(text, problems), [['spec/unknown-dependency', 'error', 'dbb']]);
  const data = problems[0]?.data;
  assert.ok(data?.kind === 'did-you-mean');
  assert.deepEqual(data.candidates, ['db']);
  assert.equal(text.slice(data.span.start, data.span.end), 'dbb');
});

test('an unknown dependency never suggests the task itself (that would be a cycle)', () => {
  const text = tasks(['web', []], ['wev', ['wew']]);
  const problems = checkJob(dependencies, text, null);
  const data = problems[0]?.data;
  assert.ok(data?.kind === 'did-you-mean');
  assert.deepEqual(data.candidates, ['web']);
  assert.doesNotMatch(problems[0]?.message ?? '', /"wev"\?/);
});

test('a diamond is not a cycle', () => {
  const text = tasks(['db', []], ['cache', ['db']], ['queue', ['db']], ['api', ['cache', 'queue']]);
  assert.deepEqual(checkJob(dependencies, text, null), []);
});

test('a task that depends on itself: a cycle of length 1', () => {
  const text = tasks(['api', ['api']]);
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(summary(text, problems), [['spec/dependency-cycle', 'error', 'api']]);
  assert.equal(problems[0]?.span.start, text.lastIndexOf('api'));
});

test('a cycle of length 2 is reported on both edges', () => {
  const text = tasks(['api', ['db']], ['db', ['api']]);
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(summary(text, problems).sort(), [
    ['spec/dependency-cycle', 'error', 'api'],
    ['spec/dependency-cycle', 'error', 'db'],
  ]);
  // Each on the dependsOn entry, not on a task name.
  for (const p of problems) assert.ok(text.slice(0, p.span.start).endsWith('dependsOn: ['));
});

test('a cycle of length 3, with a task hanging off it, is reported on its three edges only', () => {
  const text = tasks(['web', ['api']], ['api', ['db']], ['db', ['web']], ['cache', ['db']]);
  const problems = checkJob(dependencies, text, null);
  assert.equal(problems.length, 3);
  assert.ok(problems.every((p) => p.code === 'spec/dependency-cycle'));
  const spans = problems.map((p) => p.span.start).sort((a, b) => a - b);
  assert.deepEqual(spans, [text.indexOf('[api]') + 1, text.indexOf('[db]') + 1, text.indexOf('[web]') + 1]);
});

test('two separate cycles are both reported', () => {
  const text = tasks(['a', ['b']], ['b', ['a']], ['c', ['d']], ['d', ['c']]);
  assert.equal(checkJob(dependencies, text, null).length, 4);
});

test('unknown dependencies do not disturb the cycle search', () => {
  const text = tasks(['a', ['x', 'b']], ['b', ['y', 'a']]);
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(problems.map((p) => p.code).sort(), ['spec/dependency-cycle', 'spec/dependency-cycle', 'spec/unknown-dependency', 'spec/unknown-dependency']);
});

/**
 * A job built directly, for sizes where YAML would only slow the test down: t000000 depends on
 * t000001, and so on, so a depth-first search in name order goes the whole length at once.
 * With `loopBack`, the last task depends on the one before it: a cycle of 2 at the very end.
 */
function chain(n: number, loopBack: boolean): JobSpec {
  const span = { start: 0, end: 0 };
  const resources = { cpus: 1000, mem: 1024, disk: 0, gpus: 0 };
  const name = (i: number): string => `t${String(i).padStart(6, '0')}`;
  const list: TaskSpec[] = [];
  for (let i = 0; i < n; i++) {
    const dep = i < n - 1 ? name(i + 1) : loopBack ? name(i - 1) : undefined;
    list.push({
      name: name(i),
      env: {},
      resources,
      ports: { dynamic: 0, fixed: [] },
      fixedPortSpans: [],
      priority: 100,
      instances: 1,
      dependsOn: dep === undefined ? [] : [{ name: dep, span }],
      constraints: [],
      restart: 'on-failure',
      resourceSpans: {},
      nameSpan: span,
      span,
    });
  }
  return { name: 'big', cluster: { name: './c.cluster.yaml', span }, strategy: 'binpack', preemption: false, failover: { tolerate: 1, domains: [], domainSpans: [] }, tasks: list, nameSpan: span };
}

test('a dependency chain 50,000 tasks deep does not overflow the stack', () => {
  const check = (ctx: JobContext): Problem[] => runJobCheck(dependencies, ctx);
  let problems: unknown[] = [];
  assert.doesNotThrow(() => (problems = check({ job: chain(50_000, false), cluster: undefined })));
  assert.deepEqual(problems, []);
});

test('a cycle at the end of a chain 50,000 tasks deep is found', () => {
  const check = (ctx: JobContext): Problem[] => runJobCheck(dependencies, ctx);
  let problems: { code: string }[] = [];
  assert.doesNotThrow(() => (problems = check({ job: chain(50_000, true), cluster: undefined })));
  assert.deepEqual(problems.map((p) => p.code), ['spec/dependency-cycle', 'spec/dependency-cycle']);
});

/** `n` tasks built directly: t0 → t1 → … → t(n-1) → t0. */
function ring(n: number): JobSpec {
  const job = chain(n, false);
  const last = job.tasks[n - 1];
  const span = { start: 0, end: 0 };
  return { ...job, tasks: [...job.tasks.slice(0, -1), { ...last, dependsOn: [{ name: 't000000', span }] }] };
}

test('a cycle through 10,000 tasks is one compact problem: its length, its first names, where it closes', () => {
  const problems = runJobCheck(dependencies, { job: ring(10_000), cluster: undefined });
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.equal(p?.code, 'spec/dependency-cycle');
  assert.equal(p?.message, 'dependency cycle of 10000 tasks: t000000 → t000001 → t000002 → t000003 → t000004 → … → t009999 → t000000');
});

test('300 tasks each depending on all others: one short cycle named, with the size of the knot', () => {
  const names = Array.from({ length: 300 }, (_, i) => `t${i}`);
  const text = `${HEAD}tasks:\n${names.map((n) => `  - name: ${n}\n    resources: { cpus: 1, mem: 1Gi }\n    dependsOn: [${names.filter((m) => m !== n).join(', ')}]\n`).join('')}`;
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(problems.map((p) => p.code), ['spec/dependency-cycle', 'spec/dependency-cycle']);
  assert.equal(problems[0]?.message, 'dependency cycle: t0 → t1 → t0; 300 tasks in all depend on each other in cycles (t0, t1, t2, t3, t4, …)');
});

test('two cycles through one task are one knot, reported once', () => {
  const text = tasks(['a', ['b', 'c']], ['b', ['a']], ['c', ['a']]);
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(summary(text, problems), [
    ['spec/dependency-cycle', 'error', 'b'],
    ['spec/dependency-cycle', 'error', 'a'],
  ]);
  assert.equal(problems[0]?.message, 'dependency cycle: a → b → a; 3 tasks in all depend on each other in cycles (a, b, c)');
});

test('a cycle of 7 is marked once, on the edge where it starts', () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const text = tasks(...names.map((n, i): [string, string[]] => [n, [names[(i + 1) % names.length]]]));
  const problems = checkJob(dependencies, text, null);
  assert.deepEqual(summary(text, problems), [['spec/dependency-cycle', 'error', 'b']]);
  assert.equal(problems[0]?.message, 'dependency cycle of 7 tasks: a → b → c → d → e → … → g → a');
});
