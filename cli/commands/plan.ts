/** `berth plan JOB... [--json] [--strict]`: placements, per-node allocation and failover scenarios. */
import { analyzeCluster } from '../../server/engine/analyzeCluster';
import { createSpecChecker, type CheckedJob } from '../../server/engine/checkSpec';
import type { ClusterSpec } from '../../server/engine/model';
import { toPlanReport, type PlanReport, type ReportResources } from '../../server/engine/planReport';
import { formatCpus, formatMemory } from '../../server/engine/units';
import { findSpecFiles, fsHost, readArgumentFile } from '../files';
import { UsageError, type CliIo } from '../io';
import { formatLine, toReported } from '../report';
import { commandArgs } from '../args';

export const PLAN_USAGE = 'usage: berth plan JOB... [--json] [--strict]';

export function runPlan(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = commandArgs({ args: [...argv], options: { json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError(PLAN_USAGE);
  const files = findSpecFiles(positionals, io.cwd);
  const checker = createSpecChecker();
  const groups = new Map<string, { cluster: ClusterSpec; jobs: CheckedJob[] }>();
  let broken = false;
  for (const file of files) {
    const text = readArgumentFile(file);
    const checked = checker.check(file, text, fsHost);
    const errors = checked.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      for (const p of toReported(file, text, errors, io.cwd)) io.err(`${formatLine(p)}\n`);
      broken = true;
      continue;
    }
    for (const job of checked.jobs) {
      const source = job.cluster;
      if (!source) continue;
      if (!source.ok) {
        // The job file is fine but its cluster file is not: show the cluster's problems.
        const clusterText = readArgumentFile(source.path);
        const clusterErrors = checker.check(source.path, clusterText, fsHost).problems.filter((p) => p.severity === 'error');
        for (const p of toReported(source.path, clusterText, clusterErrors, io.cwd)) io.err(`${formatLine(p)}\n`);
        broken = true;
        continue;
      }
      const group = groups.get(source.path) ?? { cluster: source.spec, jobs: [] };
      group.jobs.push(job);
      groups.set(source.path, group);
    }
  }
  if (broken) {
    io.err('berth: the specs have errors (above); fix them to plan\n');
    return 2;
  }
  const reports: PlanReport[] = [];
  for (const { cluster, jobs } of groups.values()) {
    const analysis = analyzeCluster(cluster, jobs.map((j) => j.spec));
    for (const j of jobs) {
      const report = toPlanReport(analysis, j.spec.name);
      if (report) reports.push(report);
    }
  }
  if (reports.length === 0) throw new UsageError(`no Job document in ${positionals.join(' ')}`);
  if (values.json) io.out(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else io.out(reports.map(renderReport).join('\n'));
  const bad = reports.some((r) => !r.failover.safe || r.tasks.some((t) => t.status !== 'placed'));
  return values.strict && bad ? 1 : 0;
}

function res(r: ReportResources): { cpus: string; mem: string; disk: string } {
  return { cpus: formatCpus(Math.round(r.cpus * 1000)), mem: formatMemory(r.mem), disk: formatMemory(r.disk) };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The human report: placement table, per-node allocation, failover scenarios. */
export function renderReport(r: PlanReport): string {
  const out: string[] = [];
  out.push(`job ${r.job} on cluster ${r.cluster} (${r.strategy}${r.preemption ? ', preemption' : ''})`, '');
  out.push(
    table([
      ['TASK', 'NODE', 'CPUS', 'MEM', 'DISK'],
      ...r.tasks.map((t) => {
        const q = res(t.resources);
        const where = t.status === 'placed' ? (t.node ?? '') : t.status === 'blocked' ? `blocked by ${(t.blockedBy ?? []).join(', ')}` : 'unplaced';
        return [t.name, where, q.cpus, q.mem, q.disk];
      }),
    ]),
  );
  for (const t of r.tasks) if (t.status === 'unplaced') out.push(`  ${t.name}: ${t.reasons ?? ''}`);
  out.push('');
  out.push(
    table([
      ['NODE', 'CPUS', 'MEM', 'DISK', 'TASKS'],
      ...r.nodes.map((n) => {
        const a = res(n.allocated);
        const c = res(n.capacity);
        return [n.name, `${a.cpus}/${c.cpus}`, `${a.mem}/${c.mem}`, `${a.disk}/${c.disk}`, n.tasks.join(', ') || '-'];
      }),
    ]),
  );
  out.push('');
  const f = r.failover;
  const scope = [`every ${f.tolerate > 1 ? `set of up to ${f.tolerate} nodes` : 'node'}`, ...f.domains.map((d) => `every ${d}`)].join(', ');
  out.push(`failover (${f.tolerate === 0 ? 'no node losses tolerated' : scope}): ${f.safe ? 'safe' : 'NOT SAFE'}${f.truncated ? ' (scenarios truncated)' : ''}`);
  for (const s of f.scenarios) {
    const parts = [
      ...s.moves.map((m) => `${m.task} → ${m.to}`),
      ...s.evicted.map((e) => `${e.task} evicted from ${e.from}`),
      ...s.unplaced.map((u) => `${u.task} has no node (${u.reasons})`),
    ];
    out.push(`  ${s.unplaced.length > 0 ? '✗' : '✓'} ${s.name} lost: ${parts.length ? parts.join('; ') : 'nothing to move'}`);
  }
  if (f.suggestion) out.push(`  to make it safe: ${f.suggestion.summary}`);
  return `${out.join('\n')}\n`;
}
