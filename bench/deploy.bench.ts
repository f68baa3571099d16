/**
 * Cluster bars (issue 6): deploying 50 tasks on 5 nodes with Berth against the same containers
 * started one by one with the docker CLI in the same run (ratio below 1 is the goal), and one stats
 * refresh of the 55 containers (goal under 1 s). Needs a Docker engine.
 *   npx tsc -b && node out/bench/deploy.bench.js [--runs N] [--quick]   (or npm run bench -- --docker)
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createStatsReader, deploy, down, LABEL, nodeContainerName, startStatsSampler, up } from '../client/cluster';
import { analyzeCluster } from '../server/engine/analysis/analyzeCluster';
import { getEngine, specsFrom, uniqueName } from '../test/docker/harness';
import { median } from './util/timing';

const run = promisify(execFile);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : process.argv.includes('--quick') ? 1 : 3;

const clusterYaml = (name: string, image: string): string =>
  `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\ndefaults: { image: ${image} }\nnodes:\n${[1, 2, 3, 4, 5].map((i) => `  - { name: n${i}, resources: { cpus: 2, mem: 4Gi, disk: 10Gi } }`).join('\n')}\n`;
const JOB = `apiVersion: berth/v1
kind: Job
name: fleet
cluster: ./t.cluster.yaml
strategy: spread
tasks:
  - name: w
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.1, mem: 32Mi }
    instances: 50
`;

async function removeTasks(cluster: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${LABEL.cluster}=${cluster}`, '--filter', `label=${LABEL.role}=task`]);
  const ids = stdout.split('\n').filter((x) => x !== '');
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]);
}

async function main(): Promise<void> {
  const env = await getEngine();
  if (typeof env === 'string') throw new Error(env);
  const { docker, image } = env;
  const name = uniqueName('bdep');
  const specs = specsFrom(clusterYaml(name, image), JOB);
  const job = specs.jobs[0];
  if (!job) throw new Error('no job');
  const plan = analyzeCluster(specs.cluster, [job], { failover: false }).plan;
  try {
    await up(docker, specs.cluster);
    const berth: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      const result = await deploy(docker, specs.cluster, job);
      berth.push(performance.now() - t0);
      if (result.tasks.filter((t) => t.action === 'started').length !== 50) throw new Error('berth did not start 50 tasks');
      await removeTasks(name);
      // The baseline: the same containers (namespaces, limits, labels), one `docker run` at a time.
      t0 = performance.now();
      for (const [id, r] of plan.tasks) {
        if (r.kind !== 'placed') continue;
        const node = nodeContainerName(name, r.node);
        const instance = id.split('/')[1] ?? id;
        await run('docker', [
          'run', '-d', '--name', `${name}-cli-${instance}`,
          '--pid', `container:${node}`, '--network', `container:${node}`,
          '--cpus', '0.1', '--memory', '32m',
          '--label', `${LABEL.cluster}=${name}`, '--label', `${LABEL.role}=task`, '--label', `${LABEL.node}=${r.node}`,
          '--label', `${LABEL.job}=fleet`, '--label', `${LABEL.task}=${instance}`,
          image, 'sh', '-c', 'while true; do sleep 1; done',
        ]);
      }
      cli.push(performance.now() - t0);
      await removeTasks(name);
    }
    await deploy(docker, specs.cluster, job);
    const reader = createStatsReader(docker, name);
    const stats: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const s = await reader.sample();
      stats.push(performance.now() - t0);
      count = s.containers.size;
    }
    // The view's sampler: streams open while it runs; a refresh reads them.
    const t1 = performance.now();
    let firstFull = NaN;
    const sampler = startStatsSampler(docker, name, 250, (snap) => {
      if (Number.isNaN(firstFull) && snap.containers.size >= count) firstFull = performance.now() - t1;
    }, (err) => console.error(err));
    const deadline = Date.now() + 10_000;
    while (Number.isNaN(firstFull) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const t2 = performance.now();
    const snap = sampler.snapshot();
    const refresh = performance.now() - t2;
    sampler.stop();
    const b = median(berth);
    const c = median(cli);
    console.log(`deploy 50 tasks on 5 nodes (median of ${RUNS}): berth ${(b / 1000).toFixed(2)} s, docker CLI one by one ${(c / 1000).toFixed(2)} s, ratio ${(b / c).toFixed(2)} (goal < 1)`);
    console.log(`  berth runs: ${berth.map((x) => (x / 1000).toFixed(2)).join(', ')} s; CLI runs: ${cli.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);
    console.log(`stats of ${count} containers, one-shot sweep (berth status): median ${median(stats).toFixed(0)} ms, max ${Math.max(...stats).toFixed(0)} ms (goal < 1000 ms)`);
    console.log(`stats sampler (the tree): first full sample of ${snap.containers.size} containers after ${firstFull.toFixed(0)} ms, then each refresh ${refresh.toFixed(2)} ms (values at most one daemon tick, ~1 s, old)`);
  } finally {
    await down(docker, name);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
