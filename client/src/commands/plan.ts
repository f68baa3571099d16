/** `berth.plan`: open the placement view on a job or cluster file. */
import * as vscode from 'vscode';
import type { PlacementView } from '../placementView';
import { explainNoTarget, resolveTarget } from './target';

export const PLAN_COMMAND = 'berth.plan';

export function registerPlanCommand(view: PlacementView): vscode.Disposable {
  return vscode.commands.registerCommand(PLAN_COMMAND, async (arg?: unknown) => {
    const target = await resolveTarget(arg);
    if (target.kind === 'none') return explainNoTarget('show the plan', target);
    await view.show(target.uri);
  });
}
