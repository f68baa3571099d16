import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateNames } from '../../../server/engine/rules/duplicateNames';
import { checkCluster, checkJob, HEAD, summary } from './ruleHarness';

test('a task name used twice: reported on the second, once per repeat', () => {
  const text = `${HEAD}tasks:
  - name: api
    resources: { cpus: 1, mem: 1Gi }
  - name: db
    resources: { cpus: 1, mem: 1Gi }
  - name: api
    resources: { cpus: 1, mem: 1Gi }
  - name: api
    resources: { cpus: 1, mem: 1Gi }
`;
  const problems = checkJob(duplicateNames, text, null);
  assert.deepEqual(summary(text, problems), [
    ['spec/duplicate-name', 'error', 'api'],
    ['spec/duplicate-name', 'error', 'api'],
  ]);
  const first = text.indexOf('name: api') + 'name: '.length;
  assert.ok(problems.every((p) => p.span.start > first), 'the first definition is not the duplicate');
  assert.notEqual(problems[0]?.span.start, problems[1]?.span.start);
});

test('distinct names, and unnamed tasks, are fine', () => {
  const text = `${HEAD}tasks:
  - name: api
    resources: { cpus: 1, mem: 1Gi }
  - resources: { cpus: 1, mem: 1Gi }
  - resources: { cpus: 1, mem: 1Gi }
  - name: api-0
    resources: { cpus: 1, mem: 1Gi }
`;
  assert.deepEqual(checkJob(duplicateNames, text, null), []);
});

test('an instance name that collides with another task', () => {
  const text = `${HEAD}tasks:
  - name: web
    resources: { cpus: 1, mem: 1Gi }
    instances: 3
  - name: web-2
    resources: { cpus: 1, mem: 1Gi }
`;
  assert.deepEqual(summary(text, checkJob(duplicateNames, text, null)), [['spec/duplicate-name', 'error', 'web']]);
});

test('instances that stay clear of other names', () => {
  const text = `${HEAD}tasks:
  - name: web
    resources: { cpus: 1, mem: 1Gi }
    instances: 2
  - name: web-2
    resources: { cpus: 1, mem: 1Gi }
  - name: web-1-0
    resources: { cpus: 1, mem: 1Gi }
`;
  assert.deepEqual(checkJob(duplicateNames, text, null), []);
});

test('a node name used twice in a cluster', () => {
  const text = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: n1
    resources: { cpus: 2, mem: 4Gi }
  - name: n2
    resources: { cpus: 2, mem: 4Gi }
  - name: n1
    resources: { cpus: 2, mem: 4Gi }
`;
  const problems = checkCluster(duplicateNames, text);
  assert.deepEqual(summary(text, problems), [['spec/duplicate-name', 'error', 'n1']]);
  assert.equal(problems[0]?.span.start, text.lastIndexOf('n1'));
});
