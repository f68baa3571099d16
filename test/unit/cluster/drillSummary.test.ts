/** The drill's summary line and the tasks a scenario touched or got wrong, as the editor shows them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DrillReport, DrillScenario } from '../../../client/cluster/drill';
import { differingTasks, drillSummary, touchedTasks } from '../../../client/cluster/drillSummary';

function report(scenarios: DrillScenario[], cancelled = false): DrillReport {
  return { job: 'web', cluster: 'dev', engine: 'local', scenarios, note: '', cancelled };
}

const pass = (lost: string, seconds: number): DrillScenario => ({
  lost: [lost],
  seconds,
  verdict: 'pass',
  tasks: [
    { task: 'web/api-0', before: lost, predicted: 'node3', observed: 'node3' },
    { task: 'web/db', before: 'node9', predicted: 'node9', observed: 'node9' },
  ],
});

test('every scenario passed: the count, the median and the slowest', () => {
  assert.equal(drillSummary(report([pass('node1', 1.9), pass('node2', 2.4), pass('node3', 1.7)])), 'Drill: 3/3 scenarios passed (p50 1.9 s, max 2.4 s)');
  assert.equal(drillSummary(report([pass('node1', 1.25)])), 'Drill: 1/1 scenario passed (p50 1.3 s, max 1.3 s)');
});

test('a failing scenario names its nodes and each task that differed, predicted against observed', () => {
  const failed: DrillScenario = {
    lost: ['node2'],
    seconds: 3.1,
    verdict: 'fail',
    tasks: [
      { task: 'web/api-1', before: 'node2', predicted: 'node3', observed: '' },
      { task: 'web/cache', before: 'node2', predicted: '', observed: 'node1' },
      { task: 'web/db', before: 'node1', predicted: 'node1', observed: 'node1' },
    ],
  };
  const r = report([pass('node1', 1), failed, pass('node3', 2)]);
  assert.equal(drillSummary(r), 'Drill: 1 of 3 scenarios failed: node2 (api-1 predicted node3, observed waiting; cache predicted no node, observed node1)');
  assert.deepEqual(differingTasks(failed).map((t) => t.task), ['web/api-1', 'web/cache']);
  assert.deepEqual(touchedTasks(failed).map((t) => t.task), ['web/api-1', 'web/cache']);
});

test('a scenario that never settled says so; skipped and cancelled drills say so', () => {
  const stuck: DrillScenario = { lost: ['n1'], seconds: 60, verdict: 'fail', note: 'the controller acting on the loss of n1 did not happen within 60 s', tasks: [{ task: 'web/a', before: 'n1', predicted: 'n2', observed: '?' }] };
  assert.equal(drillSummary(report([stuck])), 'Drill: 1 of 1 scenario failed: n1 (a predicted n2, observed never settled)');
  const skipped: DrillScenario = { lost: ['n1'], seconds: 0, verdict: 'skipped', note: 'manager', tasks: [] };
  assert.equal(drillSummary(report([skipped, pass('n2', 1)])), 'Drill: 1/1 scenario passed (p50 1.0 s, max 1.0 s); 1 skipped');
  assert.equal(drillSummary(report([], true)), 'Drill cancelled, the nodes it stopped are back: no scenario finished');
  assert.equal(drillSummary(report([pass('n1', 2)], true)), 'Drill cancelled, the nodes it stopped are back: 1/1 scenario passed (p50 2.0 s, max 2.0 s)');
});
