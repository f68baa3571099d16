/**
 * Failover warnings stay readable and bounded on a large job: a failure domain is named by its size
 * past a few nodes, and past FAILOVER_WARNINGS_PER_JOB stranded tasks one warning counts the rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCluster } from '../../../server/engine/analysis/analyzeCluster';
import { createSpecChecker } from '../../../server/engine/checkSpec';
import { FAILOVER_WARNINGS_PER_JOB, jobPlacementProblems } from '../../../server/engine/analysis/placementProblems';

function check(job: string, cluster: string) {
  const checked = createSpecChecker().check('/ws/big.job.yaml', job, { readFile: (p) => (p === '/ws/big.cluster.yaml' ? cluster : undefined) });
  const j = checked.jobs[0];
  assert.ok(j?.ok && j.cluster?.ok, JSON.stringify(checked.problems.slice(0, 3)));
  return { spec: j.spec, cluster: j.cluster.spec, text: job };
}

// Zone a: four roomy nodes; zone b: one small one. Losing zone a strands nearly every task.
const cluster = `apiVersion: berth/v1
kind: Cluster
name: big
nodes:
${[1, 2, 3, 4].map((i) => `  - name: a${i}\n    resources: { cpus: 64, mem: 64Gi }\n    attributes: { zone: a }\n`).join('')}  - name: b1
    resources: { cpus: 2, mem: 2Gi }
    attributes: { zone: b }
`;

function job(tasks: number): string {
  const list = Array.from({ length: tasks }, (_, i) => `  - name: t${i}\n    resources: { cpus: 1, mem: 512Mi }\n`).join('');
  return `apiVersion: berth/v1\nkind: Job\nname: big\ncluster: ./big.cluster.yaml\nfailover: { tolerate: 0, domains: [zone] }\ntasks:\n${list}`;
}

test('a failure domain of many nodes is named by its size, and the warning reads "fails"', () => {
  const { spec, cluster: c } = check(job(10), cluster);
  const problems = jobPlacementProblems(analyzeCluster(c, [spec]), spec);
  const first = problems.find((p) => p.code === 'failover/no-capacity');
  assert.ok(first, JSON.stringify(problems));
  assert.match(first.message, /^if zone=a \(4 nodes\) fails, /);
});

test('past the cap, one warning on the job counts the stranded tasks not warned about', () => {
  const tasks = FAILOVER_WARNINGS_PER_JOB + 30;
  const { spec, cluster: c, text } = check(job(tasks), cluster);
  const problems = jobPlacementProblems(analyzeCluster(c, [spec]), spec).filter((p) => p.code === 'failover/no-capacity');
  assert.equal(problems.length, FAILOVER_WARNINGS_PER_JOB + 1);
  const summary = problems[problems.length - 1];
  assert.ok(summary);
  assert.equal(text.slice(summary.span.start, summary.span.end), 'big');
  // Zone b keeps room for 2 of the tasks (2 cpus); the others are stranded.
  const stranded = tasks - 2;
  assert.match(summary.message, new RegExp(`^${stranded - FAILOVER_WARNINGS_PER_JOB} more tasks of job big are left without a node`));
});
