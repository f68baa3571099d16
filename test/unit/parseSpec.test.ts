import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../../server/engine/spec/parseSpec';

const text = `apiVersion: berth/v1
kind: Job
name: web
tasks:
  - name: api
    resources: { cpus: 1, mem: 2Gi }
---
kind: Cluster
nodes: []
`;

test('parseSpec: multi-document values, kinds and spans', () => {
  const f = parseSpec(text);
  assert.equal(f.documents.length, 2);
  const [job, cluster] = f.documents;
  assert.ok(job && cluster);
  assert.equal(job.kind, 'Job');
  assert.equal(cluster.kind, 'Cluster');
  assert.deepEqual(job.value, { apiVersion: 'berth/v1', kind: 'Job', name: 'web', tasks: [{ name: 'api', resources: { cpus: 1, mem: '2Gi' } }] });
  const nameNode = job.nodes.get('/tasks/0/name');
  assert.ok(nameNode?.keySpan);
  assert.equal(text.slice(nameNode.span.start, nameNode.span.end), 'api');
  assert.equal(text.slice(nameNode.keySpan.start, nameNode.keySpan.end), 'name');
  const mem = job.nodes.get('/tasks/0/resources/mem');
  assert.ok(mem);
  assert.equal(text.slice(mem.span.start, mem.span.end), '2Gi');
  assert.equal(f.problems.length, 0);
});

test('parseSpec: syntax errors are problems with spans, never throws', () => {
  const f = parseSpec('a: [1, 2\nb: {');
  assert.ok(f.problems.length > 0);
  for (const p of f.problems) {
    assert.equal(p.code, 'spec/syntax');
    assert.ok(p.span.start >= 0 && p.span.end <= 'a: [1, 2\nb: {'.length);
    assert.doesNotMatch(p.message, /at line \d+/);
  }
});

test('parseSpec: duplicate keys are reported', () => {
  const f = parseSpec('name: a\nname: b\n');
  assert.ok(f.problems.some((p) => p.code === 'spec/syntax' && /unique/i.test(p.message)));
});

test('parseSpec: aliases resolve to their anchor and point at the alias', () => {
  const t = 'r: &r { cpus: 1 }\nx: *r\n';
  const f = parseSpec(t);
  const d = f.documents[0];
  assert.ok(d);
  assert.deepEqual(d.value, { r: { cpus: 1 }, x: { cpus: 1 } });
  const x = d.nodes.get('/x/cpus');
  assert.ok(x);
  assert.equal(t.slice(x.span.start, x.span.end), '*r');
});

test('parseSpec: empty and comment-only text gives no documents', () => {
  assert.equal(parseSpec('').documents.length, 0);
  assert.equal(parseSpec('# nothing\n').documents.length, 0);
});

test('parseSpec: key with no value keeps a pointer at the key', () => {
  const t = 'name:\nkind: Job\n';
  const d = parseSpec(t).documents[0];
  assert.ok(d);
  const n = d.nodes.get('/name');
  assert.ok(n?.keySpan);
  assert.equal(t.slice(n.keySpan.start, n.keySpan.end), 'name');
});
