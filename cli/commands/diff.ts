/** `berth diff JOB [--job NAME] [--engine local|swarm] [--image IMAGE] [--json]`: what `berth deploy` would do, changing nothing (like `nomad job plan`). */
import { diffCluster, diffSummary, type DeployDiff } from '../../client/cluster';
import type { CliIo } from '../io';
import { jobArgs } from '../jobArgs';

export const DIFF_USAGE = 'usage: berth diff JOB_FILE [--job NAME] [--engine local|swarm] [--image IMAGE] [--json]';

/** The diff as lines: `+` created, `~` replaced (with what changed), `-` removed, `=` the count kept. */
export function formatDiff(diff: DeployDiff, engine: string): string {
  const lines = [`${diff.job} on ${diff.cluster} (${engine}): ${diffSummary(diff)}`];
  for (const t of diff.create) lines.push(`  + ${t}`);
  for (const r of diff.replace) lines.push(`  ~ ${r.task}  (${r.changes.join(', ')})`);
  for (const t of diff.remove) lines.push(`  - ${t}`);
  if (diff.keep.length > 0) lines.push(`  = ${diff.keep.length} unchanged`);
  return `${lines.join('\n')}\n`;
}

export async function runDiff(argv: readonly string[], io: CliIo): Promise<number> {
  const { cluster, jobs: selected, engine, image, json } = jobArgs(argv, io, DIFF_USAGE);
  const diffs: (DeployDiff & { engine: string })[] = [];
  for (const job of selected) {
    const found = await diffCluster(cluster, job, { ...(engine ? { engine } : {}), ...(image ? { image } : {}) });
    diffs.push({ ...found.diff, engine: found.engine });
  }
  if (json) io.out(`${JSON.stringify(diffs.length === 1 ? diffs[0] : diffs, null, 2)}\n`);
  else for (const d of diffs) io.out(formatDiff(d, d.engine));
  // As `nomad job plan` and `kubectl diff`: 1 when a deploy would change something.
  return diffs.some((d) => d.create.length + d.replace.length + d.remove.length > 0) ? 1 : 0;
}
