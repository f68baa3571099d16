/**
 * The language server's composition root: wires the connection to the workspace, the analysis,
 * the diagnostics scheduler and one module per feature. No module-level state: tests start as
 * many servers as they like over in-memory streams.
 */
import { CodeLensRefreshRequest, DidChangeWatchedFilesNotification, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isBerthFile } from '../engine/checkSpec';
import { maxDocumentSizeOf, maxFileSizeOf } from '../engine/protocol';
import { Analyses } from './analysis';
import { pathToUri, Positions, uriToPath } from './convert';
import { DiagnosticsScheduler } from './diagnostics';
import type { FileSystem } from './fileSystem';
import { registerFeatures, type FeatureContext } from './features';
import { EXCLUDE, type ExcludeParams } from './mainThreadMethods';
import { guard, guarded } from './guard';
import { LiveStates, registerLiveState } from './liveStates';
import { Workspace } from './workspace';

export interface ServerOptions {
  /** Debounce before re-analysing after an edit, in ms (at most 50). */
  readonly debounceMs?: number;
  /** Workspace size (task instances × nodes) above which the quick analysis scans single nodes only. */
  readonly quickFirstAbove?: number;
  /** Pause in typing before the full analysis (with the capacity suggestion), in ms. */
  readonly fullDelayMs?: number;
  /** A file this large checked anew is published before the analysis (DiagnosticsDeps.earlyCheckChars). */
  readonly earlyCheckChars?: number;
  /** Document changes passed on so far by the front (see DiagnosticsDeps.changeCount). */
  readonly changeCount?: () => number;
}

export function startServer(connection: Connection, fs: FileSystem, options: ServerOptions = {}): void {
  const log = (message: string): void => connection.console.log(message);
  const workspace = new Workspace(fs, log);
  const analyses = new Analyses(workspace, options.quickFirstAbove);
  const documents = new Map<string, TextDocument>();
  const positions = new Positions(documents);

  const diagnostics = new DiagnosticsScheduler({
    connection,
    workspace,
    analyses,
    positions,
    debounceMs: Math.min(50, options.debounceMs ?? 25),
    ...(options.fullDelayMs === undefined ? {} : { fullDelayMs: options.fullDelayMs }),
    ...(options.earlyCheckChars === undefined ? {} : { earlyCheckChars: options.earlyCheckChars }),
    ...(options.changeCount === undefined ? {} : { changeCount: options.changeCount }),
    log,
    flushed: () => indexer.resume(),
  });
  const indexer = new BackgroundIndex(workspace, diagnostics, log);

  const live = new LiveStates();
  const ctx: FeatureContext = { connection, workspace, analyses, positions, documents, log, live };
  // A new live state changes hints and lenses, not diagnostics: the client asks for them again.
  let refreshes = { inlayHints: false, codeLenses: false };
  registerLiveState(connection, live, log, () => {
    if (refreshes.inlayHints) void connection.languages.inlayHint.refresh().catch((e: unknown) => log(`[warn] inlay hint refresh: ${String(e)}`));
    if (refreshes.codeLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch((e: unknown) => log(`[warn] code lens refresh: ${String(e)}`));
  });

  let watchRegistration = false;
  connection.onInitialize((params): InitializeResult => {
    const maxFileSize = maxFileSizeOf(params.initializationOptions);
    if (maxFileSize !== undefined) fs.setMaxFileSize?.(maxFileSize);
    workspace.limits = { maxFileSize: maxFileSize ?? workspace.limits.maxFileSize, maxDocumentSize: maxDocumentSizeOf(params.initializationOptions) };
    const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (folders.length === 0 && params.rootUri) folders.push(uriToPath(params.rootUri));
    // Indexed in the background, after the first diagnostics (see BackgroundIndex).
    workspace.startIndexing(folders);
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    refreshes = { inlayHints: params.capabilities.workspace?.inlayHint?.refreshSupport === true, codeLenses: params.capabilities.workspace?.codeLens?.refreshSupport === true };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        ...registerFeatures(ctx),
      },
      serverInfo: { name: 'berth-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
    }
  });

  connection.onShutdown(() => {
    indexer.stop();
    diagnostics.stop();
  });

  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    guard(log, `opening ${d.uri}`, () => {
      const path = uriToPath(d.uri);
      documents.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
      if (!isBerthFile(path, d.text)) return;
      workspace.open(path, d.text, d.version);
      diagnostics.changed(path);
    });
  });

  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    guard(log, `editing ${d.uri}`, () => {
      const doc = documents.get(d.uri);
      if (!doc) return;
      const updated = TextDocument.update(doc, contentChanges, d.version);
      documents.set(d.uri, updated);
      const path = uriToPath(d.uri);
      const text = updated.getText();
      if (!workspace.isOpen(path) && !isBerthFile(path, text)) return;
      workspace.change(path, text, d.version);
      diagnostics.changed(path);
    });
  });

  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    guard(log, `closing ${d.uri}`, () => {
      documents.delete(d.uri);
      const path = uriToPath(d.uri);
      workspace.close(path);
      positions.forget(path);
      void connection.sendDiagnostics({ uri: pathToUri(path), diagnostics: [] });
      diagnostics.changed(path);
    });
  });

  // From the front's watchdog (mainThreadRouter.ts): files whose analysis was stopped, left alone until opened.
  connection.onNotification(EXCLUDE, (params: ExcludeParams) => {
    guard(log, 'excluding files', () => {
      for (const uri of params.uris) workspace.exclude(uriToPath(uri));
    });
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    guard(log, 'file changes', () => {
      for (const c of changes) {
        const path = uriToPath(c.uri);
        workspace.refreshFromDisk(path);
        diagnostics.changed(path);
      }
    });
  });
}

/** Milliseconds of indexing per turn of the event loop. */
const INDEX_SLICE_MS = 8;

/**
 * Indexes the workspace folders a slice per turn, so that a job's diagnostics never wait for it:
 * it starts after the first flush (the open documents' diagnostics published; a job reads its own
 * cluster file directly) and pauses while a flush is due. Once files were indexed, by it or by an
 * answer that needed every file (a cluster file's diagnostics, a full analysis, references,
 * `berth/plan` index what is left at once), the open files are analysed again, now with every job
 * of the workspace on their cluster.
 */
class BackgroundIndex {
  private scheduled = false;
  private stopped = false;
  /** Indexed files the open files' last analysis may not have seen. */
  private seen = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly diagnostics: DiagnosticsScheduler,
    private readonly log: (message: string) => void,
  ) {
    workspace.onFolderIndexed = (folder, added) => log(`indexed ${folder}: ${added} Berth file${added === 1 ? '' : 's'}`);
  }

  /** After a flush: a slice on the next turn; once indexed, analyse the open files again if files were added. */
  resume(): void {
    if (this.scheduled || this.stopped) return;
    if (this.workspace.indexing()) {
      this.scheduled = true;
      setImmediate(() => this.slice());
      return;
    }
    const indexed = this.workspace.filesIndexed();
    if (indexed === this.seen) return;
    this.seen = indexed;
    this.diagnostics.changed('');
  }

  stop(): void {
    this.stopped = true;
  }

  private slice(): void {
    this.scheduled = false;
    // A flush is due: it goes first, and resumes the index when done.
    if (this.stopped || this.diagnostics.pending()) return;
    const deadline = performance.now() + INDEX_SLICE_MS;
    const step = guarded<boolean | 'failed'>(this.log, 'indexing the workspace', 'failed', () => this.workspace.indexStep(() => performance.now() < deadline && !this.diagnostics.pending()));
    // A bug (logged) stops the background index; answers that need every file still try.
    if (step === 'failed') this.stopped = true;
    else this.resume();
  }
}
