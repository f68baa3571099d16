/** The status bar item: what the language server is doing, and a click to its log. */
import * as vscode from 'vscode';

export type ServerActivity =
  | { readonly kind: 'starting' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'ready'; readonly problems: number }
  | { readonly kind: 'restarting'; readonly attempt: number; readonly max: number }
  | { readonly kind: 'stopped'; readonly reason: string };

export class ServerStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(showLogCommand: string) {
    this.item = vscode.window.createStatusBarItem('berth.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Berth language server';
    this.item.command = showLogCommand;
  }

  show(activity: ServerActivity): void {
    const { text, tooltip, error } = describe(activity);
    this.item.text = text;
    this.item.tooltip = `${tooltip}\nClick to show the Berth log.`;
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function describe(a: ServerActivity): { text: string; tooltip: string; error: boolean } {
  switch (a.kind) {
    case 'starting':
      return { text: '$(sync~spin) Berth: starting', tooltip: 'Berth: starting the language server', error: false };
    case 'checking':
      return { text: '$(sync~spin) Berth: checking', tooltip: 'Berth: checking specs and planning placements', error: false };
    case 'ready':
      return { text: '$(server-process) Berth', tooltip: `Berth: language server ready${a.problems > 0 ? ` · ${a.problems} problem${a.problems === 1 ? '' : 's'} in Berth files` : ''}`, error: false };
    case 'restarting':
      return { text: `$(sync~spin) Berth: restarting (${a.attempt}/${a.max})`, tooltip: `Berth: the language server stopped; restarting (attempt ${a.attempt} of ${a.max})`, error: false };
    case 'stopped':
      return { text: '$(error) Berth: stopped', tooltip: `Berth: the language server is not running: ${a.reason}. Run "Berth: Restart Language Server".`, error: true };
  }
}
