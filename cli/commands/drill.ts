/**
 * `berth drill JOB [--scenario NODE[,NODE…]]… [--all] [--json]`: the preview's failover scenarios
 * on the running cluster, each compared with what the controller does. Exit 0 when every scenario
 * passed, 1 when any differs, 2 for bad arguments or no running cluster.
 */
import { engineOf, loadSpecs, runDrill, type DrillReport } from '../../client/cluster';
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const DRILL_USAGE = 'usage: berth drill JOB_FILE [--job NAME] [--scenario NODE[,NODE...]]... [--all] [--json]   (default: every single node)';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The tasks a scenario touches (predicted or seen elsewhere than they ran), as `task→node`. */
function describe(tasks: DrillReport['scenarios'][number]['tasks'], which: 'predicted' | 'observed'): string {
  const touched = tasks.filter((t) => t.predicted !== t.before || t.observed !== t.before);
  return touched.map((t) => `${t.task}→${t[which] === '' ? 'no node' : t[which]}`).join(', ') || 'nothing moves';
}

export function renderDrill(r: DrillReport): string {
  const rows: string[][] = [['SCENARIO', 'PREDICTED', 'OBSERVED', 'SECONDS', 'VERDICT']];
  for (const s of r.scenarios) {
    const skipped = s.verdict === 'skipped';
    rows.push([
      `lose ${s.lost.join(', ')}`,
      skipped ? '-' : describe(s.tasks, 'predicted'),
      skipped ? '-' : describe(s.tasks, 'observed'),
      skipped ? '-' : s.seconds.toFixed(1),
      skipped ? `skipped: ${s.note ?? ''}` : s.verdict === 'fail' && s.note ? `FAIL (${s.note})` : s.verdict.toUpperCase(),
    ]);
  }
  const passed = r.scenarios.filter((s) => s.verdict === 'pass').length;
  const failed = r.scenarios.filter((s) => s.verdict === 'fail').length;
  return `drill of ${r.job} on ${r.cluster} (${r.engine})${r.cancelled ? ', cancelled' : ''}\n\n${table(rows)}\n\n${passed} passed, ${failed} failed, ${r.scenarios.length - passed - failed} skipped; ${r.note}\n`;
}

export async function runDrillCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({
    args: [...argv],
    options: { job: { type: 'string' }, scenario: { type: 'string', multiple: true }, all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError(DRILL_USAGE);
  if (values.all && values.scenario) throw new UsageError('--all and --scenario: give one of them');
  const { cluster, jobs } = loadSpecs(file, io.cwd);
  const selected = values.job ? jobs.filter((j) => j.name === values.job) : jobs;
  const job = selected[0];
  if (!job || selected.length > 1) throw new UsageError(selected.length === 0 ? `no job ${values.job ?? ''} in ${file}` : `${file} has ${selected.length} jobs: say which with --job`);
  const names = new Set(cluster.nodes.map((n) => n.name));
  let scenarios: string[][];
  if (values.scenario) {
    scenarios = values.scenario.map((s) => s.split(',').map((n) => n.trim()).filter((n) => n !== ''));
    for (const n of scenarios.flat()) if (!names.has(n)) throw new UsageError(`--scenario: cluster ${cluster.name} has no node ${n} (nodes: ${[...names].join(', ')})`);
  } else if (values.all) {
    scenarios = (analyzeCluster(cluster, [job], { failover: 'scenarios' }).failover.get(job.name)?.scenarios ?? []).map((s) => [...s.lost]);
  } else scenarios = cluster.nodes.map((n) => [n.name]);
  const engine = await engineOf(cluster.name);
  // A controller in this process; when another one holds the lease, it stays passive and that one acts.
  const controller = engine.startController(cluster.name, { resyncMs: 500 });
  const abort = new AbortController();
  const onSignal = (): void => {
    io.err('berth: drill cancelled: bringing back the nodes it stopped\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let report: DrillReport;
  try {
    await controller.settled();
    report = await runDrill(engine, cluster.name, job.name, scenarios, {
      signal: abort.signal,
      onProgress: (p) => {
        if (values.json) return;
        if (p.kind === 'scenario') io.err(`scenario ${p.index + 1}/${p.total}: lose ${p.lost.join(', ')}\n`);
        else if (p.kind === 'step') io.err(`  ${p.message}\n`);
        else io.err(`  ${p.scenario.verdict}${p.scenario.verdict === 'skipped' ? '' : ` in ${p.scenario.seconds.toFixed(1)} s`}\n`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await controller.stop();
  }
  if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(renderDrill(report));
  if (report.cancelled) return 130;
  return report.scenarios.some((s) => s.verdict === 'fail') ? 1 : 0;
}
