/**
 * Packing quality (issue bar): on small random instances (≤ 10 tasks, ≤ 5 nodes, equal
 * priorities) binpack places within 3% of the exact optimum in all, and never fewer than plain
 * first-fit-decreasing; on larger instances with mixed node sizes it never uses more nodes than
 * FFD. Both checked against code written here (optimum.ts, ffd.ts).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { sampleArbitrary } from '../../testSeed';
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
  const samples = sampleArbitrary(instanceArb, 300, 7);
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

/**
 * Mixed node sizes (4, 8 and 16 cores) and many small tasks at about 40–70% of the capacity: best
 * fit alone opens the smallest empty node each time and ends on more nodes than FFD (which opens
 * nodes in name order); the node swap at the end of binpack (repack.ts) must make up for it.
 */
const SIZES = [
  { cpus: 4, mem: 16 * 1024, disk: 200 * 1024 },
  { cpus: 8, mem: 32 * 1024, disk: 400 * 1024 },
  { cpus: 16, mem: 64 * 1024, disk: 800 * 1024 },
];
const mixedArb: fc.Arbitrary<AllocationInput> = fc
  .record({
    sizes: fc.array(fc.constantFrom(0, 1, 2), { minLength: 30, maxLength: 60 }),
    tasks: fc.array(fc.record({ cpus: fc.constantFrom(250, 500, 1000, 2000, 4000), mem: fc.constantFrom(256, 1024, 2048, 4096, 8192), disk: fc.constantFrom(1, 5, 10) }), { minLength: 200, maxLength: 400 }),
    load: fc.integer({ min: 40, max: 70 }),
  })
  .map(({ sizes, tasks, load }) => {
    const nodes = sizes.map((s, i) => node(`n${String(i).padStart(2, '0')}`, SIZES[s].cpus, SIZES[s].mem, SIZES[s].disk));
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    const cpuScale = ((load / 100) * sum(nodes.map((n) => n.resources.cpus))) / sum(tasks.map((t) => t.cpus));
    const memScale = ((load / 100) * sum(nodes.map((n) => n.resources.mem))) / sum(tasks.map((t) => t.mem));
    const instances = tasks.map((t, k) => task('m', `t${k}`, Math.max(10, Math.round((t.cpus * cpuScale) / 10) * 10) / 1000, Math.max(16, Math.round((t.mem * memScale) / 16) * 16), t.disk * 1024));
    return { nodes, jobs: [job('m', instances)] };
  });

it('binpack never uses more nodes than FFD on mixed node sizes at 40–70% load, and places as many', () => {
  for (const input of sampleArbitrary(mixedArb, 20, 3)) {
    const plan = allocate(input);
    const results = [...plan.tasks.values()];
    const placed = results.filter((r) => r.kind === 'placed').length;
    const used = new Set(results.flatMap((r) => (r.kind === 'placed' ? [r.node] : []))).size;
    const ffd = firstFitDecreasing(input);
    assert.ok(placed >= ffd.placed, `binpack placed ${placed}, FFD ${ffd.placed}`);
    assert.ok(used <= ffd.nodesUsed, `binpack used ${used} nodes, FFD ${ffd.nodesUsed} (${input.nodes.length} nodes, ${results.length} tasks)`);
  }
});
