/**
 * The placement view: one webview panel showing the plan of a job (or of every job on a cluster
 * file) as per-node resource bars and failover scenarios side by side. Fed by `berth/plan`;
 * re-requested (debounced, stale requests cancelled) when any Berth file changes.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PlanResult } from '../../server/engine/protocol';
import { isBerthDocument } from './berthFiles';
import type { BerthServer } from './berthServer';
import { revealDrillTask, type DrillResultView, type DrillResults } from './drillResults';
import { readViewSettings } from './settings';

export const PLACEMENT_VIEW_TYPE = 'berth.placement';

/** What the extension posts to the page (media/placement.js reads the same shape). */
export type PlacementMessage =
  | { readonly type: 'plan'; readonly result: PlanResult; readonly file: string; readonly focus?: readonly string[]; readonly drills?: Readonly<Record<string, readonly DrillResultView[]>> }
  | { readonly type: 'loading'; readonly file: string }
  | { readonly type: 'error'; readonly file: string; readonly message: string };

/** What the page posts back. */
type PageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'focusScenario'; readonly lost: readonly string[] }
  | { readonly type: 'openFile' }
  /** Run a drill of the job (one scenario, or every single node). */
  | { readonly type: 'drill'; readonly job: string; readonly lost?: readonly string[] }
  /** Reveal a task a drill found elsewhere than predicted. */
  | { readonly type: 'revealTask'; readonly cluster: string; readonly job: string; readonly task: string };

export class PlacementView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: vscode.Uri | undefined;
  private focus: readonly string[] | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last: PlacementMessage | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly server: BerthServer,
    private readonly log: vscode.LogOutputChannel,
    private readonly drills: DrillResults,
  ) {
    this.subscriptions.push(
      // A drill's results appear beside their scenarios at once (no re-plan).
      drills.onDidChange(() => {
        if (this.panel && this.last?.type === 'plan') void this.post({ ...this.last, drills: this.drillsOf(this.last.result) });
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && e.contentChanges.length > 0 && isBerthDocument(e.document)) this.schedule();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.panel && isBerthDocument(d)) this.schedule();
      }),
      server.onDidChange(() => {
        if (this.panel && !this.last) this.schedule();
      }),
    );
  }

  /** Test hook and state query: the last message posted to the page. */
  get lastPosted(): PlacementMessage | undefined {
    return this.last;
  }

  get visibleFile(): vscode.Uri | undefined {
    return this.panel ? this.target : undefined;
  }

  /** Open (or retarget) the view on a job or cluster file; `focus` names a failover scenario's lost nodes. */
  async show(uri: vscode.Uri, focus?: readonly string[]): Promise<void> {
    this.target = uri;
    this.focus = focus;
    const title = `Placement: ${basename(uri)}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(PLACEMENT_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
      this.panel.webview.html = this.html(this.panel.webview);
      this.panel.webview.onDidReceiveMessage((m: PageMessage) => this.receive(m), undefined, this.subscriptions);
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.last = undefined;
        this.pending?.cancel();
      }, undefined, this.subscriptions);
      this.panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible && this.last) void this.post(this.last);
      }, undefined, this.subscriptions);
    } else {
      this.panel.title = title;
      this.panel.reveal(undefined, true);
    }
    await this.refresh();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, readViewSettings().planDebounceMs);
  }

  private async refresh(): Promise<void> {
    const uri = this.target;
    if (!uri || !this.panel) return;
    this.pending?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.pending = cts;
    const file = vscode.workspace.asRelativePath(uri);
    if (!this.last) await this.post({ type: 'loading', file });
    try {
      const result = await this.server.plan({ uri: uri.toString() }, cts.token);
      if (cts.token.isCancellationRequested) return;
      await this.post({ type: 'plan', result, file, ...(this.focus ? { focus: this.focus } : {}), drills: this.drillsOf(result) });
    } catch (e) {
      if (cts.token.isCancellationRequested) return;
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`berth/plan for ${file} failed: ${message}`);
      await this.post({ type: 'error', file, message });
    } finally {
      if (this.pending === cts) this.pending = undefined;
      cts.dispose();
    }
  }

  /** The last drill of each scenario of each job the plan shows. */
  private drillsOf(result: PlanResult): Record<string, readonly DrillResultView[]> {
    const out: Record<string, readonly DrillResultView[]> = {};
    if (result.kind !== 'plan') return out;
    for (const r of result.reports) {
      const list = this.drills.scenarios(r.cluster, r.job);
      if (list.length > 0) out[r.job] = list;
    }
    return out;
  }

  private async post(message: PlacementMessage): Promise<void> {
    this.last = message;
    await this.panel?.webview.postMessage(message);
  }

  private receive(m: PageMessage): void {
    if (m.type === 'ready') {
      if (this.last) void this.post(this.last);
    } else if (m.type === 'focusScenario') {
      this.focus = m.lost;
    } else if (m.type === 'openFile' && this.target) {
      void vscode.window.showTextDocument(this.target, { viewColumn: vscode.ViewColumn.One });
    } else if (m.type === 'drill' && this.target) {
      void vscode.commands.executeCommand('berth.drill', this.target, m.lost, m.job);
    } else if (m.type === 'revealTask') {
      void revealDrillTask(this.drills, m.cluster, m.job, m.task, this.target);
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', name)).toString();
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('placement.css')}">
<title>Berth placement</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">Planning…</p></main>
<script nonce="${nonce}" src="${media('placement.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.pending?.cancel();
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
