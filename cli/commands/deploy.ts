/** `berth deploy JOB [--engine local|swarm] [--image IMAGE] [--json]`: place with the allocator against the live cluster and start the tasks. */
import { deployCluster, type DeployResult } from '../../client/cluster';
import type { CliIo } from '../io';
import { jobArgs } from '../jobArgs';

export const DEPLOY_USAGE = 'usage: berth deploy JOB_FILE [--job NAME] [--engine local|swarm] [--image IMAGE] [--json]';

export async function runDeploy(argv: readonly string[], io: CliIo): Promise<number> {
  const { cluster, jobs: selected, engine, image, json } = jobArgs(argv, io, DEPLOY_USAGE);
  const results: DeployResult[] = [];
  for (const job of selected) {
    const { result } = await deployCluster(cluster, job, {
      ...(engine ? { engine } : {}),
      ...(image ? { image } : {}),
      ...(json ? {} : { onStep: (step: string) => io.err(`  ${step}\n`) }),
      onProgress: (e) => {
        if (json) return;
        if (e.kind === 'task') io.err(`  ${e.task.padEnd(24)} ${e.state}${e.node ? ` on ${e.node}` : ''}${e.message ? ` (${e.message})` : ''}\n`);
        else if (e.kind === 'plan') io.err(`${job.name}: ${e.placed}/${e.total} tasks placed\n`);
        else if (e.kind === 'pull') io.err(`  pulling ${e.image}: ${e.status}\n`);
        else io.err(`  rolled back: removed ${e.removed} containers or services this deploy created\n`);
      },
    });
    results.push(result);
  }
  if (json) io.out(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  else {
    for (const r of results) {
      const count = (a: string): number => r.tasks.filter((t) => t.action === a).length;
      io.out(`deployed ${r.job} on ${r.cluster}: ${count('started')} started, ${count('kept')} unchanged, ${count('waiting')} waiting for capacity, ${count('removed')} removed\n`);
    }
  }
  return results.some((r) => r.tasks.some((t) => t.action === 'waiting')) ? 1 : 0;
}
