/** The extension's side of `berth/liveState`: a cluster status as params, sent only on change (client/cluster/liveState.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStateFeed, toLiveStateParams } from '../../../client/cluster/liveState';
import type { ClusterStatus, NodeStatus, TaskStatus } from '../../../client/cluster/status';

const ZERO = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
const node = (name: string, state: NodeStatus['state']): NodeStatus => ({ name, container: `dev-${name}`, state, capacity: ZERO, allocated: ZERO, tasks: [] });
const task = (job: string, instance: string, nodeName: string, state: string, extra: Partial<TaskStatus> = {}): TaskStatus => ({
  id: `${job}/${instance}`,
  job,
  task: instance,
  container: `dev-${job}-${instance}`,
  node: nodeName,
  state,
  restarts: 0,
  resources: ZERO,
  addresses: [],
  ...extra,
});
const status = (tasks: TaskStatus[], nodes: NodeStatus[] = [node('n1', 'running'), node('n2', 'exited'), node('n3', 'running')]): ClusterStatus => ({ cluster: 'dev', engine: 'local', hostCpus: 2, nodes, tasks });

describe('toLiveStateParams', () => {
  it('groups tasks by job, sorted; says what moved them; lists the nodes not running', () => {
    const s = status([
      task('web', 'api-1', 'n3', 'running', { restarts: 2, since: '2026-12-07T14:03:05.000Z', failover: { from: 'n2', lostAt: '2026-12-07T14:03:04.000Z', predicted: 'n3' } }),
      task('web', 'api-0', 'n1', 'running'),
      task('batch', 'job', '', 'waiting'),
    ]);
    assert.deepEqual(toLiveStateParams(s), {
      cluster: 'dev',
      engine: 'local',
      jobs: [
        { job: 'batch', tasks: [{ task: 'job', node: '', state: 'waiting', restarts: 0 }] },
        {
          job: 'web',
          tasks: [
            { task: 'api-0', node: 'n1', state: 'running', restarts: 0 },
            { task: 'api-1', node: 'n3', state: 'running', since: '2026-12-07T14:03:05.000Z', restarts: 2, movedFrom: 'n2', movedAfter: 'n2' },
          ],
        },
      ],
      nodesDown: ['n2'],
    });
  });
});

describe('LiveStateFeed', () => {
  it('sends a cluster when its state changes, not otherwise; an empty state when it is gone; everything after a reset', () => {
    const feed = new LiveStateFeed();
    const first = status([task('web', 'api', 'n1', 'running')]);
    assert.deepEqual(feed.next([first]).map((p) => p.jobs[0]?.tasks[0]?.node), ['n1']);
    // A new reading with the same placements (live usage changed, say): nothing to send.
    assert.deepEqual(feed.next([{ ...first, tasks: [task('web', 'api', 'n1', 'running', { usage: { cpuPercent: 12, memory: 1 } })] }]), []);
    const moved = status([task('web', 'api', 'n3', 'running')]);
    assert.deepEqual(feed.next([moved]).map((p) => p.jobs[0]?.tasks[0]?.node), ['n3']);
    assert.deepEqual(feed.next([moved]), []);
    // Gone: the empty state, once.
    assert.deepEqual(feed.next([]), [{ cluster: 'dev', engine: 'local', jobs: [], nodesDown: [] }]);
    assert.deepEqual(feed.next([]), []);
    feed.next([moved]);
    // Docker unreachable: every cluster sent before is gone.
    assert.deepEqual(feed.next(undefined), [{ cluster: 'dev', engine: 'local', jobs: [], nodesDown: [] }]);
    feed.next([moved]);
    feed.reset();
    assert.equal(feed.next([moved]).length, 1);
  });
});
