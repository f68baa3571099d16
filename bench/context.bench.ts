/**
 * Compiling the allocator's input (createContext) after an edit, as the language server does it:
 * the LSP benchmark's instance (5,000 single-instance tasks on 1,000 nodes, through the spec checker
 * and analyzeCluster), then one task's cpus changed (a new value every time, never repeated) with
 * the cluster's `nodes` array the previous call's: "warm". Beside it, in the same run, the same
 * edits with a fresh copy of every node and task: "fresh" (nothing reusable from a previous call).
 * Then the whole way the server goes: the edit made in the job's text, checked with the file's parse
 * cache (the cluster file unchanged, so the same nodes array), and every instance rebuilt from the
 * task specs as analyzeCluster's toInput does (only the specs the incremental check kept are shared).
 *   npx tsc -b && node out/bench/context.bench.js [--quick]
 */
import { performance } from 'node:perf_hooks';
import { createContext, type AllocationInput } from '../server/engine/alloc';
import { analyzeCluster } from '../server/engine/analysis/analyzeCluster';
import { createSpecChecker, type SpecHost } from '../server/engine/checkSpec';
import { taskInstances, type JobSpec, type TaskInstance } from '../server/engine/model';
import { createParseCache } from '../server/engine/spec/parseSpec';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { median, ms, percentile } from './util/timing';

const quick = process.argv.includes('--quick');
const spec = generateSpec({ seed: 11, nodes: 1000, instances: 5000, singleInstances: true });
const cluster = clusterYaml(spec);
const host: SpecHost = { readFile: (p) => (p.endsWith(`/${spec.cluster}.cluster.yaml`) ? cluster : undefined) };
const jobPath = `/bench/${spec.job}.job.yaml`;
const jobText = jobYaml(spec);
const checked = createSpecChecker().check(jobPath, jobText, host);
const jobSpec = checked.jobs[0];
const clusterSpec = jobSpec?.cluster;
if (!jobSpec || !clusterSpec?.ok) throw new Error('generated spec does not check');
const base = analyzeCluster(clusterSpec.spec, [jobSpec.spec], { failover: false }).input;
const job = base.jobs[0];
const edited = Math.floor(job.tasks.length / 2);

/** The input after the `n`th edit: task `edited` with cpus 100 + n, every other task the same object (as toInput keeps them). */
function editAt(n: number, fresh: boolean): AllocationInput {
  const copy = (t: TaskInstance): TaskInstance => (fresh ? { ...t, resources: { ...t.resources }, ports: { ...t.ports } } : t);
  const tasks = job.tasks.map((t, i) => (i === edited ? { ...t, resources: { ...t.resources, cpus: 100 + n } } : copy(t)));
  const nodes = fresh ? base.nodes.map((node) => ({ ...node, resources: { ...node.resources }, attributes: { ...node.attributes } })) : base.nodes;
  return { nodes, jobs: [{ ...job, tasks }] };
}

const runs = quick ? 15 : 51;
let n = 0;
// Inputs are built outside the timed calls; each timed call compiles one edit. Warm and fresh
// calls alternate, so that whatever else the machine does weighs on both alike.
const inputs = Array.from({ length: runs + 5 }, () => ({ warm: editAt(++n, false), fresh: editAt(++n, true) }));
createContext(base);
const warm: number[] = [];
const fresh: number[] = [];
inputs.forEach((pair, i) => {
  let t0 = performance.now();
  createContext(pair.warm);
  const w = performance.now() - t0;
  t0 = performance.now();
  createContext(pair.fresh);
  const f = performance.now() - t0;
  if (i < 5) return; // warm-up
  warm.push(w);
  fresh.push(f);
});
const tw = median(warm);
const tf = median(fresh);
console.log(`${job.tasks.length} tasks / ${base.nodes.length} nodes, createContext after a one-task cpus edit (median of ${runs})`);
console.log(`warm (same nodes array) ${ms(tw)} (p90 ${ms(percentile(warm, 90))})   fresh (new nodes and tasks) ${ms(tf)}   ratio ${(tw / tf).toFixed(3)}x (goal: warm < 4 ms)`);

// The server's way: text edit → memoised check → instances rebuilt from the specs (as toInput).
{
  const at = jobText.indexOf('cpus: ', Math.floor(jobText.length / 2)) + 'cpus: '.length;
  const end = jobText.indexOf(',', at);
  const checker = createSpecChecker();
  const cache = createParseCache();
  checker.check(jobPath, jobText, host, cache);
  const toInput = (job: JobSpec, cluster: { readonly nodes: AllocationInput['nodes'] }): AllocationInput => ({
    nodes: cluster.nodes,
    jobs: [{ name: job.name, strategy: job.strategy, preemption: job.preemption, tasks: job.tasks.flatMap((t) => taskInstances(job.name, t)) }],
  });
  const edits = Array.from({ length: runs + 5 }, (_, i) => {
    const file = checker.check(jobPath, `${jobText.slice(0, at)}0.${String(101 + i)}${jobText.slice(end)}`, host, cache);
    const j = file.jobs[0];
    if (!j?.cluster?.ok) throw new Error('edited spec does not check');
    return toInput(j.spec, j.cluster.spec);
  });
  if (edits[1].nodes !== edits[0].nodes) throw new Error('the check did not keep the cluster');
  const times: number[] = [];
  edits.forEach((input, i) => {
    const t0 = performance.now();
    createContext(input);
    if (i >= 5) times.push(performance.now() - t0);
  });
  console.log(`through the checker (cpus edited in the text, instances rebuilt from the specs): warm ${ms(median(times))} (p90 ${ms(percentile(times, 90))})`);
}
