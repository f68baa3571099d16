/**
 * Drives a real language server over JSON-RPC: in-process over in-memory streams (with an
 * in-memory file system), or the bundled server over stdio. Tests await notifications, never timers.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createMessageConnection, Message, StreamMessageReader, StreamMessageWriter, type MessageConnection, type MessageWriter } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import type { Diagnostic, InitializeResult, InlayHint, InlayHintLabelPart, PublishDiagnosticsParams, TextDocumentContentChangeEvent, TextEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { findSpecFiles } from '../../server/engine/spec/specFiles';
import type { FileSystem } from '../../server/src/fileSystem';
import { startServer, type ServerOptions } from '../../server/src/server';

/** A file system of a few files in memory. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();
  constructor(files: Record<string, string> = {}) {
    for (const [p, t] of Object.entries(files)) this.files.set(p, t);
  }
  readFile(path: string): string | undefined {
    return this.files.get(path);
  }
  findSpecFiles(root: string): string[] {
    return findSpecFiles(root, {
      list: (dir) => {
        const prefix = dir.endsWith('/') ? dir : `${dir}/`;
        const names = new Map<string, 'file' | 'directory'>();
        for (const p of this.files.keys()) {
          if (!p.startsWith(prefix)) continue;
          const rest = p.slice(prefix.length);
          const slash = rest.indexOf('/');
          names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
        }
        return [...names].map(([name, kind]) => ({ name, kind }));
      },
      readFile: (p) => this.readFile(p),
    });
  }
}

export const uriOf = (path: string): string => URI.file(path).toString();

export class TestClient {
  private readonly waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  /** The last diagnostics published per URI. */
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  /** Every publish, in order of arrival. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** When each publish arrived (performance.now()), for benchmarks that read it after other awaits. */
  readonly arrivedAt = new WeakMap<PublishDiagnosticsParams, number>();
  readonly logs: string[] = [];
  /** How many publishes had arrived when each log line did (see diagnosticsAfterIndex). */
  private readonly publishedAtLog: number[] = [];
  private readonly logWaiters: { test: (m: string) => boolean; resolve: (m: string) => void }[] = [];
  private readonly versions = new Map<string, number>();

  constructor(
    readonly rpc: MessageConnection,
    private readonly onClose: () => void,
  ) {
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.arrivedAt.set(p, performance.now());
      this.latest.set(p.uri, p);
      this.published.push(p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w && w.uri === p.uri && w.test(p)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
    rpc.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.publishedAtLog.push(this.published.length);
      for (let i = this.logWaiters.length - 1; i >= 0; i--) {
        const w = this.logWaiters[i];
        if (w && w.test(p.message)) {
          this.logWaiters.splice(i, 1);
          w.resolve(p.message);
        }
      }
    });
    rpc.onRequest('client/registerCapability', () => null);
    rpc.onRequest('workspace/configuration', () => []);
    rpc.listen();
  }

  async initialize(rootPath: string, initializationOptions?: object): Promise<InitializeResult> {
    const result = await this.rpc.sendRequest<InitializeResult>('initialize', {
      processId: null,
      ...(initializationOptions === undefined ? {} : { initializationOptions }),
      rootUri: uriOf(rootPath),
      workspaceFolders: [{ uri: uriOf(rootPath), name: 'ws' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await this.rpc.sendNotification('initialized', {});
    return result;
  }

  /**
   * Resolves with the next diagnostics for `path` that pass `test` (by default: for the latest
   * version sent). Also checks the last published ones, which may have arrived already.
   */
  diagnostics(path: string, test?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    const uri = uriOf(path);
    const version = this.versions.get(uri);
    const accept = test ?? ((p: PublishDiagnosticsParams) => version === undefined || p.version === undefined || p.version >= version);
    const last = this.latest.get(uri);
    if (last && accept(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.waiters.push({ uri, test: accept, resolve }));
  }

  /** Resolves with the first log line (logged already or from now on) that passes `test`. */
  logged(test: (message: string) => boolean): Promise<string> {
    const hit = this.logs.find(test);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve) => this.logWaiters.push({ test, resolve }));
  }

  /**
   * The first diagnostics for `path` published after the server logged that it indexed the
   * workspace folder (`indexed FOLDER: …`): a document's first diagnostics do not wait for the
   * index, so what depends on files not open comes after it.
   */
  async diagnosticsAfterIndex(path: string, folder: string): Promise<PublishDiagnosticsParams> {
    const line = await this.logged((m) => m.startsWith(`indexed ${folder}: `));
    const from = this.publishedAtLog[this.logs.indexOf(line)] ?? 0;
    const uri = uriOf(path);
    return this.published.slice(from).find((p) => p.uri === uri) ?? this.nextDiagnostics(path);
  }

  /** Resolves once `count` log lines (logged already or from now on) have passed `test`. */
  async loggedTimes(test: (message: string) => boolean, count: number): Promise<void> {
    while (this.logs.filter(test).length < count) {
      const seen = this.logs.length;
      await this.logged((m) => this.logs.indexOf(m, seen) >= seen && test(m));
    }
  }

  /** Diagnostics that arrive after now (not the last published ones). */
  nextDiagnostics(path: string, test: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const uri = uriOf(path);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  async open(path: string, text: string): Promise<void> {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    await this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }

  async change(path: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(path: string): Promise<void> {
    await this.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(path) } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.rpc.sendRequest<R>(method, params);
  }

  /** The LSP `shutdown` request alone: the server stops its work; the connection stays open. */
  async requestShutdown(): Promise<void> {
    await this.rpc.sendRequest('shutdown');
  }

  /** `exit`, then the connection closed. */
  async exit(): Promise<void> {
    await this.rpc.sendNotification('exit');
    this.rpc.dispose();
    this.onClose();
  }

  async shutdown(): Promise<void> {
    await this.requestShutdown();
    await this.exit();
  }
}

/**
 * A writer that keeps every message the server sends, at the moment it sends it (before the
 * stream carries it): what the server did is known without waiting for the client to read it.
 */
class RecordingWriter implements MessageWriter {
  constructor(
    private readonly inner: MessageWriter,
    private readonly sent: Message[],
  ) {}
  get onError(): MessageWriter['onError'] {
    return this.inner.onError;
  }
  get onClose(): MessageWriter['onClose'] {
    return this.inner.onClose;
  }
  write(message: Message): Promise<void> {
    this.sent.push(message);
    return this.inner.write(message);
  }
  end(): void {
    this.inner.end();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** The diagnostics among messages a server sent. */
export function publishesIn(messages: readonly Message[]): PublishDiagnosticsParams[] {
  return messages.flatMap((m) => (Message.isNotification(m) && m.method === 'textDocument/publishDiagnostics' ? [m.params as PublishDiagnosticsParams] : []));
}

/** The real server in this process, over in-memory streams; `sent`: every message it sent, as it sent it. */
export async function startInMemory(root: string, files: Record<string, string>, debounceMs = 5): Promise<{ client: TestClient; fs: MemoryFileSystem; sent: readonly Message[] }> {
  const fs = new MemoryFileSystem(files);
  const sent: Message[] = [];
  return { client: await startOn(root, fs, debounceMs, {}, sent), fs, sent };
}

/**
 * The real server in this process on a given file system (a fake one, to inject faults). Every
 * message the server sends is also pushed onto `sent`, when it sends it.
 */
export async function startOn(root: string, fs: FileSystem, debounceMs = 5, options: Omit<ServerOptions, 'debounceMs'> = {}, sent: Message[] = []): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new RecordingWriter(new StreamMessageWriter(toClient), sent));
  startServer(serverConnection, fs, { ...options, debounceMs });
  serverConnection.listen();
  const rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const client = new TestClient(rpc, () => {
    serverConnection.dispose();
    toServer.destroy();
    toClient.destroy();
  });
  await client.initialize(root);
  return client;
}

/** The bundled `dist/server.js --stdio` as a child process. */
export async function startStdio(serverJs: string, root: string, initializationOptions?: object): Promise<{ client: TestClient; child: ChildProcess }> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (!child.stdout || !child.stdin) throw new Error('no stdio on the server process');
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const client = new TestClient(rpc, () => undefined);
  await client.initialize(root, initializationOptions);
  return { client, child };
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

/** A diagnostic's message as plain text (LSP 3.18 allows markup). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** The offset of an LSP position in `text` (lines split on \n). */
export function offsetOf(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let o = 0;
  for (let l = 0; l < p.line; l++) o += (lines[l] ?? '').length + 1;
  return o + p.character;
}

/** `text` with the edits applied, as an editor applies a WorkspaceEdit's edits to one document. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

/** Rejects with `message` when `promise` has not settled by the deadline (a hang becomes a message, never a wait). */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** An inlay hint's text (its label parts joined). */
export function label(h: InlayHint): string {
  return (typeof h.label === 'string' ? h.label : h.label.map((p: InlayHintLabelPart) => p.value).join('')).trim();
}

/** The line of `text` that holds `needle` (0-based), or a failure naming it. */
export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `"${needle}" is not in the text`);
  return line;
}
