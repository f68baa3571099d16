/**
 * The language client for the bundled server (dist/server.js over stdio): started on the first
 * Berth document, restarted automatically up to a limit, restarted on demand, and reported in the
 * status bar. Everything else asks it for a running client.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { PLAN_METHOD, type InitializationOptions, type PlanParams, type PlanResult } from '../../server/engine/protocol';
import { isBerthDocument } from './berthFiles';
import { filterDuplicateDiagnostics } from './diagnosticsFilter';
import { readServerSettings } from './settings';
import type { ServerStatusBar } from './statusBar';

/** Automatic restarts are counted within this window; beyond `berth.server.maxRestarts`, stop. */
const RESTART_WINDOW_MS = 3 * 60_000;

export interface ServerTimings {
  readonly startedAt?: number;
  readonly readyAt?: number;
  readonly firstDiagnosticsAt?: number;
}

export class BerthServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private crashes: number[] = [];
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<void>();
  private timing: { startedAt?: number; readyAt?: number; firstDiagnosticsAt?: number } = {};
  /** Fires when the server (re)starts and when its results may have changed. */
  readonly onDidChange = this.changed.event;
  private readonly startedEmitter = new vscode.EventEmitter<void>();
  /** Fires each time a server process is running (first start, automatic or asked-for restart): it knows nothing sent before. */
  readonly onDidStart = this.startedEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: ServerStatusBar,
  ) {}

  get timings(): ServerTimings {
    return { ...this.timing };
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** The running client, started on first use. */
  ensureStarted(): Promise<LanguageClient> {
    if (this.client?.state === State.Running) return Promise.resolve(this.client);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async restart(): Promise<void> {
    this.crashes = [];
    const old = this.client;
    this.client = undefined;
    if (old) {
      this.status.show({ kind: 'starting' });
      await old.dispose(2_000).catch((e: unknown) => this.log.warn(`Stopping the old server: ${String(e)}`));
    }
    await this.ensureStarted();
  }

  async plan(params: PlanParams, token?: vscode.CancellationToken): Promise<PlanResult> {
    const client = await this.ensureStarted();
    return client.sendRequest<PlanResult>(PLAN_METHOD, params, token);
  }

  /** Sends a notification when a server is running (none is started for it); false when none is. */
  notify(method: string, params: unknown): boolean {
    const client = this.client;
    if (client?.state !== State.Running) return false;
    client.sendNotification(method, params).catch((e: unknown) => this.log.warn(`Sending ${method}: ${e instanceof Error ? e.message : String(e)}`));
    return true;
  }

  private async start(): Promise<LanguageClient> {
    const settings = readServerSettings();
    const module = this.context.asAbsolutePath('dist/server.js');
    const run = { module, transport: TransportKind.stdio, options: { execArgv: [...settings.execArgv] } };
    const serverOptions: ServerOptions = { run, debug: { ...run, options: { execArgv: [...settings.execArgv, '--nolazy', '--inspect=6019'] } } };
    const clientOptions: LanguageClientOptions = {
      // All file YAML goes to the server, which keeps only Berth files (by name, or by
      // `apiVersion: berth/v1` in the text, re-checked on every edit) and answers nothing for others.
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'file', pattern: '**/*.{job,cluster}.{yaml,yml}' },
      ],
      initializationOptions: { maxFileSizeMiB: settings.maxFileSizeMiB, analysisTimeBudgetMs: settings.analysisTimeBudgetMs, maxDocumentSizeMiB: settings.maxDocumentSizeMiB } satisfies InitializationOptions,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      errorHandler: this.errorHandler(),
      middleware: {
        didChange: async (event, next) => {
          if (event.contentChanges.length > 0 && isBerthDocument(event.document)) this.status.show({ kind: 'checking' });
          await next(event);
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          if (diagnostics.length > 0 && this.timing.firstDiagnosticsAt === undefined) this.timing.firstDiagnosticsAt = Date.now();
          next(uri, filterDuplicateDiagnostics(uri, diagnostics));
          this.status.show({ kind: 'ready', problems: countProblems(this.client) });
          this.changed.fire();
        },
      },
    };
    const client = new LanguageClient('berth', 'Berth Language Server', serverOptions, clientOptions);
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.status.show({ kind: 'ready', problems: 0 });
        this.startedEmitter.fire();
      }
      else if (e.newState === State.Starting) this.status.show({ kind: 'starting' });
    });
    this.client = client;
    this.status.show({ kind: 'starting' });
    this.timing = { startedAt: Date.now() };
    this.log.info(`Starting the language server: ${module}`);
    try {
      await client.start();
    } catch (e) {
      this.status.show({ kind: 'stopped', reason: `it could not start (${e instanceof Error ? e.message : String(e)})` });
      throw e;
    }
    this.timing.readyAt = Date.now();
    this.log.info(`Language server ready in ${this.timing.readyAt - (this.timing.startedAt ?? 0)} ms`);
    this.changed.fire();
    return client;
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count): ErrorHandlerResult => {
        this.log.error(`Language server connection error: ${error.message}`);
        return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: (): CloseHandlerResult => {
        if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
        const max = readServerSettings().maxRestarts;
        const now = Date.now();
        this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
        if (this.crashes.length <= max) {
          this.log.warn(`The language server stopped; restarting (${this.crashes.length}/${max}).`);
          this.status.show({ kind: 'restarting', attempt: this.crashes.length, max });
          return { action: CloseAction.Restart, handled: true };
        }
        const reason = `it stopped ${this.crashes.length} times in ${RESTART_WINDOW_MS / 60_000} minutes`;
        this.log.error(`The language server is not restarted again: ${reason}.`);
        this.status.show({ kind: 'stopped', reason });
        void vscode.window.showErrorMessage(`Berth: the language server stopped (${reason}).`, 'Show Log', 'Restart').then((choice) => {
          if (choice === 'Show Log') this.log.show();
          else if (choice === 'Restart') void vscode.commands.executeCommand('berth.restartServer');
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.changed.dispose();
    this.startedEmitter.dispose();
    const client = this.client;
    this.client = undefined;
    if (client) await client.dispose(2_000);
  }
}

function countProblems(client: LanguageClient | undefined): number {
  let n = 0;
  client?.diagnostics?.forEach((_uri, list) => (n += list.filter((d) => d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning).length));
  return n;
}
