/**
 * Workspace trust for everything that runs containers: a job spec names images and commands, so
 * deploying one from an untrusted folder would run a stranger's code. Analysis (the language
 * server, the placement view) works everywhere; commands that start containers declare
 * `"enablement": "isWorkspaceTrusted"` in package.json and call `requireTrust` as well, because a
 * command can still be invoked programmatically.
 */
import * as vscode from 'vscode';

export function requireTrust(action: string, what = 'runs containers'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Berth: ${action} ${what}, which is disabled in an untrusted workspace. Trust this folder to enable it.`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Runs `onTrusted` now if the workspace is trusted, or when the user grants trust. */
export function whenTrusted(onTrusted: () => void): vscode.Disposable {
  if (vscode.workspace.isTrusted) {
    onTrusted();
    return new vscode.Disposable(() => undefined);
  }
  return vscode.workspace.onDidGrantWorkspaceTrust(onTrusted);
}
