import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacity } from '../../../server/engine/rules/capacity';
import { checkJob, CLUSTER, HEAD, oneTask, summary } from './ruleHarness';

function tooLarge(resources: string, cluster: string | null = CLUSTER): [string, string, string][] {
  const text = oneTask('', resources);
  return summary(text, checkJob(capacity, text, cluster));
}

test('a task as large as the largest node in every dimension fits', () => {
  assert.deepEqual(tooLarge('{ cpus: 8, mem: 16Gi, disk: 50Gi, gpus: 1, ports: 12 }'), []);
});

test('each dimension, on its own value', () => {
  assert.deepEqual(tooLarge('{ cpus: 8.001, mem: 1Gi }'), [['spec/task-too-large', 'error', '8.001']]);
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 16385 }'), [['spec/task-too-large', 'error', '16385']]);
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 1Gi, disk: 51Gi }'), [['spec/task-too-large', 'error', '51Gi']]);
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 1Gi, gpus: 2 }'), [['spec/task-too-large', 'error', '2']]);
});

test('larger in several dimensions: one problem per dimension', () => {
  assert.deepEqual(tooLarge('{ cpus: 16, mem: 32Gi }'), [
    ['spec/task-too-large', 'error', '16'],
    ['spec/task-too-large', 'error', '32Gi'],
  ]);
});

test('ports: more than the largest node offers (dynamic and fixed together)', () => {
  // node1 offers 100 ports; node2 11; node3 2.
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 1Gi, ports: 100 }'), []);
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 1Gi, ports: 101 }'), [['spec/task-too-large', 'error', '101']]);
});

test('not the sum over nodes: each dimension against the largest single node', () => {
  // Together the nodes have 14 cpus, but no single one has 9.
  assert.deepEqual(tooLarge('{ cpus: 9, mem: 1Gi }'), [['spec/task-too-large', 'error', '9']]);
});

test('gpus asked of a cluster without any', () => {
  const cluster = CLUSTER.replace(', gpus: 1', '');
  assert.deepEqual(tooLarge('{ cpus: 1, mem: 1Gi, gpus: 1 }', cluster), [['spec/task-too-large', 'error', '1']]);
});

test('several instances are each checked alone (capacity is per instance)', () => {
  const text = oneTask('    instances: 10\n', '{ cpus: 2, mem: 4Gi }');
  assert.deepEqual(checkJob(capacity, text, CLUSTER), []);
});

test('no cluster, or a cluster without nodes: nothing to compare with', () => {
  assert.deepEqual(tooLarge('{ cpus: 100, mem: 1Ti }', null), []);
  const empty = 'apiVersion: berth/v1\nkind: Cluster\nname: dev\nnodes: []\n';
  assert.deepEqual(tooLarge('{ cpus: 100, mem: 1Ti }', empty), []);
});

test('every task of the job is checked', () => {
  const text = `${HEAD}tasks:
  - name: small
    resources: { cpus: 1, mem: 1Gi }
  - name: big
    resources: { cpus: 1, mem: 64Gi }
`;
  assert.deepEqual(summary(text, checkJob(capacity, text, CLUSTER)), [['spec/task-too-large', 'error', '64Gi']]);
});
