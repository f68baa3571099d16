/**
 * A drill report in words, for the editor's notification and the placement view: which tasks a
 * scenario touched, which differed from the prediction, and one summary line
 * (`Drill: 3/3 scenarios passed (p50 1.9 s, max 2.4 s)`).
 */
import type { DrillReport, DrillScenario, DrillTask } from './drill';

/** A drill's node in words: '' is no node (predicted) or waiting (observed), `?` never settled. */
export function drillNodeText(node: string, which: 'predicted' | 'observed'): string {
  if (node === '?') return 'never settled';
  if (node === '') return which === 'predicted' ? 'no node' : 'waiting';
  return node;
}

/** The tasks a scenario moves, by the prediction or by what was seen. */
export function touchedTasks(s: DrillScenario): DrillTask[] {
  return s.tasks.filter((t) => t.predicted !== t.before || t.observed !== t.before);
}

/** The tasks whose observed node is not the predicted one. */
export function differingTasks(s: DrillScenario): DrillTask[] {
  return s.tasks.filter((t) => t.predicted !== t.observed);
}

/** `web/api-0` → `api-0` when the job is known. */
function shortName(report: Pick<DrillReport, 'job'>, id: string): string {
  return id.startsWith(`${report.job}/`) ? id.slice(report.job.length + 1) : id;
}

function failure(report: DrillReport, s: DrillScenario): string {
  const differ = differingTasks(s);
  const shown = differ.slice(0, 3).map((t) => `${shortName(report, t.task)} predicted ${drillNodeText(t.predicted, 'predicted')}, observed ${drillNodeText(t.observed, 'observed')}`);
  if (differ.length > shown.length) shown.push(`+${differ.length - shown.length} more`);
  const why = shown.length > 0 ? shown.join('; ') : (s.note ?? 'no task differed');
  return `${s.lost.join(', ')} (${why})`;
}

/** The median (nearest rank) and the maximum of the scenarios' seconds, as `p50 1.9 s, max 2.4 s`. */
function timing(scenarios: readonly DrillScenario[]): string {
  const seconds = scenarios.map((s) => s.seconds).sort((a, b) => a - b);
  if (seconds.length === 0) return '';
  const p50 = seconds[Math.ceil(seconds.length / 2) - 1] ?? 0;
  const max = seconds[seconds.length - 1] ?? 0;
  return ` (p50 ${p50.toFixed(1)} s, max ${max.toFixed(1)} s)`;
}

/** The summary line of a drill. */
export function drillSummary(report: DrillReport): string {
  const ran = report.scenarios.filter((s) => s.verdict !== 'skipped');
  const failed = ran.filter((s) => s.verdict === 'fail');
  const skipped = report.scenarios.length - ran.length;
  const lead = report.cancelled ? 'Drill cancelled, the nodes it stopped are back' : 'Drill';
  const rest = skipped > 0 ? `; ${skipped} skipped` : '';
  if (ran.length === 0) return `${lead}: no scenario ${report.cancelled ? 'finished' : 'ran'}${rest}`;
  if (failed.length === 0) return `${lead}: ${ran.length}/${ran.length} scenario${ran.length === 1 ? '' : 's'} passed${timing(ran)}${rest}`;
  return `${lead}: ${failed.length} of ${ran.length} scenario${ran.length === 1 ? '' : 's'} failed: ${failed.map((s) => failure(report, s)).join('; ')}${rest}`;
}
