/** The live state's reading of untrusted params and the words the editor shows for it (liveState.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { driftText, formatSince, isEmptyLiveState, liveLine, toLiveState } from '../../server/engine/analysis/liveState';

describe('driftText', () => {
  it('says where a task runs, its state, where it was planned and why it moved', () => {
    assert.equal(driftText('node2', { task: 'api', node: 'node3', state: 'running', movedFrom: 'node2', movedAfter: 'node2' }), '→ node3 · running (planned node2; moved after node2 failed)');
    assert.equal(driftText('node2', { task: 'api', node: 'node3', state: 'running', movedFrom: 'node1' }), '→ node3 · running (planned node2; moved from node1)');
    assert.equal(driftText('node2', { task: 'api', node: 'node3', state: 'starting' }), '→ node3 · starting (planned node2)');
    assert.equal(driftText(undefined, { task: 'api', node: 'node3', state: 'running' }), '→ node3 · running (planned no node)');
  });
  it('a waiting task drifts from any plan; a task where planned does not', () => {
    assert.equal(driftText('node2', { task: 'api', node: '', state: 'waiting', movedAfter: 'node2' }), '→ no node · waiting (planned node2; node2 failed)');
    assert.equal(driftText(undefined, { task: 'api', node: '', state: 'waiting' }), '→ no node · waiting (planned no node)');
    assert.equal(driftText('node2', { task: 'api', node: 'node2', state: 'running', movedAfter: 'node1' }), undefined);
  });
});

describe('liveLine and formatSince', () => {
  it('where, since when, restarts, against the plan', () => {
    assert.equal(liveLine('n2', { task: 'b', node: 'n3', state: 'running', since: '2026-12-07T14:03:05.5Z', restarts: 1, movedAfter: 'n2' }), 'runs on n3 · running since 2026-12-07 14:03:05 UTC · 1 restart · planned n2; moved after n2 failed');
    assert.equal(liveLine('n3', { task: 'b', node: 'n3', state: 'running', restarts: 0 }), 'runs on n3 · running · 0 restarts · as planned');
    assert.equal(liveLine('n3', { task: 'b', node: '', state: 'waiting' }), 'waits for a node · waiting · planned n3');
  });
  it('UTC times read as such; others keep their offset', () => {
    assert.equal(formatSince('2026-12-07T14:03Z'), '2026-12-07 14:03 UTC');
    assert.equal(formatSince('2026-12-07T14:03:05+01:00'), '2026-12-07 14:03:05+01:00');
  });
});

describe('toLiveState', () => {
  it('keeps a well-formed state as it is, with nodes down sorted and once', () => {
    const params = { cluster: 'dev', engine: 'swarm', jobs: [{ job: 'web', tasks: [{ task: 'api-0', node: 'n1', state: 'running', since: '2026-12-07T14:03:05Z', restarts: 2, movedFrom: 'n2', movedAfter: 'n2' }] }], nodesDown: ['n2', 'n0', 'n2'] };
    assert.deepEqual(toLiveState(params), { kind: 'state', dropped: 0, state: { ...params, nodesDown: ['n0', 'n2'] } });
  });
  it('params without a cluster name are invalid, with the reason', () => {
    assert.deepEqual(toLiveState(null), { kind: 'invalid', reason: 'the params are not an object' });
    assert.deepEqual(toLiveState([]), { kind: 'invalid', reason: 'the params are not an object' });
    assert.equal(toLiveState({ cluster: 3 }).kind, 'invalid');
    assert.equal(toLiveState({ cluster: '' }).kind, 'invalid');
    assert.equal(toLiveState({ cluster: 'x'.repeat(257) }).kind, 'invalid');
  });
  it('drops malformed entries and counts them; bad optional fields are left out', () => {
    const read = toLiveState({
      cluster: 'dev',
      engine: 'moon',
      jobs: [null, { job: 'web', tasks: [{ task: 'a', node: 'n1', state: 'running', since: 'yesterday', restarts: -1, movedAfter: 4 }, { task: 'a', node: 'n2', state: 'running' }, { task: 'b' }, 5] }, { job: 'web', tasks: [] }],
      nodesDown: 'n1',
    });
    assert.deepEqual(read, { kind: 'state', dropped: 5, state: { cluster: 'dev', engine: 'local', jobs: [{ job: 'web', tasks: [{ task: 'a', node: 'n1', state: 'running' }] }], nodesDown: [] } });
  });
  it('an empty state (no jobs, no node down) means the cluster is gone', () => {
    const read = toLiveState({ cluster: 'dev' });
    assert.ok(read.kind === 'state' && isEmptyLiveState(read.state));
  });
});
