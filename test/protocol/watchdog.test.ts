/**
 * The front's watchdog (server/src/mainThreadRouter.ts) against fake backs: one that stops answering pings is
 * terminated after the time budget, its pending requests answered, the document it was working on
 * marked `analysis/too-expensive` and kept from the new back until it changes; one that answers
 * pings is left alone. Real timers with a 60 ms budget, polled with a deadline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message, MessageWriter, NotificationMessage, PublishDiagnosticsParams, RequestMessage, ResponseMessage } from 'vscode-languageserver/node';
import { Front } from '../../server/src/mainThreadRouter';
import { type Back } from '../../server/src/mainThreadMethods';
import { SENT } from '../../server/src/mainThreadMethods';
import { EXCLUDE, PING } from '../../server/src/mainThreadMethods';
import { repoRoot } from '../unit/spec/repoRoot';
import { MemoryFileSystem, uriOf } from './harness';

const seedDir = join(repoRoot(), 'examples', 'seed');
const files = {
  '/ws/seed.job.yaml': readFileSync(join(seedDir, 'seed.job.yaml'), 'utf8'),
  '/ws/seed.cluster.yaml': readFileSync(join(seedDir, 'seed.cluster.yaml'), 'utf8'),
};
const JOB = uriOf('/ws/seed.job.yaml');
const CLUSTER = uriOf('/ws/seed.cluster.yaml');
const BUDGET_MS = 60;

class FakeBack implements Back {
  readonly received: Message[] = [];
  terminated = false;
  private listener: ((m: Message) => void) | undefined;
  constructor(private readonly answersPings: boolean) {}
  post(message: Message): void {
    this.received.push(message);
    const m = message as RequestMessage;
    if (m.method === PING && this.answersPings) queueMicrotask(() => this.listener?.({ jsonrpc: '2.0', id: m.id, result: null } as ResponseMessage));
  }
  onMessage(listener: (m: Message) => void): void {
    this.listener = listener;
  }
  onExit(): void {}
  terminate(): void {
    this.terminated = true;
  }
  send(message: Message): void {
    this.listener?.(message);
  }
  methods(): string[] {
    return this.received.map((m) => (m as RequestMessage).method ?? `response ${String((m as ResponseMessage).id)}`);
  }
  pings(): number {
    return this.received.filter((m) => (m as RequestMessage).method === PING).length;
  }
}

async function until(what: string, ok: () => boolean, ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup(answersPings: (k: number) => boolean): { front: Front; backs: FakeBack[]; written: Message[] } {
  const backs: FakeBack[] = [];
  const written: Message[] = [];
  const writer = { write: (m: Message) => (written.push(m), Promise.resolve()) } as unknown as MessageWriter;
  const front = new Front(writer, new MemoryFileSystem(files), () => {
    const b = new FakeBack(answersPings(backs.length));
    backs.push(b);
    return b;
  }, () => undefined);
  front.fromClient({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: uriOf('/ws'), capabilities: {}, initializationOptions: { analysisTimeBudgetMs: BUDGET_MS } } } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'initialized', params: {} } as NotificationMessage);
  // The back wrote its answer to `initialize` itself and says so: the watchdog starts.
  backs[0]?.send({ jsonrpc: '2.0', method: SENT, params: { id: 1 } } as NotificationMessage);
  for (const [path, text] of Object.entries(files)) {
    front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: uriOf(path), languageId: 'yaml', version: 1, text } } } as NotificationMessage);
  }
  return { front, backs, written };
}

const published = (written: readonly Message[], uri: string): PublishDiagnosticsParams[] =>
  written.flatMap((m) => {
    const n = m as NotificationMessage;
    const params = n.params as PublishDiagnosticsParams | undefined;
    return n.method === 'textDocument/publishDiagnostics' && params?.uri === uri ? [params] : [];
  });

test('a back that stops answering is terminated after the budget; its work is answered, its documents marked and kept from the next back', async () => {
  const { front, backs, written } = setup((k) => k > 0);
  const first = backs[0];
  front.fromClient({ jsonrpc: '2.0', id: 5, method: 'textDocument/hover', params: { textDocument: { uri: JOB }, position: { line: 0, character: 0 } } } as RequestMessage);
  await until('a second back', () => backs.length === 2);
  assert.equal(first?.terminated, true);
  assert.ok((first?.pings() ?? 0) >= 1);
  // The pending hover is answered, empty.
  assert.deepEqual(written.find((m) => (m as ResponseMessage).id === 5), { jsonrpc: '2.0', id: 5, result: null });
  // Both documents were passed on since the last answered ping (none was): both are marked.
  for (const uri of [JOB, CLUSTER]) {
    const p = published(written, uri);
    assert.equal(p.length, 1, uri);
    assert.equal(p[0]?.version, 1);
    assert.deepEqual(p[0]?.diagnostics.map((d) => d.code), ['analysis/too-expensive']);
  }
  const second = backs[1];
  assert.ok(second);
  assert.deepEqual(second.methods(), ['initialize', 'initialized', EXCLUDE]);
  assert.deepEqual((second.received[2] as NotificationMessage).params, { uris: [JOB, CLUSTER] });
  // A request on a marked document is answered at once by the front.
  front.fromClient({ jsonrpc: '2.0', id: 6, method: 'berth/plan', params: { uri: JOB } } as RequestMessage);
  assert.deepEqual(written.find((m) => (m as ResponseMessage).id === 6), { jsonrpc: '2.0', id: 6, result: null });
  assert.equal(second.methods().length, 3);
  // Its next change goes to the new back whole, as an open.
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: JOB, version: 2 }, contentChanges: [{ text: files['/ws/seed.job.yaml'].replace('name: seed', 'name: seed2') }] } } as NotificationMessage);
  const opened = second.received[3] as NotificationMessage;
  const doc = (opened.params as { textDocument: { uri: string; version: number; text: string } } | undefined)?.textDocument;
  assert.equal(opened.method, 'textDocument/didOpen');
  assert.equal(doc?.uri, JOB);
  assert.equal(doc?.version, 2);
  assert.match(doc?.text ?? '', /name: seed2/);
  // The new back is watched too (it answers, so it stays).
  second.send({ jsonrpc: '2.0', id: 'berth/front/initialize', result: {} } as ResponseMessage);
  await until('pings to the new back', () => second.pings() >= 3);
  assert.equal(second.terminated, false);
  front.fromClient({ jsonrpc: '2.0', method: 'exit' } as NotificationMessage);
});

test('a back that answers its pings is never stopped, however long the run', async () => {
  const { front, backs } = setup(() => true);
  const back = backs[0];
  assert.ok(back);
  // Twenty pings at a quarter of the budget each: five budgets long.
  await until('twenty pings', () => back.pings() >= 20);
  assert.equal(back.terminated, false);
  assert.equal(backs.length, 1);
  front.fromClient({ jsonrpc: '2.0', method: 'exit' } as NotificationMessage);
});
