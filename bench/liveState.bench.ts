/**
 * The live analysis (berth/liveState): the failover scan of a running 5,000-task job on 1,000
 * nodes from its live placements (every twentieth task elsewhere than planned, one node down),
 * against the baseline measured in the same run: the editor's quick analysis of the same job
 * from scratch (plan and every scenario). The server computes the live plan once per state and
 * plan, when hints, lenses or hover first ask after an edit the allocator reads or a new state, and
 * the scan when lenses or hover first read it.
 *   npx tsc -b && node out/bench/liveState.bench.js [--quick]
 */
import { analyzeCluster } from '../server/engine/analysis/analyzeCluster';
import { createSpecChecker, type SpecHost } from '../server/engine/checkSpec';
import { analyzeLive } from '../server/engine/analysis/liveAnalysis';
import type { LiveStateParams, LiveTask } from '../server/engine/protocol';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { ms, time } from './util/timing';

const quick = process.argv.includes('--quick');
const spec = generateSpec({ seed: 11, nodes: 1000, instances: 5000, singleInstances: true });
const job = jobYaml(spec);
const cluster = clusterYaml(spec);
const host: SpecHost = { readFile: (p) => (p.endsWith(`/${spec.cluster}.cluster.yaml`) ? cluster : undefined) };
const checked = createSpecChecker().check(`/bench/${spec.job}.job.yaml`, job, host);
const target = checked.jobs[0];
if (target?.plannable.kind !== 'plannable' || !target.cluster) throw new Error('the generated job is not plannable');
const clusterSpec = target.cluster.spec;
const jobSpec = target.plannable.spec;

const fresh = analyzeCluster(clusterSpec, [jobSpec], { failover: 'scenarios' });
const names = clusterSpec.nodes.map((n) => n.name);
const down = names[0] ?? '';
const tasks: LiveTask[] = [];
let i = 0;
for (const [id, r] of fresh.plan.tasks) {
  if (r.kind !== 'placed') continue;
  const node = i++ % 20 === 0 ? (names[(names.indexOf(r.node) + 7) % names.length] ?? r.node) : r.node;
  tasks.push({ task: id.slice(id.indexOf('/') + 1), node, state: node === down ? 'lost' : 'running' });
}
const state: LiveStateParams = { cluster: clusterSpec.name, engine: 'local', jobs: [{ job: jobSpec.name, tasks }], nodesDown: [down] };

const runs = quick ? 3 : 7;
const baseline = time(() => void analyzeCluster(clusterSpec, [jobSpec], { failover: 'scenarios' }), runs, 1);
const hints = time(() => void analyzeLive(fresh, state), runs, 1);
const lenses = time(() => void analyzeLive(fresh, state)?.failover.size, runs, 1);
const scenarios = analyzeLive(fresh, state)?.failover.get(jobSpec.name)?.scenarios.length ?? 0;
console.log(`job ${spec.tasks.length} tasks, cluster ${names.length} nodes; live: ${tasks.length} tasks, every 20th moved, ${down} down; ${scenarios} scenarios`);
console.log(`quick analysis from scratch (baseline): ${ms(baseline)} median of ${runs}`);
console.log(`live plan only (what the hints read): ${ms(hints)} median of ${runs}, ratio ${(hints / baseline).toFixed(2)}`);
console.log(`live plan and scan (what the lenses read): ${ms(lenses)} median of ${runs}, ratio ${(lenses / baseline).toFixed(2)}`);
