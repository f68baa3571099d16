import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../../../server/engine/spec/parseSpec';
import { documentAt, locateInDocument } from '../../../server/src/locate';
import { slotAt, type Slot } from '../../../server/src/completionSlot';

const JOB = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./dev.cluster.yaml
tasks:
  - name: api
    resources: { cpus: 1, mem: 2Gi }
    dependsOn: [db]
    constraints: [[zone, UNIQUE]]
  - name: db
    resources: { cpus: 1, mem: 2Gi }
`;

/** `¦` marks the offset. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('¦');
  assert.ok(offset >= 0, 'no ¦ in the text');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

function locate(marked: string): ReturnType<typeof locateInDocument> {
  const { text, offset } = cursor(marked);
  const doc = documentAt(parseSpec(text).documents, offset);
  assert.ok(doc, 'no document');
  return locateInDocument(doc, offset);
}

function slot(marked: string): Slot {
  const { text, offset } = cursor(marked);
  return slotAt(text, offset);
}

/** The slot without its offsets, for comparisons. */
function shape(s: Slot): Record<string, unknown> {
  if (s.kind === 'none') return { kind: 'none' };
  const rest: Record<string, unknown> = { ...s };
  delete rest['range'];
  return rest;
}

test('locate: keys, values, flow entries, list items', () => {
  assert.deepEqual(pick(locate(JOB.replace('cluster:', 'clu¦ster:'))), { segments: ['cluster'], on: 'key' });
  assert.deepEqual(pick(locate(JOB.replace('./dev', './d¦ev'))), { segments: ['cluster'], on: 'value' });
  assert.deepEqual(pick(locate(JOB.replace('name: db', 'name: d¦b'))), { segments: ['tasks', 1, 'name'], on: 'value' });
  assert.deepEqual(pick(locate(JOB.replace('{ cpus: 1', '{ cp¦us: 1'))), { segments: ['tasks', 0, 'resources', 'cpus'], on: 'key' });
  assert.deepEqual(pick(locate(JOB.replace('[db]', '[d¦b]'))), { segments: ['tasks', 0, 'dependsOn', 0], on: 'value' });
  assert.deepEqual(pick(locate(JOB.replace('UNIQUE', 'UNI¦QUE'))), { segments: ['tasks', 0, 'constraints', 0, 1], on: 'value' });
  // The end of a word still counts (a cursor right after it).
  assert.deepEqual(pick(locate(JOB.replace('name: api', 'name: api¦'))), { segments: ['tasks', 0, 'name'], on: 'value' });
  const loc = locate(JOB.replace('strategy', '').replace('name: web', 'name: w¦eb'));
  assert.equal(loc?.value, 'web');
  assert.equal(loc?.pointer, '/name');
});

test('locate: the right document of several, and the list of a chunked parse', () => {
  const two = `kind: Cluster\nname: c\nnodes:\n  - name: n1\n    resources: { cpus: 1, mem: 1Gi }\n---\n${JOB.replace('name: db', 'name: d¦b')}`;
  const { text, offset } = cursor(two);
  const file = parseSpec(text);
  assert.equal(file.documents.length, 2);
  const doc = documentAt(file.documents, offset);
  assert.equal(doc?.index, 1);
  assert.deepEqual(pick(doc && locateInDocument(doc, offset)), { segments: ['tasks', 1, 'name'], on: 'value' });
});

test('locate: a 5,000-task job (a chunked parse) finds the task by its span', () => {
  let text = 'apiVersion: berth/v1\nkind: Job\nname: big\ncluster: ./c.cluster.yaml\ntasks:\n';
  for (let i = 0; i < 5000; i++) text += `  - name: t${i}\n    resources: { cpus: 0.1, mem: 64Mi }\n`;
  const doc = parseSpec(text).documents[0];
  assert.ok(doc);
  assert.deepEqual(pick(locateInDocument(doc, text.indexOf('name: t4321') + 8)), { segments: ['tasks', 4321, 'name'], on: 'value' });
  assert.deepEqual(pick(locateInDocument(doc, text.indexOf('name: t0') + 1)), { segments: ['tasks', 0, 'name'], on: 'key' });
  assert.deepEqual(pick(locateInDocument(doc, text.length - 3)), { segments: ['tasks', 4999, 'resources', 'mem'], on: 'value' });
});

test('slot: a key being typed in a task, with the keys it already has (above and below)', () => {
  assert.deepEqual(shape(slot(JOB.replace('    dependsOn', '    re¦\n    dependsOn'))), {
    kind: 'key',
    path: ['tasks', 0],
    prefix: 're',
    present: ['resources', 'name', 'dependsOn', 'constraints'],
    flow: false,
    colonAfter: false,
    entries: [],
  });
  assert.deepEqual(shape(slot(`${JOB}    ¦`)), { kind: 'key', path: ['tasks', 1], prefix: '', present: ['resources', 'name'], flow: false, colonAfter: false, entries: [] });
  assert.deepEqual(shape(slot(`${JOB}¦`)), { kind: 'key', path: [], prefix: '', present: ['tasks', 'cluster', 'name', 'kind', 'apiVersion'], flow: false, colonAfter: false, entries: [] });
  const { range } = slot(JOB.replace('    dependsOn', '    re¦start: x\n    dependsOn')) as Extract<Slot, { kind: 'key' }>;
  assert.equal(JOB.replace('    dependsOn', '    restart: x\n    dependsOn').slice(range.start, range.end), 'restart');
  assert.equal((slot(JOB.replace('    dependsOn', '    re¦start: x\n    dependsOn')) as { colonAfter: boolean }).colonAfter, true);
});

test('slot: a new list item, block and compact style', () => {
  assert.deepEqual(shape(slot(`${JOB}  - ¦`)), { kind: 'key', path: ['tasks', 2], prefix: '', present: [], flow: false, colonAfter: false, entries: ['', '', ''] });
  assert.deepEqual(pick(slot('tasks:\n- name: a\n- name: b\n  ¦')), { kind: 'key', path: ['tasks', 1] });
  assert.deepEqual(pick(slot('tasks:\n- name: a\n- ¦')), { kind: 'key', path: ['tasks', 1] });
  assert.deepEqual(pick(slot('a:\n  - - x\n    - ¦')), { kind: 'key', path: ['a', 0, 1] });
});

test('slot: a value after `key: `, with or without the space, quoted or not', () => {
  assert.deepEqual(shape(slot(`${JOB}    restart: ¦`)), { kind: 'value', path: ['tasks', 1, 'restart'], prefix: '', entries: [], flow: false, quoted: false });
  assert.deepEqual(pick(slot(`${JOB}    restart:¦`)), { kind: 'value', path: ['tasks', 1, 'restart'] });
  assert.deepEqual(shape(slot(`${JOB}    restart: on-¦`)), { kind: 'value', path: ['tasks', 1, 'restart'], prefix: 'on-', entries: [], flow: false, quoted: false });
  assert.deepEqual(shape(slot(JOB.replace('cluster: ./dev.cluster.yaml', 'cluster: "./¦'))), { kind: 'value', path: ['cluster'], prefix: './', entries: [], flow: false, quoted: true });
});

test('slot: inside flow mappings and sequences', () => {
  assert.deepEqual(shape(slot(JOB.replace('{ cpus: 1, mem: 2Gi }', '{ cpus: 1, m¦ }'))), { kind: 'key', path: ['tasks', 0, 'resources'], prefix: 'm', present: ['cpus'], flow: true, colonAfter: false, entries: [] });
  assert.deepEqual(pick(slot(JOB.replace('{ cpus: 1, mem: 2Gi }', '{ cpus: 1, ¦, mem: 2Gi }'))), { kind: 'key', path: ['tasks', 0, 'resources'] });
  assert.deepEqual((slot(JOB.replace('{ cpus: 1, mem: 2Gi }', '{ cpus: 1, ¦, mem: 2Gi }')) as Extract<Slot, { kind: 'key' }>).present, ['cpus', 'mem']);
  assert.deepEqual(pick(slot(JOB.replace('{ cpus: 1, mem: 2Gi }', '{ cpus: 1, mem: ¦ }'))), { kind: 'value', path: ['tasks', 0, 'resources', 'mem'] });
  assert.deepEqual(shape(slot(`${JOB}    constraints: [[zone, U¦`)), { kind: 'value', path: ['tasks', 1, 'constraints', 0, 1], prefix: 'U', entries: ['zone', 'U'], flow: true, quoted: false });
  assert.deepEqual(pick(slot(`${JOB}    constraints: [[zone, UNIQUE], [rack, ¦]]`)), { kind: 'value', path: ['tasks', 1, 'constraints', 1, 1] });
  assert.deepEqual(shape(slot(JOB.replace('dependsOn: [db]', 'dependsOn: [db, ¦]'))), { kind: 'value', path: ['tasks', 0, 'dependsOn', 1], prefix: '', entries: ['db', ''], flow: true, quoted: false });
  assert.deepEqual(pick(slot(`${JOB}    constraints:\n      - [zone, IS, ¦`)), { kind: 'value', path: ['tasks', 1, 'constraints', 0, 2] });
  assert.deepEqual(pick(slot('failover: { domains: [zone, ¦] }')), { kind: 'value', path: ['failover', 'domains', 1] });
});

test('slot: a flow collection over several lines', () => {
  assert.deepEqual(shape(slot(`${JOB}    constraints: [\n      [zone, UNIQUE],\n      [rack, ¦`)), {
    kind: 'value',
    path: ['tasks', 1, 'constraints', 1, 1],
    prefix: '',
    entries: ['rack', ''],
    flow: true,
    quoted: false,
  });
});

test('slot: block list items of scalars carry the list entries', () => {
  const s = slot(JOB.replace('dependsOn: [db]', 'dependsOn:\n      - db\n      - ¦\n      - cache'));
  assert.deepEqual(shape(s), { kind: 'key', path: ['tasks', 0, 'dependsOn', 1], prefix: '', present: [], flow: false, colonAfter: false, entries: ['db', '', 'cache'] });
});

test('slot: nothing in comments, block scalars and quoted text mid-way', () => {
  assert.equal(slot(`${JOB}    # a comment ¦`).kind, 'none');
  assert.equal(slot(`${JOB}    command: |\n      echo ¦`).kind, 'none');
  assert.equal(slot(`${JOB}    command: >-\n      echo¦`).kind, 'none');
  assert.equal(slot(`${JOB}    restart: always # ¦`).kind, 'none');
  assert.equal(slot(`${JOB}    env: { A: 1 } ¦`).kind, 'none');
  assert.equal(slot(`${JOB}    image: "busybox" ¦`).kind, 'none');
});

test('slot: the document of a multi-document file starts after its marker', () => {
  assert.deepEqual(pick(slot('kind: Cluster\nnodes:\n  - name: a\n---\nkind: Job\ntasks:\n  - name: x\n  - ¦')), { kind: 'key', path: ['tasks', 1] });
  assert.deepEqual(pick(slot('kind: Cluster\nnodes:\n  - name: a\n---\n¦')), { kind: 'key', path: [] });
});

test('slot: the last items of a 5,000-task job', () => {
  let text = 'apiVersion: berth/v1\nkind: Job\nname: big\ncluster: ./c.cluster.yaml\ntasks:\n';
  for (let i = 0; i < 5000; i++) text += `  - name: t${i}\n    resources: { cpus: 0.1, mem: 64Mi }\n    dependsOn: [t0]\n`;
  assert.deepEqual(pick(slotAt(`${text}    dependsOn: [t1, `, text.length + '    dependsOn: [t1, '.length)), { kind: 'value', path: ['tasks', 4999, 'dependsOn', 1] });
  assert.deepEqual(pick(slotAt(`${text}  - `, text.length + 4)), { kind: 'key', path: ['tasks', 5000] });
});

function pick(x: unknown): Record<string, unknown> | undefined {
  if (x === undefined || x === null) return undefined;
  const r = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['kind', 'segments', 'on', 'path']) if (k in r) out[k] = r[k];
  return out;
}
