/**
 * Packing quality (issue bar): on small random instances (≤ 10 tasks, ≤ 5 nodes, equal
 * priorities) binpack places within 3% of the exact optimum in all, and never fewer than plain
 * first-fit-decreasing; both checked against code written here (optimum.ts, ffd.ts).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { allocate, type AllocationInput } from '../../../server/engine/alloc';
import { firstFitDecreasing } from './ffd';
import { job, node, task } from './fixtures';
import { optimumPlaced } from './optimum';

const instanceArb: fc.Arbitrary<AllocationInput> = fc
  .record({
    nodes: fc.array(fc.record({ cpus: fc.integer({ min: 2, max: 8 }), mem: fc.integer({ min: 2, max: 16 }), disk: fc.integer({ min: 2, max: 16 }) }), { minLength: 1, maxLength: 5 }),
    tasks: fc.array(fc.record({ cpus: fc.integer({ min: 5, max: 40 }), mem: fc.integer({ min: 4, max: 64 }), disk: fc.integer({ min: 4, max: 64 }) }), { minLength: 1, maxLength: 10 }),
  })
  .map(({ nodes, tasks }) => ({
    nodes: nodes.map((n, i) => node(`n${i}`, n.cpus, n.mem * 1024, n.disk * 1024)),
    // Task sizes in tenths of a core and of 1 GiB... 6.4 GiB: demand about 0.8–1.6 × capacity.
    jobs: [job('q', tasks.map((t, k) => task('q', `t${k}`, t.cpus / 10, Math.round((t.mem / 10) * 1024), Math.round((t.disk / 10) * 1024))))],
  }));

it('binpack places within 3% of the exact optimum on small instances, and never fewer than FFD', () => {
  const samples = fc.sample(instanceArb, { numRuns: 300, seed: 7 });
  let placed = 0;
  let optimum = 0;
  for (const input of samples) {
    const plan = allocate(input);
    const got = [...plan.tasks.values()].filter((r) => r.kind === 'placed').length;
    const best = optimumPlaced(input);
    const ffd = firstFitDecreasing(input).placed;
    assert.ok(got <= best, `placed ${got}, more than the optimum ${best}: the optimum search is wrong`);
    assert.ok(got >= ffd, `binpack placed ${got}, FFD ${ffd}: ${JSON.stringify(input.jobs[0]?.tasks.map((t) => t.resources))}`);
    placed += got;
    optimum += best;
  }
  assert.ok(placed / optimum >= 0.97, `binpack placed ${placed} of an optimum ${optimum} (${((100 * placed) / optimum).toFixed(1)}%)`);
});
