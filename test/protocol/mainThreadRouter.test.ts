/**
 * The front thread (server/src/mainThreadRouter.ts) with a fake back that answers nothing unless told to:
 * completion is answered by the front itself, everything else goes through in order, and a back
 * that dies is replaced without losing the open documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionList } from 'vscode-languageserver';
import type { Message, MessageWriter, NotificationMessage, RequestMessage, ResponseMessage } from 'vscode-languageserver/node';
import { Front } from '../../server/src/mainThreadRouter';
import { type Back } from '../../server/src/mainThreadMethods';
import { repoRoot } from '../unit/spec/repoRoot';
import { MemoryFileSystem, uriOf } from './harness';

const seedDir = join(repoRoot(), 'examples', 'seed');
const files = {
  '/ws/seed.job.yaml': readFileSync(join(seedDir, 'seed.job.yaml'), 'utf8'),
  '/ws/seed.cluster.yaml': readFileSync(join(seedDir, 'seed.cluster.yaml'), 'utf8'),
};
const JOB = uriOf('/ws/seed.job.yaml');

class FakeBack implements Back {
  readonly received: Message[] = [];
  /** `changing` calls, each recorded as the number of messages posted before it. */
  readonly changes: number[] = [];
  changing(): void {
    this.changes.push(this.received.length);
  }
  private listener: ((m: Message) => void) | undefined;
  private exitListener: ((code: number) => void) | undefined;
  terminated = false;
  post(message: Message): void {
    this.received.push(message);
  }
  onMessage(listener: (m: Message) => void): void {
    this.listener = listener;
  }
  onExit(listener: (code: number) => void): void {
    this.exitListener = listener;
  }
  terminate(): void {
    this.terminated = true;
  }
  send(message: Message): void {
    this.listener?.(message);
  }
  exit(code: number): void {
    this.exitListener?.(code);
  }
  methods(): string[] {
    return this.received.map((m) => (m as RequestMessage).method ?? `response ${String((m as ResponseMessage).id)}`);
  }
}

function setup(): { front: Front; backs: FakeBack[]; written: Message[]; exits: number[] } {
  const backs: FakeBack[] = [];
  const written: Message[] = [];
  const exits: number[] = [];
  const writer = { write: (m: Message) => (written.push(m), Promise.resolve()) } as unknown as MessageWriter;
  const front = new Front(writer, new MemoryFileSystem(files), () => {
    const b = new FakeBack();
    backs.push(b);
    return b;
  }, (code) => exits.push(code));
  front.fromClient({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: uriOf('/ws'), capabilities: {} } } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'initialized', params: {} } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: JOB, languageId: 'yaml', version: 1, text: files['/ws/seed.job.yaml'] } } } as NotificationMessage);
  return { front, backs, written, exits };
}

const responses = (written: readonly Message[]): ResponseMessage[] => written.filter((m) => 'id' in m && !('method' in m)) as ResponseMessage[];

test('the front answers completion itself, from the latest text, while the back answers nothing', () => {
  const { front, backs, written } = setup();
  // Type `    prio` on a new line after task1's name: a key completion inside a task.
  const text = files['/ws/seed.job.yaml'];
  const line = text.split('\n').findIndex((l) => l.includes('- name: task1'));
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: JOB, version: 2 }, contentChanges: [{ range: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } }, text: '    prio\n' }] } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', id: 7, method: 'textDocument/completion', params: { textDocument: { uri: JOB }, position: { line: line + 1, character: 8 } } } as RequestMessage);
  const answer = responses(written).find((r) => r.id === 7);
  assert.ok(answer, 'no completion answer');
  const labels = ((answer.result as CompletionList).items ?? []).map((i) => i.label);
  assert.ok(labels.includes('priority'), labels.join(', '));
  assert.ok(!labels.includes('name'), 'a key the task already has is not offered');
  // The back saw the edit but never the completion request.
  assert.deepEqual(backs[0]?.methods(), ['initialize', 'initialized', 'textDocument/didOpen', 'textDocument/didChange']);
});

test('every other message goes to the back in order, and the back’s answers to the client', () => {
  const { front, backs, written } = setup();
  const back = backs[0];
  front.fromClient({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: { textDocument: { uri: JOB }, position: { line: 0, character: 0 } } } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', id: 3, method: 'berth/plan', params: { uri: JOB } } as RequestMessage);
  assert.deepEqual(back.methods().slice(-2), ['textDocument/hover', 'berth/plan']);
  back.send({ jsonrpc: '2.0', id: 3, result: { kind: 'plan' } } as ResponseMessage);
  back.send({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: JOB, diagnostics: [] } } as NotificationMessage);
  assert.deepEqual(written.map((m) => (m as RequestMessage).method ?? (m as ResponseMessage).id), [3, 'textDocument/publishDiagnostics']);
  // A request from the back to the client, and the client's answer back.
  back.send({ jsonrpc: '2.0', id: 0, method: 'client/registerCapability', params: { registrations: [] } } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', id: 0, result: null } as ResponseMessage);
  assert.deepEqual(back.methods().slice(-1), ['response 0']);
});

test('each document change is counted before it is posted to the back; requests and other notifications are not', () => {
  const { front, backs } = setup();
  const back = backs[0];
  // setup() opened the job: one change counted already.
  assert.deepEqual(back.changes, [2]);
  const posted = back.received.length;
  const text = files['/ws/seed.job.yaml'];
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: JOB, languageId: 'yaml', version: 1, text } } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: { textDocument: { uri: JOB }, position: { line: 0, character: 0 } } } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: JOB, version: 2 }, contentChanges: [{ text: `# x\n${text}` }] } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', method: '$/setTrace', params: { value: 'off' } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'workspace/didChangeWatchedFiles', params: { changes: [{ uri: uriOf('/ws/seed.cluster.yaml'), type: 2 }] } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri: JOB } } } as NotificationMessage);
  // Counted when `posted + n` messages had been posted: just before the open (the first), the change (the third), ….
  assert.deepEqual(back.changes.slice(1), [posted, posted + 2, posted + 4, posted + 5]);
  assert.deepEqual(back.methods().slice(posted), ['textDocument/didOpen', 'textDocument/hover', 'textDocument/didChange', '$/setTrace', 'workspace/didChangeWatchedFiles', 'textDocument/didClose']);
});

test('a back that dies: pending requests get an error, a new back gets initialize and the open documents again', () => {
  const { front, backs, written, exits } = setup();
  const text2 = `${files['/ws/seed.job.yaml']}# edited\n`;
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: JOB, version: 5 }, contentChanges: [{ text: text2 }] } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', id: 9, method: 'textDocument/hover', params: { textDocument: { uri: JOB }, position: { line: 0, character: 0 } } } as RequestMessage);
  (backs[0]).send({ jsonrpc: '2.0', id: 1, result: { capabilities: {} } } as ResponseMessage);
  (backs[0]).exit(1);
  assert.equal(exits.length, 0, 'the front carries on');
  const failed = responses(written).find((r) => r.id === 9);
  assert.equal(failed?.error?.code, -32603);
  const next = backs[1];
  assert.deepEqual(next.methods(), ['initialize', 'initialized', 'textDocument/didOpen']);
  const reopened = next.received[2] as NotificationMessage;
  assert.deepEqual(reopened.params, { textDocument: { uri: JOB, languageId: 'yaml', version: 5, text: text2 } });
  // The replayed initialize's answer is the front's own business.
  const replayId = (next.received[0] as RequestMessage).id;
  const before = written.length;
  next.send({ jsonrpc: '2.0', id: replayId, result: { capabilities: {} } } as ResponseMessage);
  assert.equal(written.length, before);
});

test('after shutdown and exit, the back’s exit ends the front with its code', () => {
  const { front, backs, exits } = setup();
  front.fromClient({ jsonrpc: '2.0', id: 4, method: 'shutdown' } as RequestMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'exit' } as NotificationMessage);
  (backs[0]).exit(0);
  assert.deepEqual(exits, [0]);
  assert.equal(backs.length, 1, 'no new back after exit');
});

test('a back that keeps dying is restarted a few times, then the server stops', () => {
  const { backs, exits } = setup();
  for (let i = 0; i < 10 && exits.length === 0; i++) (backs[backs.length - 1]).exit(1);
  assert.deepEqual(exits, [1]);
  assert.equal(backs.length, 6, 'the first back and five restarts');
});

test('a back that stops because the editor process is gone is not restarted', () => {
  const { front, backs, exits } = setup();
  // A process id that cannot exist (above the kernel's pid_max).
  front.fromClient({ jsonrpc: '2.0', id: 11, method: 'initialize', params: { processId: 2 ** 30, rootUri: uriOf('/ws'), capabilities: {} } } as RequestMessage);
  (backs[0]).exit(1);
  assert.deepEqual(exits, [1]);
  assert.equal(backs.length, 1);
});

/** A front (not initialized) over a file system that records the paths it reads. */
function setupReading(): { front: Front; backs: FakeBack[]; written: Message[]; reads: string[] } {
  const reads: string[] = [];
  const fs = new MemoryFileSystem(files);
  const read = fs.readFile.bind(fs);
  fs.readFile = (path: string): string | undefined => (reads.push(path), read(path));
  const backs: FakeBack[] = [];
  const written: Message[] = [];
  const writer = { write: (m: Message) => (written.push(m), Promise.resolve()) } as unknown as MessageWriter;
  const front = new Front(writer, fs, () => {
    const b = new FakeBack();
    backs.push(b);
    return b;
  }, () => undefined);
  return { front, backs, written, reads };
}

test('the front checks an opened file once the back has published its diagnostics, not before', async () => {
  const { front, backs, reads } = setupReading();
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: JOB, languageId: 'yaml', version: 1, text: files['/ws/seed.job.yaml'] } } } as NotificationMessage);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(reads, [], 'no check before the back has published');
  const back = backs[0];
  back.send({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: JOB, diagnostics: [] } } as NotificationMessage);
  // A turn or a few (the first slice also loads the checker).
  for (let turn = 0; turn < 100 && reads.length === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(reads, ['/ws/seed.cluster.yaml'], 'the check read the cluster the job names');
  // Once only.
  back.send({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: JOB, diagnostics: [] } } as NotificationMessage);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(reads.length, 1);
});

test('the front checks a large file just opened a slice per turn, so that the messages behind it are read in between', async () => {
  const { front, backs, written, reads } = setupReading();
  // 3,000 tasks: their first parse takes a few hundred milliseconds, many slices.
  const tasks = Array.from({ length: 3000 }, (_, i) => `  - name: t${i}\n    resources: { cpus: 0.01, mem: 1Mi }\n`).join('');
  const text = `apiVersion: berth/v1\nkind: Job\nname: big\ncluster: ./seed.cluster.yaml\ntasks:\n${tasks}`;
  const uri = uriOf('/ws/big.job.yaml');
  front.fromClient({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text } } } as NotificationMessage);
  backs[0]?.send({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: [] } } as NotificationMessage);
  let turns = 0;
  while (!reads.includes('/ws/seed.cluster.yaml')) {
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(++turns < 10_000, 'the check never finished');
  }
  assert.ok(turns > 3, `the job's items were parsed over ${turns} turns`);
  assert.deepEqual(written.filter((m) => (m as NotificationMessage).method === 'window/logMessage'), [], 'nothing went wrong');
  // The check is complete: completion after it answers from the whole file.
  front.fromClient({ jsonrpc: '2.0', id: 1, method: 'textDocument/completion', params: { textDocument: { uri }, position: { line: 5 + 2 * 2999 + 1, character: 4 } } } as RequestMessage);
  const answer = written.find((m) => (m as ResponseMessage).id === 1) as ResponseMessage | undefined;
  assert.ok((answer?.result as CompletionList | undefined)?.items.length);
});

test('a new back gets the last berth/liveState of each cluster again (not of one gone), after the open documents', () => {
  const { front, backs } = setup();
  const live = (cluster: string, node: string): NotificationMessage =>
    ({ jsonrpc: '2.0', method: 'berth/liveState', params: { cluster, engine: 'local', jobs: [{ job: 'seed', tasks: [{ task: 'task1', node, state: 'running' }] }], nodesDown: [] } });
  front.fromClient(live('seed', 'node1'));
  front.fromClient(live('other', 'node1'));
  front.fromClient(live('seed', 'node3'));
  front.fromClient(live('gone', 'node1'));
  front.fromClient({ jsonrpc: '2.0', method: 'berth/liveState', params: { cluster: 'gone', engine: 'local', jobs: [], nodesDown: [] } } as NotificationMessage);
  front.fromClient({ jsonrpc: '2.0', method: 'berth/liveState', params: [] } as NotificationMessage);
  assert.equal(backs[0]?.methods().filter((m) => m === 'berth/liveState').length, 6, 'each passed on as it came');
  assert.deepEqual(backs[0]?.changes, [2], 'a live state is not a document change');
  backs[0]?.exit(1);
  const next = backs[1];
  assert.deepEqual(next?.methods(), ['initialize', 'initialized', 'textDocument/didOpen', 'berth/liveState', 'berth/liveState']);
  assert.deepEqual(next?.received.slice(3).map((m) => (m as NotificationMessage).params), [live('seed', 'node3').params, live('other', 'node1').params]);
});
