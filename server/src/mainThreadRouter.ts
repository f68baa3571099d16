/**
 * The language server runs on two threads. The back (a worker thread) is the whole server of
 * server.ts: diagnostics, the plan and failover scan, previews, every request. The front owns the
 * client's connection and passes every message through, except completion, which it answers
 * itself from its own copy of the open documents (the same feature code, over a spec check
 * only). So completion never waits behind a plan that the back is computing, however large.
 *
 * The back writes its messages to the client itself (threads.ts), so they never wait for the
 * front; a back that posts them instead (the tests' fakes) has them written by the front.
 *
 * The front keeps no state the back does not have: documents come from the same notifications,
 * in the same order. If the back ever dies, the front answers what was pending with an error,
 * starts a new back, replays `initialize` and the open documents, and carries on.
 *
 * The watchdog: once the back has answered `initialize`, the front pings it every quarter of the
 * time budget (`berth.analysis.timeBudgetMs`). The back answers a ping between two pieces of work;
 * one left unanswered for the whole budget means a piece of work that runs away (a document too
 * expensive to analyse). The front then terminates the back, answers every pending request with
 * an empty result, marks the documents touched since the last answered ping (else the last one
 * changed) with an `analysis/too-expensive` diagnostic, and starts a new back with the other open
 * documents. A marked document is not passed on again, and requests on it are answered empty at
 * once, until its next change.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DiagnosticSeverity,
  ErrorCodes,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  Message,
  MessageType,
  type CompletionParams,
  type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type InitializeParams,
  type MessageReader,
  type MessageWriter,
  type PublishDiagnosticsParams,
  type NotificationMessage,
  type RequestMessage,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { LIVE_STATE_METHOD, maxDocumentSizeOf, maxFileSizeOf, timeBudgetOf, TIME_BUDGET_MS } from '../engine/protocol';
import { isBerthFile } from '../engine/spec/specKinds';
import { Positions, uriToPath } from './convert';
import { checkPublishedFirst } from './diagnostics';
import type { FileSystem } from './fileSystem';
import { EXCLUDE, FRONT_ID_PREFIX, PING, REPLAY_ID, SENT, TOO_EXPENSIVE, type Back, type ExcludeParams, type SentParams } from './mainThreadMethods';
import { LiveStateReplay } from './liveStateReplay';
import { guard, guarded } from './guard';
import type { Workspace } from './workspace';

/**
 * The spec checker and completion, loaded on first use (the first completion, or the first check
 * after the back has published): this thread starts with message routing only, and does not
 * compete with the back's start for a core. `require` keeps the bundle from evaluating them early.
 */
interface Engine {
  readonly Workspace: typeof import('./workspace').Workspace;
  readonly completeAt: typeof import('./features/completion').completeAt;
}
let engine: Engine | undefined;
function loadEngine(): Engine {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (see above) */
  engine ??= {
    Workspace: (require('./workspace') as typeof import('./workspace')).Workspace,
    completeAt: (require('./features/completion') as typeof import('./features/completion')).completeAt,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return engine;
}

/** Notifications that change what the back analyses. */
const DOCUMENT_CHANGES = new Set<string>([
  DidOpenTextDocumentNotification.method,
  DidChangeTextDocumentNotification.method,
  DidCloseTextDocumentNotification.method,
  DidChangeWatchedFilesNotification.method,
]);
/** Requests the front answers itself. */
const LOCAL_REQUESTS = new Set<string>([CompletionRequest.method]);
/** How long the front works on a file just opened before it reads the client's messages again (see `warm`). */
const WARM_SLICE_MS = 10;
/** Restarts of a back that died, before the server gives up (the client may then restart it). */
const MAX_RESTARTS = 5;

export class Front {
  private back: Back;
  private readonly documents = new Map<string, TextDocument>();
  /** Made on first use from the open documents (see loadEngine). */
  private workspaceMade: Workspace | undefined;
  private readonly positions = new Positions(this.documents);
  private initialize: RequestMessage | undefined;
  private folders: string[] = [];
  private indexed = false;
  /** Client requests forwarded to the back and not yet answered, by id. */
  private readonly pending = new Set<string | number>();
  private exiting = false;
  /** Open Berth files the front has not checked yet, by URI: how many of the back's publishes to wait for first (see warm). */
  private readonly unwarmed = new Map<string, number>();
  private restarts = 0;
  /** The last `berth/liveState` of each cluster, replayed to a new back. */
  private readonly liveStates = new LiveStateReplay();
  /** The watchdog (see above). */
  private budgetMs = TIME_BUDGET_MS;
  private maxDocumentSize = maxDocumentSizeOf(undefined);
  private maxFileSize: number | undefined;
  private pinger: ReturnType<typeof setInterval> | undefined;
  private ping: { id: string; sentAt: number } | undefined;
  private pings = 0;
  /** Documents posted to the back (changed, or asked about) since the last answered ping. */
  private readonly touched = new Set<string>();
  private lastChanged: string | undefined;
  /** Documents whose analysis was stopped, by URI, with the version it was stopped at. */
  private readonly stopped = new Map<string, number>();

  constructor(
    private readonly writer: MessageWriter,
    private readonly fs: FileSystem,
    private readonly startBack: () => Back,
    /** Called once the back has handled `exit` (with its exit code). */
    private readonly onExit: (code: number) => void,
  ) {
    this.back = this.connect();
  }

  /** The front's workspace, made on first use with the Berth files open by then. */
  private workspace(): Workspace {
    if (this.workspaceMade) return this.workspaceMade;
    // Completion reads documents and models, never problems: the front's checks skip the rules.
    const ws = new (loadEngine().Workspace)(this.fs, (m) => this.log(m), { rules: false });
    ws.limits = { maxFileSize: this.maxFileSize ?? ws.limits.maxFileSize, maxDocumentSize: this.maxDocumentSize };
    for (const doc of this.documents.values()) {
      const path = uriToPath(doc.uri);
      const text = doc.getText();
      if (text.length <= this.maxDocumentSize && !this.stopped.has(doc.uri) && isBerthFile(path, text)) ws.open(path, text, doc.version);
    }
    this.workspaceMade = ws;
    return ws;
  }

  /** Reads the client's messages until its stream closes. */
  listen(reader: MessageReader): void {
    reader.listen((message) => this.fromClient(message));
    reader.onClose(() => {
      this.exiting = true;
      this.back.terminate();
      this.onExit(1);
    });
  }

  private connect(): Back {
    const back = this.startBack();
    back.onMessage((message) => this.fromBack(message));
    back.onExit((code) => this.backExited(back, code));
    return back;
  }

  fromClient(message: Message): void {
    const uri = uriIn(message);
    if (Message.isRequest(message) && uri !== undefined && this.stopped.has(uri)) return this.respond({ jsonrpc: '2.0', id: message.id, result: null });
    if (Message.isRequest(message) && LOCAL_REQUESTS.has(message.method)) return this.answer(message);
    if (uri !== undefined && this.stopped.has(uri) && Message.isNotification(message)) return this.resume(uri, message);
    if (uri !== undefined) this.touched.add(uri);
    if (uri !== undefined && Message.isNotification(message) && DOCUMENT_CHANGES.has(message.method)) this.lastChanged = uri;
    // The back first: it starts on an edit while this thread does its bookkeeping (nothing the back
    // sends can be handled here before this call returns). A change is counted before it is posted,
    // so that a full analysis under way on the back stops for it.
    if (Message.isNotification(message) && DOCUMENT_CHANGES.has(message.method)) this.back.changing?.();
    this.back.post(message);
    if (Message.isRequest(message)) {
      if (message.method === InitializeRequest.method) this.initialized(message);
      this.pending.add(message.id ?? '');
    } else if (Message.isNotification(message)) {
      if (message.method === ExitNotification.method) this.exiting = true;
      guard((m) => this.log(m), `front: ${message.method}`, () => this.track(message));
    }
  }

  private fromBack(message: Message): void {
    if (Message.isNotification(message) && message.method === SENT) {
      const sent = message.params as SentParams;
      if (sent.id !== undefined) {
      this.pending.delete(sent.id);
      if (sent.id === this.initialize?.id) this.startWatchdog();
    }
      if (sent.uri !== undefined) this.warm(sent.uri);
      return;
    }
    if (Message.isResponse(message)) {
      if (typeof message.id === 'string' && message.id.startsWith(FRONT_ID_PREFIX)) return this.frontAnswered(message.id);
      if (message.id !== null) this.pending.delete(message.id);
    }
    void this.writer.write(message);
    if (Message.isNotification(message) && message.method === PublishDiagnosticsNotification.method) this.warm((message.params as PublishDiagnosticsParams).uri);
  }

  /**
   * The first check of a file the back has just published for (see `track`): what it parses,
   * validates and models done ahead in slices of WARM_SLICE_MS (Workspace.prime), each in a turn of
   * its own, so that the messages that come meanwhile (the next edit, which the back is waiting
   * for) are passed on between them.
   */
  private warm(uri: string): void {
    const left = this.unwarmed.get(uri);
    if (left === undefined) return;
    if (left > 1) {
      this.unwarmed.set(uri, left - 1);
      return;
    }
    this.unwarmed.delete(uri);
    const path = uriToPath(uri);
    const slice = (): void =>
      guard((m) => this.log(m), `front: checking ${path}`, () => {
        const ws = this.workspace();
        if (!ws.isOpen(path)) return;
        const deadline = performance.now() + WARM_SLICE_MS;
        if (ws.prime(path, () => performance.now() < deadline)) ws.check(path);
        else setImmediate(slice);
      });
    setImmediate(slice);
  }

  /** The back answered one of the front's own requests: a replayed `initialize` or a ping. */
  private frontAnswered(id: string): void {
    if (id === REPLAY_ID) return this.startWatchdog();
    if (this.ping?.id !== id) return;
    this.ping = undefined;
    this.touched.clear();
  }

  /** Pings the back every quarter budget, from its answer to `initialize` on (see above). */
  private startWatchdog(): void {
    if (this.pinger) clearInterval(this.pinger);
    this.ping = undefined;
    const every = Math.max(10, Math.floor(this.budgetMs / 4));
    this.pinger = setInterval(() => this.watch(), every);
    this.pinger.unref?.();
  }

  private stopWatchdog(): void {
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = undefined;
    this.ping = undefined;
  }

  private watch(): void {
    if (this.exiting) return this.stopWatchdog();
    const now = performance.now();
    if (!this.ping) {
      this.ping = { id: `${PING}/${++this.pings}`, sentAt: now };
      this.back.post({ jsonrpc: '2.0', id: this.ping.id, method: PING } as RequestMessage);
      return;
    }
    if (now - this.ping.sentAt >= this.budgetMs) this.runaway(now - this.ping.sentAt);
  }

  /** The back has not answered for the whole budget: stop it, mark what it was working on, start another. */
  private runaway(ms: number): void {
    this.stopWatchdog();
    const suspects = this.touched.size > 0 ? [...this.touched] : this.lastChanged === undefined ? [] : [this.lastChanged];
    const marked = suspects.filter((uri) => this.documents.has(uri));
    this.log(`[error] the analysis thread did not answer for ${Math.round(ms)} ms (berth.analysis.timeBudgetMs is ${this.budgetMs}): stopped${marked.length > 0 ? ` while analysing ${marked.join(', ')}` : ''}; starting it again`);
    const old = this.back;
    this.touched.clear();
    for (const id of this.pending) this.respond({ jsonrpc: '2.0', id, result: null });
    this.pending.clear();
    for (const uri of marked) this.markStopped(uri);
    old.terminate();
    this.restartBack();
  }

  /** Publishes the `analysis/too-expensive` diagnostic for a document, and keeps it from the back until it changes. */
  private markStopped(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.stopped.set(uri, doc.version);
    this.unwarmed.delete(uri);
    const message = `analysis stopped: too expensive (no answer within the ${this.budgetMs} ms time budget, berth.analysis.timeBudgetMs); nothing of this document is checked until it changes`;
    const params: PublishDiagnosticsParams = {
      uri,
      version: doc.version,
      diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Warning, code: TOO_EXPENSIVE, source: 'berth', message }],
    };
    void this.writer.write({ jsonrpc: '2.0', method: PublishDiagnosticsNotification.method, params } as NotificationMessage);
  }

  /** A change to a document whose analysis was stopped: the back gets it whole, as just opened. */
  private resume(uri: string, message: NotificationMessage): void {
    this.stopped.delete(uri);
    guard((m) => this.log(m), `front: ${message.method}`, () => this.track(message));
    const doc = this.documents.get(uri);
    this.back.changing?.();
    this.touched.add(uri);
    this.lastChanged = uri;
    if (message.method === DidChangeTextDocumentNotification.method && doc) {
      const params: DidOpenTextDocumentParams = { textDocument: { uri: doc.uri, languageId: doc.languageId, version: doc.version, text: doc.getText() } };
      this.back.post({ jsonrpc: '2.0', method: DidOpenTextDocumentNotification.method, params } as NotificationMessage);
    } else if (message.method === DidCloseTextDocumentNotification.method) {
      // The back never had it: clear the front's diagnostic itself.
      void this.writer.write({ jsonrpc: '2.0', method: PublishDiagnosticsNotification.method, params: { uri, diagnostics: [] } } as NotificationMessage);
    } else this.back.post(message);
  }

  private backExited(back: Back, code: number): void {
    if (back !== this.back) return;
    if (this.exiting) return this.onExit(code);
    // The back also stops when the editor that started us is gone (its `processId` watch): so do we.
    // And a back that keeps dying is not started forever.
    if (!this.clientAlive() || ++this.restarts > MAX_RESTARTS) {
      this.exiting = true;
      return this.onExit(code === 0 ? 1 : code);
    }
    this.log(`[error] the analysis thread stopped (code ${code}); starting it again`);
    for (const id of this.pending) this.respond({ jsonrpc: '2.0', id, error: { code: ErrorCodes.InternalError, message: 'the analysis thread restarted; try again' } });
    this.pending.clear();
    this.stopWatchdog();
    this.restartBack();
  }

  /** A new back, given `initialize` and the open documents (but those whose analysis was stopped). */
  private restartBack(): void {
    this.back = this.connect();
    if (!this.initialize) return;
    this.back.post({ ...this.initialize, id: REPLAY_ID } as RequestMessage);
    this.back.post({ jsonrpc: '2.0', method: InitializedNotification.method, params: {} } as NotificationMessage);
    if (this.stopped.size > 0) {
      const params: ExcludeParams = { uris: [...this.stopped.keys()] };
      this.back.post({ jsonrpc: '2.0', method: EXCLUDE, params } as NotificationMessage);
    }
    for (const doc of this.documents.values()) {
      if (this.stopped.has(doc.uri)) continue;
      const params: DidOpenTextDocumentParams = { textDocument: { uri: doc.uri, languageId: doc.languageId, version: doc.version, text: doc.getText() } };
      this.back.post({ jsonrpc: '2.0', method: DidOpenTextDocumentNotification.method, params } as NotificationMessage);
    }
    for (const message of this.liveStates.all()) this.back.post(message);
  }

  private clientAlive(): boolean {
    const pid = (this.initialize?.params as InitializeParams | undefined)?.processId;
    if (typeof pid !== 'number') return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: the process exists but is not ours to signal.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  private initialized(message: RequestMessage): void {
    this.initialize = message;
    const params = message.params as InitializeParams;
    const maxFileSize = maxFileSizeOf(params.initializationOptions);
    if (maxFileSize !== undefined) this.fs.setMaxFileSize?.(maxFileSize);
    this.maxFileSize = maxFileSize;
    this.budgetMs = timeBudgetOf(params.initializationOptions);
    this.maxDocumentSize = maxDocumentSizeOf(params.initializationOptions);
    this.folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (this.folders.length === 0 && params.rootUri) this.folders.push(uriToPath(params.rootUri));
  }

  /** Keeps the front's documents and workspace in step with the back's. */
  private track(message: NotificationMessage): void {
    switch (message.method) {
      case DidOpenTextDocumentNotification.method: {
        const { textDocument: d } = message.params as DidOpenTextDocumentParams;
        this.documents.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
        const path = uriToPath(d.uri);
        // Completion does not serve a document above the size limit: the front never checks it.
        if (d.text.length > this.maxDocumentSize || !isBerthFile(path, d.text)) return;
        this.workspaceMade?.open(path, d.text, d.version);
        // Check it once, so that the first completion re-checks only what an edit changed (a first
        // check of a 5,000-task file costs most of a second): once the back has published the
        // file's first diagnostics, so as not to compete with them for a core: a large file's
        // first publish is its check alone, and the analysis's comes second (the back's rule,
        // checkPublishedFirst; an edit before its first publish may move the file across the
        // threshold, and the warm-up then comes a publish early or late, no more).
        this.unwarmed.set(d.uri, checkPublishedFirst(d.text) ? 2 : 1);
        return;
      }
      case DidChangeTextDocumentNotification.method: {
        const { textDocument: d, contentChanges } = message.params as DidChangeTextDocumentParams;
        const doc = this.documents.get(d.uri);
        if (!doc) return;
        const updated = TextDocument.update(doc, contentChanges, d.version);
        this.documents.set(d.uri, updated);
        const path = uriToPath(d.uri);
        const text = updated.getText();
        const ws = this.workspaceMade;
        if (ws && text.length > this.maxDocumentSize) {
          if (ws.isOpen(path)) ws.close(path);
          this.unwarmed.delete(d.uri);
        } else if (ws && (ws.isOpen(path) || isBerthFile(path, text))) ws.change(path, text, d.version);
        return;
      }
      case DidCloseTextDocumentNotification.method: {
        const { textDocument: d } = message.params as DidCloseTextDocumentParams;
        this.documents.delete(d.uri);
        this.unwarmed.delete(d.uri);
        const path = uriToPath(d.uri);
        this.workspaceMade?.close(path);
        this.positions.forget(path);
        return;
      }
      case DidChangeWatchedFilesNotification.method: {
        const { changes } = message.params as DidChangeWatchedFilesParams;
        for (const c of changes) this.workspaceMade?.refreshFromDisk(uriToPath(c.uri));
        return;
      }
      case LIVE_STATE_METHOD:
        this.liveStates.remember(message);
        return;
    }
  }

  private answer(request: RequestMessage): void {
    const log = (m: string): void => this.log(m);
    const doc = this.documents.get(uriIn(request) ?? '');
    if (doc && doc.getText().length > this.maxDocumentSize) return this.respond({ jsonrpc: '2.0', id: request.id, result: null });
    if (!this.indexed) {
      // Cluster files for `cluster:` completion; indexed on first use, not at start.
      this.indexed = true;
      guard(log, 'front: indexing the workspace', () => this.workspace().indexFolders(this.folders));
    }
    const result = guarded(log, 'completion', null, () => {
      const ctx = { workspace: this.workspace(), positions: this.positions, documents: this.documents, log };
      return loadEngine().completeAt(ctx, request.params as CompletionParams);
    });
    this.respond({ jsonrpc: '2.0', id: request.id, result });
  }

  private respond(response: ResponseMessage): void {
    void this.writer.write(response);
  }

  private log(message: string): void {
    const params = { type: message.startsWith('[error]') ? MessageType.Error : MessageType.Log, message };
    void this.writer.write({ jsonrpc: '2.0', method: LogMessageNotification.method, params } as NotificationMessage);
  }
}

/** The document a message is about (`textDocument.uri`, or `uri` as in `berth/plan`), if any. */
function uriIn(message: Message): string | undefined {
  if (!Message.isRequest(message) && !Message.isNotification(message)) return undefined;
  const params = message.params as { textDocument?: { uri?: unknown }; uri?: unknown } | null | undefined;
  const uri = params?.textDocument?.uri ?? params?.uri;
  return typeof uri === 'string' ? uri : undefined;
}
