/**
 * Re-check after a small edit (issue 4): a 5,000-task job (one task item per instance) against a
 * 1,000-node cluster file; one character edited inside one task, then `check` with the file's
 * warm parse cache, beside a fresh check of the same edited text (new checker, empty cache; the
 * compiled schemas shared) in the same run. Two edits: one that keeps the text's length (every
 * other item stays where it was) and one that changes it (every later item moves, by one
 * character more or less than at the previous edit). No edit repeats a text.
 * Then the language server's path: `Workspace.check` of the open job after each edit (the text
 * changed outside the timing, as a didChange does), beside the first check of a new Workspace
 * (schemas compiled, cluster and job files parsed).
 *   npx tsc -b && node out/bench/check.bench.js [--quick]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpecChecker, type SpecHost } from '../server/engine/checkSpec';
import { createParseCache } from '../server/engine/spec/parseSpec';
import { createSchemaValidator } from '../server/engine/spec/validateSchema';
import { createNodeFileSystem } from '../server/src/fileSystem';
import { Workspace } from '../server/src/workspace';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { ms, time, timeEach } from './util/timing';

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
// Every variant is a different text (n < 180), and each length-changing one differs in length from
// the one before: cpus 0.10, 0.101, 0.11, 0.103, … (all valid).
const edits = [
  { name: 'same length (sleep 3600 → 3601, 3602, …)', ...editor('sleep 3600', (n) => `sleep ${3601 + n}`, 10) },
  { name: 'length changes (cpus: → 0.10, 0.101, …)  ', ...editor('cpus: ', (n) => `cpus: 0.${n % 2 === 0 ? 10 + n / 2 : 100 + n}, `, job.indexOf(',', job.indexOf('cpus: ', Math.floor(job.length / 2))) + 2 - job.indexOf('cpus: ', Math.floor(job.length / 2))) },
];
const runs = quick ? 9 : 31;
const warmup = 3;
if (runs + warmup >= 180) throw new Error('more runs than distinct edits');

console.log(`job ${spec.tasks.length} tasks (${(job.length / 1024).toFixed(0)} KiB), cluster ${spec.nodes.length} nodes (${(cluster.length / 1024).toFixed(0)} KiB)`);
console.log('checker (createSpecChecker().check with the file\'s parse cache):');
for (const edit of edits) {
  const checker = createSpecChecker(validator);
  const cache = createParseCache();
  checker.check(jobPath, job, host, cache);
  let n = 0;
  const warm = time(() => {
    checker.check(jobPath, edit.at(n++), host, cache);
  }, runs, warmup);
  let m = 0;
  const fresh = time(() => {
    createSpecChecker(validator).check(jobPath, edit.at(m++), host, createParseCache());
  }, quick ? 3 : 5, 1);
  console.log(`  re-check after an edit, ${edit.name}  warm ${ms(warm)}   fresh ${ms(fresh)}   ratio ${(warm / fresh).toFixed(3)}x (goal: warm < 10 ms)`);
}

console.log('server path (Workspace.check of the open job, files on disk):');
const dir = mkdtempSync(join(tmpdir(), 'berth-check-bench-'));
try {
  writeFileSync(join(dir, `${spec.cluster}.cluster.yaml`), cluster);
  const path = join(dir, `${spec.job}.job.yaml`);
  writeFileSync(path, job);
  const log = (message: string): void => {
    throw new Error(message);
  };
  const opened = (): Workspace => {
    const ws = new Workspace(createNodeFileSystem(), log);
    ws.indexFolders([dir]);
    ws.open(path, job, 1);
    return ws;
  };
  for (const edit of edits) {
    const ws = opened();
    if (ws.check(path)?.problems.some((p) => p.severity === 'error')) throw new Error('the job has errors in the workspace');
    const warm = timeEach((i) => ws.change(path, edit.at(i), i + 2), () => void ws.check(path), runs, warmup);
    let fresh: Workspace | undefined;
    const cold = timeEach(
      (i) => {
        fresh = opened();
        fresh.change(path, edit.at(i), 2);
      },
      () => void fresh?.check(path),
      quick ? 3 : 5,
      1,
    );
    console.log(`  Workspace.check after an edit, ${edit.name}  warm ${ms(warm)}   fresh ${ms(cold)}   ratio ${(warm / cold).toFixed(3)}x (goal: warm < 10 ms)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
