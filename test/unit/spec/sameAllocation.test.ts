/**
 * `sameAllocation` decides whether the language server may keep a plan across an edit: true only
 * when nothing the allocator reads changed. Each edit below is applied to the seed example's text
 * and checked fresh (no shared objects), so the comparison walks every field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCluster, rebaseAnalysis, sameAllocation } from '../../../server/engine/analysis/analyzeCluster';
import { createSpecChecker } from '../../../server/engine/checkSpec';
import { createParseCache } from '../../../server/engine/spec/parseSpec';
import type { ClusterSpec, JobSpec } from '../../../server/engine/model';
import { comparableInput } from './comparable';
import { repoRoot } from './repoRoot';

const dir = join(repoRoot(), 'examples', 'seed');
const JOB = readFileSync(join(dir, 'seed.job.yaml'), 'utf8');
const CLUSTER = readFileSync(join(dir, 'seed.cluster.yaml'), 'utf8');

function specs(job: string, cluster: string): { cluster: ClusterSpec; jobs: JobSpec[] } {
  const checked = createSpecChecker().check('/ws/seed.job.yaml', job, { readFile: (p) => (p === '/ws/seed.cluster.yaml' ? cluster : undefined) });
  const j = checked.jobs[0];
  assert.ok(j?.ok && j.cluster?.ok, JSON.stringify(checked.problems));
  return { cluster: j.cluster.spec, jobs: [j.spec] };
}

function same(job: string, cluster = CLUSTER): boolean {
  const a = specs(JOB, CLUSTER);
  const b = specs(job, cluster);
  return sameAllocation(a.cluster, a.jobs, b.cluster, b.jobs);
}

const edit = (text: string, from: string, to: string): string => {
  assert.ok(text.includes(from), `no "${from}"`);
  return text.replace(from, to);
};

test('edits the allocator does not read keep the plan: commands, env, images, comments, layout', () => {
  assert.equal(same(JOB), true);
  assert.equal(same(edit(JOB, 'while true; do sleep 1; done', 'sleep 3600')), true);
  assert.equal(same(edit(JOB, '  - name: task1\n', '  - name: task1\n    image: busybox:1.37\n    env: { A: b }\n')), true);
  assert.equal(same(`# a comment that moves every span\n\n${JOB}`), true);
  assert.equal(same(JOB, edit(CLUSTER, 'attributes: { zone: a }', 'attributes: { zone: a }  # first')), true);
});

test('edits the allocator reads make a new plan: resources, priority, instances, names, strategy, failover, nodes', () => {
  assert.equal(same(edit(JOB, 'cpus: 1, mem: 2Gi', 'cpus: 1.5, mem: 2Gi')), false);
  assert.equal(same(edit(JOB, '  - name: task1\n', '  - name: task1\n    priority: 300\n')), false);
  assert.equal(same(edit(JOB, '  - name: task1\n', '  - name: task1\n    instances: 2\n')), false);
  assert.equal(same(edit(JOB, 'cpus: 1, mem: 2Gi, disk: 1Gi }', 'cpus: 1, mem: 2Gi, disk: 1Gi, ports: [31080] }')), false);
  assert.equal(same(edit(JOB, '  - name: task1\n', '  - name: task1\n    constraints: [[zone, IS, a]]\n')), false);
  assert.equal(same(edit(JOB, 'name: task3', 'name: task4')), false);
  assert.equal(same(edit(JOB, 'strategy: binpack', 'strategy: spread')), false);
  assert.equal(same(edit(JOB, 'failover: { tolerate: 1 }', 'failover: { tolerate: 2 }')), false);
  assert.equal(same(JOB, edit(CLUSTER, 'attributes: { zone: a }', 'attributes: { zone: d }')), false);
  assert.equal(same(JOB, edit(CLUSTER, 'cpus: 4, mem: 8Gi', 'cpus: 5, mem: 8Gi')), false);
  assert.equal(same(JOB, edit(CLUSTER, 'ports: "31000-31099" }\n    attributes: { zone: a }', 'ports: "31000-31098" }\n    attributes: { zone: a }')), false);
});

test('a kept plan is re-based onto the new specs: the same instances as a fresh analysis, reused for tasks the edit did not touch', () => {
  const checker = createSpecChecker();
  const cache = createParseCache();
  const host = { readFile: (p: string) => (p === '/ws/seed.cluster.yaml' ? CLUSTER : undefined) };
  const before = checker.check('/ws/seed.job.yaml', JOB, host, cache).jobs[0];
  // An edit inside task3's command: task1 and task2 keep their spec objects (the parse cache hands
  // back their chunks), task3 gets a new one.
  const edited = edit(JOB, 'while true; do sleep 1; done"]\n    resources: { cpus: 3', 'while true; do sleep 2; done"]\n    resources: { cpus: 3');
  const after = checker.check('/ws/seed.job.yaml', edited, host, cache).jobs[0];
  assert.ok(before?.cluster && after?.cluster);
  assert.equal(after.spec.tasks[0], before.spec.tasks[0]);
  assert.notEqual(after.spec.tasks[2], before.spec.tasks[2]);
  const previous = analyzeCluster(before.cluster.spec, [before.spec]);
  const rebased = rebaseAnalysis(previous, after.cluster.spec, [after.spec]);
  const fresh = analyzeCluster(after.cluster.spec, [after.spec]);
  assert.deepEqual(rebased.input, fresh.input);
  assert.deepEqual([...rebased.byTask], [...fresh.byTask]);
  assert.deepEqual(rebased.plan, fresh.plan);
  assert.equal(rebased.instances.get('seed/task1'), previous.instances.get('seed/task1'));
  assert.notEqual(rebased.instances.get('seed/task3'), previous.instances.get('seed/task3'));
  assert.equal(rebased.jobs[0], after.spec);
});

test('an edit that moves tasks (the text\'s length changes) keeps their instances, with constraints too', () => {
  const checker = createSpecChecker();
  const cache = createParseCache();
  const host = { readFile: (p: string) => (p === '/ws/seed.cluster.yaml' ? CLUSTER : undefined) };
  const job = edit(JOB, '  - name: task3\n', '  - name: task3\n    constraints: [[zone, IS, c]]\n');
  const before = checker.check('/ws/seed.job.yaml', job, host, cache).jobs[0];
  // Two characters more in task1's command: task2 and task3 only move (new specs, spans shifted).
  const edited = edit(job, 'while true; do sleep 1; done', 'while true; do sleep 100; done');
  const after = checker.check('/ws/seed.job.yaml', edited, host, cache).jobs[0];
  assert.ok(before?.cluster?.ok && after?.cluster?.ok && before.ok && after.ok);
  assert.notEqual(after.spec.tasks[1], before.spec.tasks[1], 'task2 has a new, shifted spec');
  assert.equal(after.spec.tasks[1]?.span.start, (before.spec.tasks[1]?.span.start ?? 0) + 2);
  const previous = analyzeCluster(before.cluster.spec, [before.spec]);
  const next = analyzeCluster(after.cluster.spec, [after.spec]);
  assert.equal(next.instances.get('seed/task2'), previous.instances.get('seed/task2'), 'task2 (no constraints) keeps its instance');
  // task3 keeps its instance too: the instance's constraint keeps the span it was made with (the
  // task spec has the moved one; see TaskInstance.constraints).
  const moved = next.instances.get('seed/task3');
  assert.equal(moved, previous.instances.get('seed/task3'), 'task3 (with a constraint) keeps its instance');
  assert.equal(after.spec.tasks[2]?.constraints[0]?.span.start, (before.spec.tasks[2]?.constraints[0]?.span.start ?? 0) + 2);
  // The same as a fresh analysis of the edited text, object for object and constraint spans aside.
  const fresh = analyzeCluster(specs(edited, CLUSTER).cluster, specs(edited, CLUSTER).jobs);
  assert.deepEqual(comparableInput(next.input), comparableInput(fresh.input));
  assert.deepEqual(next.plan, fresh.plan);
});

