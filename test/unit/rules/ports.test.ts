import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ports } from '../../../server/engine/rules/ports';
import { checkJob, CLUSTER, oneTask, summary } from './ruleHarness';

function check(portsValue: string, cluster: string | null = CLUSTER): [string, string, string][] {
  const text = oneTask('', `{ cpus: 1, mem: 1Gi, ports: ${portsValue} }`);
  return summary(text, checkJob(ports, text, cluster));
}

test('fixed ports inside some node\'s ranges, at their edges too', () => {
  assert.deepEqual(check('[8080, 9090, 31000, 31099]'), []);
});

test('dynamic ports are not checked here', () => {
  assert.deepEqual(check('5'), []);
});

test('a fixed port outside every node\'s ranges', () => {
  assert.deepEqual(check('[80]'), [['spec/port-out-of-range', 'error', '80']]);
  assert.deepEqual(check('[8080, 31100]'), [['spec/port-out-of-range', 'error', '31100']]);
});

test('a fixed port out of range, in a block list: on that port, not on the first item', () => {
  const text = oneTask('', '\n      cpus: 1\n      mem: 1Gi\n      ports:\n        - 8080\n        - 443\n');
  const problems = checkJob(ports, text, CLUSTER);
  assert.deepEqual(problems.map((p) => p.code), ['spec/port-out-of-range']);
  const p = problems[0];
  assert.ok(p);
  assert.ok(p.span.start <= text.indexOf('443') && text.indexOf('443') < p.span.end, 'the span covers 443');
  assert.ok(p.span.start > text.indexOf('8080'), `the span starts at the offending port, not at ${JSON.stringify(text.slice(p.span.start, p.span.end))}`);
});

test('a port asked twice by one task', () => {
  // On the second mention, not the first.
  const text = oneTask('', '{ cpus: 1, mem: 1Gi, ports: [8080, 9090, 8080] }');
  const problems = checkJob(ports, text, CLUSTER);
  assert.deepEqual(summary(text, problems), [['spec/duplicate-port', 'error', '8080']]);
  assert.equal(problems[0]?.span.start, text.lastIndexOf('8080'));
});

test('without a cluster only duplicates are found', () => {
  assert.deepEqual(check('[80, 80]', null), [['spec/duplicate-port', 'error', '80']]);
});

test('a cluster whose nodes offer no ports at all', () => {
  const cluster = CLUSTER.replace(/, ports: [^}]*}/g, ' }');
  assert.deepEqual(check('[8080]', cluster), [['spec/port-out-of-range', 'error', '8080']]);
});
