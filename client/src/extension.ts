/**
 * The VS Code extension's composition root (SPEC.md §5). Activation is cheap: it registers
 * commands and views; the language server starts only when a Berth document is open (by name,
 * or by `apiVersion: berth/v1` in a YAML file's text).
 */
import * as vscode from 'vscode';
import { isBerthDocument } from './berthFiles';
import { BerthServer, type ServerTimings } from './berthServer';
import { ClusterSession, type FailoverNotice } from './cluster/clusterSession';
import { registerClusterStatusBar } from './cluster/clusterStatusBar';
import { registerClusterView, type ClusterTreeItem } from './cluster/clusterView';
import { registerDeployLens } from './cluster/deployLens';
import { registerLiveStateSender } from './cluster/liveStateSender';
import { whenTrusted } from './cluster/workspaceTrust';
import { registerClusterDownCommand } from './commands/clusterDown';
import { registerClusterUpCommand } from './commands/clusterUp';
import { registerDeployJobCommand } from './commands/deployJob';
import { registerDrillCommand } from './commands/drill';
import { registerPlanCommand } from './commands/plan';
import { registerRestartServerCommand, registerShowLogCommand, SHOW_LOG_COMMAND } from './commands/restartServer';
import { registerRefreshClusterCommand } from './commands/refreshCluster';
import { registerShowFailoverScenarioCommand } from './commands/showFailoverScenario';
import { registerShowTaskLogsCommand } from './commands/showTaskLogs';
import { registerNodeCommands } from './commands/nodeCommands';
import { DrillResults } from './drillResults';
import { PlacementView, type PlacementMessage } from './placementView';
import { ServerStatusBar } from './statusBar';

/** What `activate` returns: for other extensions and for the editor tests. */
export interface BerthApi {
  readonly activatedAt: number;
  /** How long `activate` itself took, in ms (it starts no process). */
  readonly activationMs: number;
  timings(): ServerTimings;
  /** The last message posted to the placement view, if it is open. */
  lastPlacement(): PlacementMessage | undefined;
  serverRunning(): boolean;
  /** The Berth Cluster tree's items (roots, or the children of `parent`), as the view shows them. */
  clusterItems(parent?: ClusterTreeItem): ClusterTreeItem[];
  /** Re-reads the clusters from Docker (what the tree shows) and resolves when done. */
  refreshClusters(): Promise<void>;
  /** Failovers this window's controllers performed (each one was also shown as a notification). */
  failovers(): readonly FailoverNotice[];
}

export function activate(context: vscode.ExtensionContext): BerthApi {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('Berth', { log: true });
  const status = new ServerStatusBar(SHOW_LOG_COMMAND);
  const server = new BerthServer(context, log, status);
  const drills = new DrillResults();
  const view = new PlacementView(context.extensionUri, server, log, drills);
  context.subscriptions.push(
    log,
    drills,
    status,
    { dispose: () => void server.dispose() },
    view,
    registerPlanCommand(view),
    registerShowFailoverScenarioCommand(server, view),
    registerRestartServerCommand(server, log),
    registerShowLogCommand(log),
  );
  const session = new ClusterSession(log);
  const tree = registerClusterView(context, session);
  context.subscriptions.push(
    session,
    registerClusterStatusBar(session),
    registerDeployLens(session),
    // The server's hints, hover and failover lenses follow where the tasks run.
    registerLiveStateSender(session, server),
    registerClusterUpCommand(session, log),
    registerDeployJobCommand(session, log),
    registerDrillCommand(session, log, drills, view),
    registerClusterDownCommand(session, log),
    ...registerNodeCommands(session, log),
    registerShowTaskLogsCommand(session, log),
    registerRefreshClusterCommand(session),
    // A failover shows as it happens: which node was lost, where each task went, and where the preview said it would.
    session.onFailover((f) => void vscode.window.showWarningMessage(`Berth: ${f.from} lost: ${f.task} → ${f.actual} (predicted ${f.predicted || 'no node'})`)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('berth.docker.host')) void session.refresh();
    }),
    // Docker is read only in a trusted workspace (berth.docker.host is a restricted setting).
    whenTrusted(() => void session.refresh()),
  );

  const startFor = (document: vscode.TextDocument): void => {
    if (server.running || !isBerthDocument(document)) return;
    server.ensureStarted().catch((e: unknown) => log.error(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`));
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(startFor),
    // A YAML file becomes a Berth file when `apiVersion: berth/v1` is typed into it.
    vscode.workspace.onDidChangeTextDocument((e) => startFor(e.document)),
  );
  vscode.workspace.textDocuments.forEach(startFor);

  // Editor title and context menus show Berth's commands only on Berth files.
  const setActiveContext = (editor: vscode.TextEditor | undefined): void =>
    void vscode.commands.executeCommand('setContext', 'berth.activeEditorIsBerthFile', editor !== undefined && isBerthDocument(editor.document));
  setActiveContext(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(setActiveContext));

  return {
    activatedAt,
    activationMs: Date.now() - activatedAt,
    timings: () => server.timings,
    lastPlacement: () => view.lastPosted,
    serverRunning: () => server.running,
    clusterItems: (parent) => tree.getChildren(parent),
    refreshClusters: () => session.refresh(),
    failovers: () => session.failoverLog(),
  };
}

export function deactivate(): void {}
