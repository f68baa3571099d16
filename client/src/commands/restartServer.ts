/** `berth.restartServer` and `berth.showLog`. */
import * as vscode from 'vscode';
import type { BerthServer } from '../berthServer';

export const RESTART_COMMAND = 'berth.restartServer';
export const SHOW_LOG_COMMAND = 'berth.showLog';

export function registerRestartServerCommand(server: BerthServer, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(RESTART_COMMAND, async () => {
    log.info('Restart requested.');
    try {
      await server.restart();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.error(`Restart failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(`Berth: the language server did not start: ${message}`, 'Show Log');
      if (choice === 'Show Log') log.show();
    }
  });
}

export function registerShowLogCommand(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => log.show());
}
