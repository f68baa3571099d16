/**
 * What of a checked job is planned (server/engine/analysis/plannable.ts): the one decision that the
 * language server and `berth plan` share. Through the checker, as both callers get it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSpecChecker, type CheckedJob } from '../../../server/engine/checkSpec';
import type { Plannable } from '../../../server/engine/analysis/plannable';

const CLUSTER = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 2, mem: 4Gi, ports: "31000-31099" }
`;

function checkJob(tasks: string, head = ''): CheckedJob {
  const text = `apiVersion: berth/v1\nkind: Job\nname: web\ncluster: ./dev.cluster.yaml\n${head}tasks:\n${tasks}`;
  const job = createSpecChecker().check('/w/web.job.yaml', text, { readFile: (p) => (p === '/w/dev.cluster.yaml' ? CLUSTER : undefined) }).jobs[0];
  assert.ok(job);
  return job;
}

/** Planned task names, skipped ones with why, and the tasks left to the allocator to place nowhere. */
function summary(p: Plannable): unknown {
  if (p.kind === 'not-plannable') return p.reason;
  return { planned: p.spec.tasks.map((t) => t.name), skipped: p.skipped.map((s) => `${s.task}: ${s.reason}`), fitsNowhere: [...p.fitsNowhere] };
}

const OK = '  - name: a\n    resources: { cpus: 1, mem: 1Gi }\n';

test('a job without errors is planned whole: its own spec, nothing skipped', () => {
  const job = checkJob(OK);
  assert.equal(job.plannable.kind === 'plannable' && job.plannable.spec, job.spec);
  assert.deepEqual(summary(job.plannable), { planned: ['a'], skipped: [], fitsNowhere: [] });
});

test('a task with a spec error is skipped, with the tasks that wait for it; the others are planned', () => {
  const job = checkJob(`${OK}  - name: b\n    resources: { cpus: 1, mem: 1Gi }\n    imagee: x\n  - name: c\n    dependsOn: [b]\n    resources: { cpus: 1, mem: 1Gi }\n  - name: d\n    dependsOn: [c, a]\n    resources: { cpus: 1, mem: 1Gi }\n`);
  assert.deepEqual(summary(job.plannable), { planned: ['a'], skipped: ['b: has errors', 'c: depends on b, which is not planned', 'd: depends on c, which is not planned'], fitsNowhere: [] });
});

test('a task that fits no node (too large, a fixed port no node offers) is planned, for the allocator to leave unplaced', () => {
  const job = checkJob(`${OK}  - name: big\n    resources: { cpus: 3, mem: 1Gi }\n  - name: port\n    resources: { cpus: 1, mem: 1Gi, ports: [8080] }\n`);
  assert.deepEqual(summary(job.plannable), { planned: ['a', 'big', 'port'], skipped: [], fitsNowhere: ['big', 'port'] });
});

test('a duplicate name skips the duplicate, not the tasks that depend on the name', () => {
  const job = checkJob(`${OK}  - name: a\n    resources: { cpus: 1, mem: 1Gi }\n  - name: c\n    dependsOn: [a]\n    resources: { cpus: 1, mem: 1Gi }\n`);
  assert.deepEqual(summary(job.plannable), { planned: ['a', 'c'], skipped: ['a: has errors'], fitsNowhere: [] });
});

test('a task item that is not a mapping has nothing to plan; the others are planned', () => {
  assert.deepEqual(summary(checkJob(`${OK}  - 42\n`).plannable), { planned: ['a'], skipped: [], fitsNowhere: [] });
});

test('not planned: an error outside the tasks, every task skipped, YAML syntax errors, a cluster with errors or none', () => {
  assert.equal(summary(checkJob(OK, 'strategy: bestfit\n').plannable), 'job "web" has errors outside its tasks');
  assert.equal(summary(checkJob('  - name: a\n    resources: { cpus: x }\n').plannable), 'no task of job "web" can be planned: every one has errors');
  assert.equal(summary(checkJob('  - name: a\n    resources: { cpus: x }\n  - name: b\n    dependsOn: [a]\n    resources: { cpus: 1, mem: 1Gi }\n').plannable), 'no task of job "web" can be planned: every one has errors or depends on one that has');
  assert.equal(summary(checkJob(`${OK}  - name: "b\n`).plannable), 'job "web" has YAML syntax errors');
  const broken = createSpecChecker().check('/w/web.job.yaml', `apiVersion: berth/v1\nkind: Job\nname: web\ncluster: ./dev.cluster.yaml\ntasks:\n${OK}`, { readFile: () => CLUSTER.replace('cpus: 2', 'cpus: two') });
  assert.equal(summary(broken.jobs[0]?.plannable ?? { kind: 'not-plannable', reason: '' }), 'the cluster of job "web" (/w/dev.cluster.yaml) has errors');
  const none = createSpecChecker().check('/w/web.job.yaml', `apiVersion: berth/v1\nkind: Job\nname: web\ncluster: ./dev.cluster.yaml\ntasks:\n${OK}`, { readFile: () => undefined });
  assert.equal(summary(none.jobs[0]?.plannable ?? { kind: 'not-plannable', reason: '' }), 'the cluster of job "web" is missing or cannot be read');
});
