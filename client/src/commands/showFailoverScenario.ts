/**
 * `berth.showFailoverScenario`: the placement view focused on one failover scenario. A code lens
 * passes `(uri, lostNodes)`; from the palette the user picks a scenario of the file's plan.
 */
import * as vscode from 'vscode';
import type { PlanReportScenario } from '../../../server/engine/report/planReport';
import type { BerthServer } from '../berthServer';
import type { PlacementView } from '../placementView';
import { explainNoTarget, resolveTarget } from './target';

export const SHOW_SCENARIO_COMMAND = 'berth.showFailoverScenario';

export function registerShowFailoverScenarioCommand(server: BerthServer, view: PlacementView): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_SCENARIO_COMMAND, async (arg?: unknown, lost?: unknown) => {
    const target = await resolveTarget(arg);
    if (target.kind === 'none') return explainNoTarget('show a failover scenario', target);
    if (Array.isArray(lost) && lost.every((n) => typeof n === 'string')) return view.show(target.uri, lost);
    const result = await server.plan({ uri: target.uri.toString() });
    if (result.kind === 'unavailable') {
      void vscode.window.showWarningMessage(`Berth: cannot show a failover scenario: ${result.reason}.`);
      return;
    }
    const scenarios = new Map<string, { scenario: PlanReportScenario; job: string }>();
    for (const r of result.reports) for (const s of r.failover.scenarios) if (!scenarios.has(s.name)) scenarios.set(s.name, { scenario: s, job: r.job });
    if (scenarios.size === 0) {
      void vscode.window.showInformationMessage('Berth: this plan has no failover scenarios (no task is placed, or failover.tolerate is 0).');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      [...scenarios.values()].map(({ scenario: s, job }) => ({
        label: `${s.unplaced.length > 0 ? '$(warning) ' : '$(pass) '}if ${s.name} ${s.lost.length > 1 || s.kind === 'domain' ? 'fail' : 'fails'}`,
        description: result.reports.length > 1 ? job : undefined,
        detail: summary(s),
        lost: s.lost,
      })),
      { title: 'Berth: failover scenarios', placeHolder: 'Which node failure to show' },
    );
    if (picked) await view.show(target.uri, picked.lost);
  });
}

function summary(s: PlanReportScenario): string {
  const parts = [
    ...s.unplaced.map((u) => `${u.task} has no node`),
    ...s.moves.map((m) => `${m.task} → ${m.to}`),
    ...s.evicted.map((e) => `${e.task} evicted`),
  ];
  return parts.length ? parts.join(', ') : 'nothing to move';
}
