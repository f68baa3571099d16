/** `berth plan JOB... [--json] [--strict]`: placements, per-node allocation and failover scenarios. */
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { createSpecChecker, isError } from '../../server/engine/checkSpec';
import type { ClusterSpec, JobSpec, Problem } from '../../server/engine/model';
import { PLACEMENT_OUTCOMES, type SkippedTask } from '../../server/engine/analysis/plannable';
import { toPlanReport, type PlanReport, type ReportResources } from '../../server/engine/report/planReport';
import { formatCpus, formatMemory } from '../../server/engine/spec/units';
import { findSpecFiles, fsHost, readArgumentFile } from '../files';
import { UsageError, type CliIo } from '../io';
import { displayPath, formatLine, toReported } from '../report';
import { commandArgs } from '../args';

export const PLAN_USAGE = 'usage: berth plan JOB... [--json] [--strict]';

export function runPlan(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = commandArgs({ args: [...argv], options: { json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError(PLAN_USAGE);
  const files = findSpecFiles(positionals, io.cwd);
  const checker = createSpecChecker();
  const groups = new Map<string, { cluster: ClusterSpec; jobs: { spec: JobSpec; skipped: readonly SkippedTask[] }[] }>();
  const shownClusters = new Set<string>();
  let broken = false;
  const printErrors = (path: string, text: string, problems: readonly Problem[]): void => {
    // A task that fits no node is not a spec error here: the plan shows it unplaced, with why.
    const errors = problems.filter((p) => isError(p) && !PLACEMENT_OUTCOMES.has(p.code));
    for (const p of toReported(path, text, errors, io.cwd)) io.err(`${formatLine(p)}\n`);
    if (errors.length > 0) broken = true;
  };
  for (const file of files) {
    const text = readArgumentFile(file);
    const checked = checker.check(file, text, fsHost);
    printErrors(file, text, checked.problems);
    for (const job of checked.jobs) {
      const source = job.cluster;
      if (source && !source.ok && source.path !== file && !shownClusters.has(source.path)) {
        // The job's cluster file has errors: show them, as berth check would.
        shownClusters.add(source.path);
        const clusterText = readArgumentFile(source.path);
        printErrors(source.path, clusterText, checker.check(source.path, clusterText, fsHost).problems);
      }
      // What is planned is the job's `plannable` (plannable.ts), as in the language server.
      const { plannable } = job;
      if (plannable.kind === 'not-plannable') {
        io.err(`berth: no plan for job "${job.spec.name}" (${displayPath(file, io.cwd)}): ${plannable.reason}\n`);
        broken = true;
        continue;
      }
      if (!source) continue;
      const group = groups.get(source.path) ?? { cluster: source.spec, jobs: [] };
      group.jobs.push({ spec: plannable.spec, skipped: plannable.skipped });
      groups.set(source.path, group);
    }
  }
  const reports: PlanReport[] = [];
  for (const { cluster, jobs } of groups.values()) {
    const analysis = analyzeCluster(cluster, jobs.map((j) => j.spec));
    for (const j of jobs) {
      const report = toPlanReport(analysis, j.spec.name, j.skipped);
      if (report) reports.push(report);
    }
  }
  if (reports.length === 0) {
    if (!broken) throw new UsageError(`no Job document in ${positionals.join(' ')}`);
    io.err('berth: the specs have errors (above); fix them to plan\n');
    return 2;
  }
  if (values.json) io.out(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else io.out(reports.map(renderReport).join('\n'));
  if (broken) {
    io.err('berth: the specs have errors (above); the plan leaves out what they affect\n');
    return 2;
  }
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
      ...r.skipped.map((t) => [t.task, 'not planned', '', '', '']),
    ]),
  );
  for (const t of r.tasks) if (t.status === 'unplaced') out.push(`  ${t.name}: ${t.reasons ?? ''}`);
  for (const t of r.skipped) out.push(`  ${t.task}: not planned: it ${t.reason}`);
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
