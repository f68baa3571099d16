/**
 * Spec layer benchmark (issue 2 bar): parse + validate + rules of a generated 5,000-task /
 * 1,000-node spec, as a ratio to `yaml.parseDocument` alone on the same text in the same run.
 *   npx tsc -b && node out/bench/spec.bench.js
 */
import { parseDocument } from 'yaml';
import { createSpecChecker } from '../server/engine/checkSpec';
import { createParseCache } from '../server/engine/spec/parseSpec';
import { createSchemaValidator } from '../server/engine/spec/validateSchema';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { ms, time } from './util/timing';

const spec = generateSpec({ seed: 7, nodes: 1000, instances: 5000, constraints: true });
const cluster = clusterYaml(spec);
const job = jobYaml(spec);
const host = { readFile: (p: string) => (p.endsWith('.cluster.yaml') ? cluster : undefined) };
const jobPath = `/bench/${spec.job}.job.yaml`;

// Sanity: the generated spec is valid, so the timed path does the full work.
const first = createSpecChecker().check(jobPath, job, host);
const errors = first.problems.filter((p) => p.severity === 'error');
if (errors.length > 0 || !first.jobs[0]?.cluster?.ok) throw new Error(`generated spec has errors: ${JSON.stringify(errors.slice(0, 3))}`);

const baseline = time(() => {
  parseDocument(job);
  parseDocument(cluster);
}, 5, 1);
// Cold: nothing cached (a new checker per run shares only the compiled schemas, as one process does).
const validator = createSchemaValidator();
const cold = time(() => {
  createSpecChecker(validator).check(jobPath, job, host);
}, 5, 1);
const compile = time(() => createSchemaValidator(), 3, 1);

// Warm: the editor's case, one task edited, the parse cache holding the others.
const checker = createSpecChecker();
const cache = createParseCache();
checker.check(jobPath, job, host, cache);
let flip = false;
const warm = time(() => {
  flip = !flip;
  checker.check(jobPath, job.replace('sleep 3600', flip ? 'sleep 3601' : 'sleep 3600'), host, cache);
}, 9, 2);

console.log(`spec: ${spec.tasks.length} task entries (${spec.tasks.reduce((n, t) => n + t.instances, 0)} instances), ${spec.nodes.length} nodes; job ${(job.length / 1024).toFixed(0)} KiB, cluster ${(cluster.length / 1024).toFixed(0)} KiB`);
console.log(`yaml.parseDocument (job + cluster), baseline   ${ms(baseline)}`);
console.log(`berth parse + validate + rules, cold           ${ms(cold)}   ratio ${(cold / baseline).toFixed(2)}x (goal <= 1.3x)`);
console.log(`  (once per process: compiling both schemas      ${ms(compile)})`);
console.log(`berth re-check after a one-task edit (cached)  ${ms(warm)}   ratio ${(warm / baseline).toFixed(2)}x`);
