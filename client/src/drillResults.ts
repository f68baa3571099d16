/**
 * The last drill of each failover scenario, per cluster and job, for the placement view (which
 * shows it beside the scenario) and the links from a failing scenario to the tasks that differed.
 * A drill of one scenario keeps the results of the others; the window's lifetime is its memory.
 */
import * as vscode from 'vscode';
import { loadSpecs, type DrillReport, type DrillTask } from '../cluster/index';
import { instanceName } from '../../server/engine/model';

/** One scenario's last drill, as the page draws it. */
export interface DrillResultView {
  readonly lost: readonly string[];
  readonly verdict: 'pass' | 'fail' | 'skipped';
  readonly seconds: number;
  readonly note?: string;
  readonly tasks: readonly DrillTask[];
  /** When it finished (ms since the epoch). */
  readonly at: number;
}

export function scenarioKey(lost: readonly string[]): string {
  return [...lost].sort().join(',');
}

interface JobDrills {
  /** The job file the drill was run from, for links to its tasks (none for a drill started from a cluster file). */
  jobFile: vscode.Uri | undefined;
  readonly scenarios: Map<string, DrillResultView>;
}

export class DrillResults implements vscode.Disposable {
  private readonly byJob = new Map<string, JobDrills>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  record(report: DrillReport, jobFile: vscode.Uri | undefined, at = Date.now()): void {
    const key = `${report.cluster}\u0000${report.job}`;
    const entry = this.byJob.get(key) ?? { jobFile, scenarios: new Map<string, DrillResultView>() };
    entry.jobFile = jobFile ?? entry.jobFile;
    for (const s of report.scenarios) entry.scenarios.set(scenarioKey(s.lost), { lost: s.lost, verdict: s.verdict, seconds: s.seconds, ...(s.note !== undefined ? { note: s.note } : {}), tasks: s.tasks, at });
    this.byJob.set(key, entry);
    this.changed.fire();
  }

  scenarios(cluster: string, job: string): readonly DrillResultView[] {
    return [...(this.byJob.get(`${cluster}\u0000${job}`)?.scenarios.values() ?? [])];
  }

  jobFile(cluster: string, job: string): vscode.Uri | undefined {
    return this.byJob.get(`${cluster}\u0000${job}`)?.jobFile;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Opens the job file at the task that `id` (`job/instance`) is an instance of. */
export async function revealDrillTask(results: DrillResults, cluster: string, job: string, id: string, fallback: vscode.Uri | undefined): Promise<void> {
  const file = results.jobFile(cluster, job) ?? fallback;
  if (!file) {
    void vscode.window.showWarningMessage(`Berth: cannot show ${id}: the drill was not run from the job's file; open it from its job file's Drill lens.`);
    return;
  }
  const instance = id.startsWith(`${job}/`) ? id.slice(job.length + 1) : id;
  const document = await vscode.workspace.openTextDocument(file);
  let spec;
  try {
    spec = loadSpecs(file.fsPath).jobs.find((j) => j.name === job);
  } catch {
    spec = undefined; // the file has errors now: open it where it starts
  }
  const task = spec?.tasks.find((t) => Array.from({ length: t.instances }, (_, i) => instanceName(t.name, i, t.instances)).includes(instance));
  const range = task ? new vscode.Range(document.positionAt(task.nameSpan.start), document.positionAt(task.nameSpan.end)) : undefined;
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, ...(range ? { selection: range } : {}) });
  if (!task) void vscode.window.showWarningMessage(`Berth: ${vscode.workspace.asRelativePath(file)} has no task ${instance} of job ${job} now.`);
}
