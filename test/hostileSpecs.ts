/**
 * Hostile documents (issue 18), generated rather than stored: each beside the seed cluster (or in
 * place of it) in a fresh folder. Shared by the protocol tests, the CLI tests and
 * bench/hostile.bench.ts, which measures what the tests only bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './unit/spec/repoRoot';

export const HEAD = 'apiVersion: berth/v1\nkind: Job\nname: hostile\n';

/** The seed cluster, with a `rack` attribute of 40 a's and a '!' on every node. */
export function backtrackingCluster(): string {
  const seed = readFileSync(repoPath('examples', 'seed', 'seed.cluster.yaml'), 'utf8');
  return seed.replace(/attributes: \{ zone: (\w) \}/g, `attributes: { zone: $1, rack: "${'a'.repeat(40)}!" }`);
}

/** A job whose LIKE pattern backtracks catastrophically on `backtrackingCluster`'s racks. */
export function backtrackingJob(operator: 'LIKE' | 'UNLIKE' = 'LIKE'): string {
  return `${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n    constraints: [[rack, ${operator}, "(a+)+"]]\n`;
}

/** A job that names `ref` as its cluster file. */
export function jobNaming(ref: string): string {
  return `${HEAD}cluster: ${ref}\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n`;
}

/** `count` tasks t0 → t1 → … → t(count-1) → t0: one dependency cycle through all of them. */
export function cycleJob(count: number): string {
  const out = [`${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n`];
  for (let i = 0; i < count; i++) out.push(`  - name: t${i}\n    resources: { cpus: 0.01, mem: 1Gi }\n    dependsOn: [t${(i + 1) % count}]\n`);
  return out.join('');
}

/** `count` tasks, each depending on every other one. */
export function cliqueJob(count: number): string {
  const names = Array.from({ length: count }, (_, i) => `t${i}`);
  const out = [`${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n`];
  for (const name of names) out.push(`  - name: ${name}\n    resources: { cpus: 0.01, mem: 1Gi }\n    dependsOn: [${names.filter((n) => n !== name).join(', ')}]\n`);
  return out.join('');
}

/** A fresh folder holding the seed cluster (as seed.cluster.yaml, or `cluster` instead) and `files`. */
export function hostileFolder(files: Record<string, string>, cluster?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hostile-'));
  writeFileSync(join(dir, 'seed.cluster.yaml'), cluster ?? readFileSync(repoPath('examples', 'seed', 'seed.cluster.yaml'), 'utf8'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Makes a FIFO at `path` (coreutils' mkfifo: Node has no call for it). Nothing ever writes to it. */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}
