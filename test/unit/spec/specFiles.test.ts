/** walkSpecFiles, stopped between any two entries and resumed, finds what findSpecFiles finds (the same limit cut too). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSpecFiles, walkSpecFiles, type DirectoryReader } from '../../../server/engine/spec/specFiles';

/** A tree of folders and files in memory; `listed` counts directory listings. */
function treeReader(files: Record<string, string>): DirectoryReader & { listed: number } {
  const reader = {
    listed: 0,
    list(dir: string) {
      reader.listed++;
      const prefix = `${dir}/`;
      const names = new Map<string, 'file' | 'directory'>();
      for (const p of Object.keys(files)) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
      }
      return [...names].map(([name, kind]) => ({ name, kind }));
    },
    readFile: (p: string) => files[p],
  };
  return reader;
}

const files: Record<string, string> = {
  '/ws/b/x.job.yaml': '',
  '/ws/a/y.cluster.yml': '',
  '/ws/a/deep/z.job.yaml': '',
  '/ws/a/plain.yaml': 'apiVersion: berth/v1\nkind: Job\n',
  '/ws/a/other.yaml': 'kind: Deployment\n',
  '/ws/node_modules/n.job.yaml': '',
  '/ws/.hidden/h.job.yaml': '',
  '/ws/c.job.yaml': '',
  '/ws/d/readme.md': '',
};

test('one entry per step gives the files of one whole walk', () => {
  const whole = findSpecFiles('/ws', treeReader(files));
  assert.deepEqual(whole, ['/ws/a/deep/z.job.yaml', '/ws/a/plain.yaml', '/ws/a/y.cluster.yml', '/ws/b/x.job.yaml', '/ws/c.job.yaml']);
  for (const limit of [1, 2, 3, 5_000]) {
    const reader = treeReader(files);
    const walk = walkSpecFiles('/ws', reader, limit);
    let steps = 0;
    // Each step lets one entry through, then stops.
    for (let done = false; !done; steps++) {
      let budget = 1;
      done = walk.step(() => budget-- > 0);
      assert.ok(steps < 100, 'the walk never ended');
    }
    assert.deepEqual(walk.found, findSpecFiles('/ws', treeReader(files), limit), `limit ${limit}`);
    if (limit === 5_000) assert.ok(steps > 10, `${steps} steps`);
  }
});

test('a walk lists nothing until its first step, and a done walk stays done', () => {
  const reader = treeReader(files);
  const walk = walkSpecFiles('/ws', reader);
  assert.equal(reader.listed, 0);
  assert.equal(walk.step(() => false), false);
  assert.equal(reader.listed, 0);
  assert.equal(walk.step(() => true), true);
  const listed = reader.listed;
  assert.equal(walk.step(() => true), true);
  assert.equal(reader.listed, listed);
});
