/**
 * Allocator benchmark (issue 3 bars, and the allocator's share of issue 4's edit): speed beside a
 * plain first-fit-decreasing baseline run on the same instance in the same process, and packing
 * quality against FFD, the exact optimum (small instances) and the per-dimension lower bound
 * (large ones).
 *   npx tsc -b && node out/bench/alloc.bench.js [--quick]
 */
import { allocate, planAndSimulate, simulateFailover, type AllocationInput, type Plan } from '../server/engine/alloc';
import { optimumPlaced } from '../test/unit/alloc/optimum';
import { firstFitDecreasing, firstFitFailover } from './util/ffd';
import { createRandom, generateSpec, smallInstance, toAllocationInput } from './util/generate';
import { time } from './util/timing';

const quick = process.argv.includes('--quick');

function placedOf(plan: Plan): number {
  let n = 0;
  for (const r of plan.tasks.values()) if (r.kind === 'placed') n++;
  return n;
}

function nodesUsedOf(plan: Plan): number {
  const used = new Set<string>();
  for (const r of plan.tasks.values()) if (r.kind === 'placed') used.add(r.node);
  return used.size;
}

/** Per-dimension lower bound: fewest nodes (largest first) whose capacity covers the placed demand. */
function lowerBound(input: AllocationInput, plan: Plan): number {
  const placed = input.jobs.flatMap((j) => j.tasks).filter((t) => plan.tasks.get(t.id)?.kind === 'placed');
  let lb = 0;
  for (const key of ['cpus', 'mem', 'disk'] as const) {
    const demand = placed.reduce((s, t) => s + t.resources[key], 0);
    const caps = input.nodes.map((n) => n.resources[key]).sort((a, b) => b - a);
    let k = 0;
    let sum = 0;
    while (sum < demand && k < caps.length) sum += caps[k++];
    lb = Math.max(lb, k);
  }
  return lb;
}

const rows: [string, string, string, string][] = [];
const row = (what: string, berth: string, baseline: string, ratio: string): void => {
  rows.push([what, berth, baseline, ratio]);
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

// 1. Speed: 10,000 tasks on 1,000 nodes (mixed sizes, a few constraints and dependencies).
{
  const input = toAllocationInput(generateSpec({ seed: 42, nodes: 1000, instances: 10000 }));
  let plan = allocate(input);
  // A new nodes array each time: the compiled node tables are kept per array (compiledInput.ts), and a
  // plan of an input seen before is not what this row measures.
  const tPlan = time(() => (plan = allocate({ ...input, nodes: [...input.nodes] })));
  let ffd = firstFitDecreasing(input);
  const tFfd = time(() => (ffd = firstFitDecreasing(input)));
  row(`plan 10k tasks / 1k nodes (placed ${placedOf(plan)}, FFD ${ffd.placed})`, ms(tPlan), ms(tFfd), `${(tPlan / tFfd).toFixed(2)}×`);
  let safe = false;
  let scenarios = 0;
  const tFail = time(() => {
    const r = simulateFailover(input, plan, { tolerate: 1, domains: [], suggest: false });
    safe = r.safe;
    scenarios = r.scenarios.length;
  }, quick ? 3 : 7, 1);
  const tFfdFail = time(() => firstFitFailover(input, ffd.assignment), quick ? 3 : 7, 1);
  row(`failover: ${scenarios} single-node scenarios (safe: ${safe})`, ms(tFail), ms(tFfdFail), `${(tFail / tFfdFail).toFixed(2)}×`);
}

// 1b. What the language server computes on an edit that changes resources (issue 4): the plan and
// the single-node failover scan of the LSP benchmark's instance, as analyzeCluster(..., { failover:
// 'nodes' }) computes them; beside FFD and its first-fit failover scan.
{
  const input = toAllocationInput(generateSpec({ seed: 11, nodes: 1000, instances: 5000, singleInstances: true }));
  let safe = false;
  const tBerth = time(() => {
    safe = planAndSimulate({ ...input, nodes: [...input.nodes] }, [{ job: 'bench', tolerate: 1, domains: [], suggest: false }]).reports[0].safe;
  });
  const tFfd = time(() => firstFitFailover(input, firstFitDecreasing(input).assignment));
  row(`5000 tasks / 1000 nodes: plan + single-node scan (safe: ${safe})`, ms(tBerth), ms(tFfd), `${(tBerth / tFfd).toFixed(2)}×`);
}

// 1c. Scale (issue 17 item 5): 50,000 tasks on 10,000 nodes, the plan and the single-node scan,
// beside FFD (which places without constraints or priorities) in the same run. The bar, 300 ms,
// was set when FFD took 770 ms here: as a ratio, 0.39× FFD.
{
  const input = toAllocationInput(generateSpec({ seed: 42, nodes: 10000, instances: 50000 }));
  let safe = false;
  const runs = quick ? 2 : 3;
  const tScan = time(() => {
    safe = planAndSimulate({ ...input, nodes: [...input.nodes] }, [{ job: 'bench', tolerate: 1, domains: [], suggest: false }]).reports[0].safe;
  }, runs, 1);
  const tPlan = time(() => allocate({ ...input, nodes: [...input.nodes] }), runs, 1);
  const tFfd = time(() => firstFitDecreasing(input), runs, 1);
  const goal = 300 / 770;
  row(`50k tasks / 10k nodes: plan + single-node scan (safe: ${safe}; goal ${goal.toFixed(2)}× FFD)`, ms(tScan), ms(tFfd), `${(tScan / tFfd).toFixed(2)}× ${tScan / tFfd <= goal ? 'met' : 'NOT met'}`);
  row('50k tasks / 10k nodes: plan alone', ms(tPlan), ms(tFfd), `${(tPlan / tFfd).toFixed(2)}×`);
}

// 2. Quality on small random instances (≤10 tasks, ≤5 nodes, equal priorities, no constraints).
{
  const rnd = createRandom(7);
  const count = quick ? 50 : 200;
  let berth = 0;
  let ffd = 0;
  let worse = 0;
  for (let i = 0; i < count; i++) {
    const input = smallInstance(rnd);
    const opt = optimumPlaced(input);
    const b = placedOf(allocate(input));
    const f = firstFitDecreasing(input).placed;
    berth += opt === 0 ? 1 : b / opt;
    ffd += opt === 0 ? 1 : f / opt;
    if (b < f) worse++;
  }
  row(`small: mean placed / exact optimum (${count} instances)`, pct(berth / count), pct(ffd / count), `binpack < FFD in ${worse}`);
}

// 3. Quality on large random instances (no constraints, equal priorities).
{
  const sizes = quick ? [{ nodes: 100, instances: 1000 }] : [{ nodes: 100, instances: 1000 }, { nodes: 300, instances: 3000 }];
  for (const { nodes, instances } of sizes) {
    for (const load of [1.15, 0.6]) {
      let bPlaced = 0;
      let fPlaced = 0;
      let bNodes = 0;
      let fNodes = 0;
      let lb = 0;
      const seeds = quick ? [1] : [1, 2, 3];
      for (const seed of seeds) {
        const spec = generateSpec({ seed, nodes, instances, load, constraints: false });
        const input = toAllocationInput({ ...spec, tasks: spec.tasks.map((t) => ({ ...t, priority: 100 })) });
        const plan = allocate(input);
        const ffd = firstFitDecreasing(input);
        bPlaced += placedOf(plan);
        fPlaced += ffd.placed;
        bNodes += nodesUsedOf(plan);
        fNodes += ffd.nodesUsed;
        lb += lowerBound(input, plan);
      }
      const label = `large ${instances} tasks / ${nodes} nodes, load ${load} (${seeds.length} seeds)`;
      if (load > 1) row(`${label}: placed`, String(bPlaced), String(fPlaced), `${(bPlaced / fPlaced).toFixed(4)}×`);
      else {
        row(`${label}: nodes used`, String(bNodes), String(fNodes), `${(bNodes / fNodes).toFixed(3)}×`);
        row(`${label}: nodes used / lower bound`, (bNodes / lb).toFixed(3), (fNodes / lb).toFixed(3), `LB ${lb}`);
      }
    }
  }
}

const header: [string, string, string, string] = ['measure', 'berth', 'FFD', 'ratio'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r: readonly string[]): string => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
