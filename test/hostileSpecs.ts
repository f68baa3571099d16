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

/**
 * A "billion laughs" of `levels` anchors, each a list of `width` aliases of the one before (9 × 10:
 * 10^9 leaves once expanded): under an unknown top-level key, or as the env of the job's task.
 */
export function aliasBombJob(where: 'unknown-key' | 'env', levels = 9, width = 10): string {
  const pad = where === 'env' ? '      ' : '  ';
  // Written `[x,y]`, not as the formatter writes it (`[x, y]`), so that formatting has work to do.
  const lines = [`${pad}a0: &a0 [${Array.from({ length: width }, () => 'lol').join(',')}]`];
  for (let k = 1; k < levels; k++) lines.push(`${pad}a${k}: &a${k} [${Array.from({ length: width }, () => `*a${k - 1}`).join(',')}]`);
  const bomb = `${lines.join('\n')}\n`;
  const task = '  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n';
  if (where === 'env') return `${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n${task}    env:\n${bomb}`;
  return `${HEAD}cluster: ./seed.cluster.yaml\nx-bomb:\n${bomb}tasks:\n${task}`;
}

/** `depth` block mappings, one inside the other (two spaces of indentation each), under an unknown key. */
export function deepJob(depth: number): string {
  const out = [`${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\nx-deep:\n`];
  for (let k = 1; k <= depth; k++) out.push(`${'  '.repeat(k)}k${k}:${k === depth ? ' leaf' : ''}\n`);
  return out.join('');
}

/** A job of at least `bytes` characters: tasks of the seed's sizes, one after the other. */
export function bigJob(bytes: number): string {
  const out = [`${HEAD}cluster: ./seed.cluster.yaml\ntasks:\n`];
  let size = out[0].length;
  for (let i = 0; size < bytes; i++) {
    const task = `  - name: task-${i}\n    resources: { cpus: 0.01, mem: 16Mi, disk: 16Mi }\n    priority: ${i % 1000}\n`;
    out.push(task);
    size += task.length;
  }
  return out.join('');
}

/** A cluster of at least `bytes` characters: nodes with resources and attributes. */
export function bigCluster(bytes: number): string {
  const out = ['apiVersion: berth/v1\nkind: Cluster\nname: big\nnodes:\n'];
  let size = out[0].length;
  for (let i = 0; size < bytes; i++) {
    const node = `  - name: node-${i}\n    resources: { cpus: 4, mem: 8Gi, disk: 8Gi, ports: "31000-31099" }\n    attributes: { zone: z${i % 7}, rack: r${i % 31} }\n`;
    out.push(node);
    size += node.length;
  }
  return out.join('');
}
