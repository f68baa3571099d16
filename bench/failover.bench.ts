/**
 * Failover bar (issue 6): from `docker stop` of a node to every re-placeable task of it running on
 * another node, with the controller in this process; repeated runs, p50 and max (goal < 2 s).
 * Baseline in the same run: the time `docker stop` itself takes. Needs a Docker engine.
 *   npx tsc -b && node out/bench/failover.bench.js [--runs N] [--quick]   (or npm run bench -- --docker)
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { deploy, down, nodeContainerName, readCluster, startController, startNode, up } from '../client/cluster';
import { scenarioByAllocate } from '../server/engine/alloc/failover';
import { analyzeCluster } from '../server/engine/analysis/analyzeCluster';
import { getEngine, specsFrom, uniqueName, waitFor } from '../test/docker/harness';
import { median, percentile } from './util/timing';

const run = promisify(execFile);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : process.argv.includes('--quick') ? 3 : 10;

const clusterYaml = (name: string, image: string): string =>
  `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\ndefaults: { image: ${image} }\nnodes:\n${[1, 2, 3, 4, 5].map((i) => `  - { name: n${i}, resources: { cpus: 2, mem: 4Gi, disk: 10Gi } }`).join('\n')}\n`;
const JOB = `apiVersion: berth/v1
kind: Job
name: svc
cluster: ./t.cluster.yaml
strategy: spread
tasks:
  - name: w
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.25, mem: 64Mi }
    instances: 10
    restart: always
`;

async function main(): Promise<void> {
  const env = await getEngine();
  if (typeof env === 'string') throw new Error(env);
  const { docker, image } = env;
  const name = uniqueName('bfail');
  const specs = specsFrom(clusterYaml(name, image), JOB);
  const job = specs.jobs[0];
  if (!job) throw new Error('no job');
  const controller = startController(docker, name, { leaseSeconds: 10, resyncMs: 2000 });
  const times: number[] = [];
  const stops: number[] = [];
  let asPredicted = 0;
  let moved = 0;
  try {
    await up(docker, specs.cluster);
    await deploy(docker, specs.cluster, job);
    await waitFor('the controller taking the lease', () => Promise.resolve(controller.isActive()), 15_000);
    for (let i = 0; i < RUNS; i++) {
      await controller.settled();
      const live = await readCluster(docker, name);
      const node = specs.cluster.nodes[i % specs.cluster.nodes.length]?.name ?? '';
      const mine = live.tasks.filter((t) => t.node === node && t.state === 'running').map((t) => t.taskId);
      // The preview's scenario for this loss, from the live placements.
      const analysis = analyzeCluster(specs.cluster, [job], { failover: false });
      const current = new Map(live.tasks.filter((t) => t.state === 'running').map((t) => [t.taskId, t.node]));
      const input = { ...analysis.input, current };
      const scenario = scenarioByAllocate(input, { ...analysis.plan, tasks: new Map([...current].map(([id, n]) => [id, { kind: 'placed' as const, node: n, ports: [] }])) }, [node]);
      const t0 = performance.now();
      await run('docker', ['stop', nodeContainerName(name, node)]);
      stops.push(performance.now() - t0);
      const after = await waitFor(
        `tasks of ${node} (${mine.join(', ')}) running elsewhere`,
        async () => {
          const now = await readCluster(docker, name);
          return mine.every((id) => now.tasks.some((t) => t.taskId === id && t.state === 'running' && t.node !== node)) ? now : undefined;
        },
        20_000,
        20,
      );
      times.push(performance.now() - t0);
      for (const m of scenario.moves) {
        moved++;
        if (after.tasks.some((t) => t.taskId === m.task && t.node === m.to)) asPredicted++;
      }
      await startNode(docker, node, name);
    }
    console.log(`failover: docker stop → every re-placeable task running elsewhere, ${RUNS} runs: p50 ${(median(times) / 1000).toFixed(2)} s, max ${(Math.max(...times) / 1000).toFixed(2)} s (goal < 2 s)`);
    console.log(`  of which docker stop itself: p50 ${(percentile(stops, 50) / 1000).toFixed(2)} s; runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s`);
    console.log(`  ${asPredicted}/${moved} moved tasks landed on the node the failover preview predicted`);
  } finally {
    await controller.stop();
    await down(docker, name);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
