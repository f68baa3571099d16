/**
 * Re-check after a small edit (issue 4): a 5,000-task job (one task item per instance) against a
 * 1,000-node cluster file; one character edited inside one task, then `check` with the file's
 * warm parse cache, beside a fresh check of the same edited text (new checker, empty cache; the
 * compiled schemas shared) in the same run. Two edits: one that keeps the text's length (every
 * other item stays where it was) and one that changes it (every later item moves).
 *   npx tsc -b && node out/bench/check.bench.js [--quick]
 */
import { createSpecChecker, type SpecHost } from '../server/engine/checkSpec';
import { createParseCache } from '../server/engine/parseSpec';
import { createSchemaValidator } from '../server/engine/validateSchema';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { ms, time } from './util/timing';

const quick = process.argv.includes('--quick');
const spec = generateSpec({ seed: 11, nodes: 1000, instances: 5000, singleInstances: true });
const job = jobYaml(spec);
const cluster = clusterYaml(spec);
const host: SpecHost = { readFile: (p) => (p.endsWith(`/${spec.cluster}.cluster.yaml`) ? cluster : undefined) };
const jobPath = `/bench/${spec.job}.job.yaml`;
const validator = createSchemaValidator();

const first = createSpecChecker(validator).check(jobPath, job, host);
const errors = first.problems.filter((p) => p.severity === 'error');
if (errors.length > 0 || !first.jobs[0]?.cluster?.ok) throw new Error(`generated spec has errors: ${JSON.stringify(errors.slice(0, 3))}`);

/** Text with the `n`th variant of an edit at `at` (the `length` characters there replaced). */
function editor(what: string, variants: (n: number) => string, length: number): { what: string; at: (n: number) => string } {
  const at = job.indexOf(what, Math.floor(job.length / 2));
  if (at < 0) throw new Error(`no ${what} in the job`);
  return { what, at: (n) => job.slice(0, at) + variants(n) + job.slice(at + length) };
}
const edits = [
  { name: 'same length (sleep 3600 → 3601)', ...editor('sleep 3600', (n) => `sleep ${3600 + (n % 50)}`, 10) },
  { name: 'length changes (cpus: 1 → 12)   ', ...editor('cpus: ', (n) => `cpus: ${n % 2 === 0 ? '1' : '12'}`, 6) },
];

console.log(`job ${spec.tasks.length} tasks (${(job.length / 1024).toFixed(0)} KiB), cluster ${spec.nodes.length} nodes (${(cluster.length / 1024).toFixed(0)} KiB)`);
for (const edit of edits) {
  const checker = createSpecChecker(validator);
  const cache = createParseCache();
  checker.check(jobPath, job, host, cache);
  let n = 0;
  const warm = time(() => {
    checker.check(jobPath, edit.at(++n), host, cache);
  }, quick ? 9 : 31, 3);
  let m = 0;
  const fresh = time(() => {
    createSpecChecker(validator).check(jobPath, edit.at(++m), host, createParseCache());
  }, quick ? 3 : 5, 1);
  console.log(`re-check after an edit, ${edit.name}  warm ${ms(warm)}   fresh ${ms(fresh)}   ratio ${(warm / fresh).toFixed(3)}x (goal: warm < 10 ms)`);
}
