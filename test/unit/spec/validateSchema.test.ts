/**
 * Schema errors mapped back to the text: an unknown key points at that key, a wrong value at the
 * value, a missing field at the parent's key; did-you-mean data for quick fixes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../../../server/engine/model';
import { parseSpec } from '../../../server/engine/spec/parseSpec';
import { createSchemaValidator } from '../../../server/engine/spec/validateSchema';
import { repoPath } from './repoRoot';

const validator = createSchemaValidator();

function validate(text: string, kind: 'Job' | 'Cluster' = 'Job'): Problem[] {
  const file = parseSpec(text);
  assert.deepEqual(file.problems, [], 'the test text must be valid YAML');
  const doc = file.documents[0];
  assert.ok(doc, 'no document');
  return validator.validate(doc, kind);
}

function only(problems: readonly Problem[], code?: string): Problem {
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems.map((p) => [p.code, p.message]))}`);
  const p = problems[0];
  assert.ok(p);
  if (code !== undefined) assert.equal(p.code, code);
  return p;
}

function slice(text: string, p: { span: { start: number; end: number } }): string {
  return text.slice(p.span.start, p.span.end);
}

const JOB = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./dev.cluster.yaml
tasks:
  - name: api
    resources: { cpus: 1, mem: 2Gi }
`;

const CLUSTER = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 2, mem: 4Gi }
`;

describe('valid documents', () => {
  test('a minimal job and cluster have no problems', () => {
    assert.deepEqual(validate(JOB), []);
    assert.deepEqual(validate(CLUSTER, 'Cluster'), []);
  });

  test('every document of the examples is valid against its schema', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e)) files.push(p);
      }
    };
    walk(repoPath('examples'));
    assert.ok(files.length >= 4, 'the examples are missing');
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const doc of parseSpec(text).documents) {
        assert.ok(doc.kind, `${f}: no kind`);
        assert.deepEqual(validator.validate(doc, doc.kind), [], f);
      }
    }
  });
});

describe('an unknown key points at the key itself', () => {
  test('at the root, with did-you-mean data', () => {
    const text = JOB.replace('tasks:', 'stratgy: spread\ntasks:');
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), 'stratgy');
    assert.equal(p.severity, 'error');
    assert.ok(p.data?.kind === 'did-you-mean', 'did-you-mean data');
    assert.deepEqual(p.data.candidates, ['strategy']);
    assert.equal(slice(text, p.data), 'stratgy', 'the quick fix replaces the key');
  });

  test('in a task (camelCase slip)', () => {
    const text = JOB + '    dependson: [db]\n';
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), 'dependson');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['dependsOn']);
  });

  test('in resources, in flow style', () => {
    const text = JOB.replace('mem: 2Gi }', 'mem: 2Gi, gpu: 1 }');
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), 'gpu');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['gpus']);
  });

  test('in a health check', () => {
    const text = JOB + '    healthCheck:\n      command: ["true"]\n      intervall: 5s\n';
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), 'intervall');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['interval']);
  });

  test('in a cluster node, without a close candidate: no did-you-mean data', () => {
    const text = CLUSTER + '    tags: { ssd: true }\n';
    const p = only(validate(text, 'Cluster'), 'spec/unknown-field');
    assert.equal(slice(text, p), 'tags');
    assert.equal(p.data, undefined);
  });

  test('a name other schedulers use suggests Berth\'s (labels, memory, replicas), where it is allowed', () => {
    const cases: [string, 'Job' | 'Cluster', string, string][] = [
      [CLUSTER + '    labels: { ssd: true }\n', 'Cluster', 'labels', 'attributes'],
      [JOB.replace('mem: 2Gi }', 'mem: 2Gi, memory: 1 }'), 'Job', 'memory', 'mem'],
      [JOB + '    replicas: 3\n', 'Job', 'replicas', 'instances'],
      [JOB + '    environment: { A: b }\n', 'Job', 'environment', 'env'],
    ];
    for (const [text, kind, field, expected] of cases) {
      const p = only(validate(text, kind), 'spec/unknown-field');
      assert.equal(slice(text, p), field);
      assert.ok(p.data?.kind === 'did-you-mean', field);
      assert.equal(p.data.candidates[0], expected, field);
    }
    // Where the synonym is not a field (labels at the root of a job), nothing is made up.
    const root = only(validate(JOB.replace('tasks:', 'labels: { a: b }\ntasks:')), 'spec/unknown-field');
    assert.equal(root.data, undefined);
  });

  test('a quoted key is pointed at with its quotes', () => {
    const text = JOB.replace('tasks:', '"stratgy": spread\ntasks:');
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), '"stratgy"');
  });

  test('a key containing "/" and "~" is found through its escaped pointer', () => {
    const text = JOB.replace('tasks:', 'a/b~c: 1\ntasks:');
    const p = only(validate(text), 'spec/unknown-field');
    assert.equal(slice(text, p), 'a/b~c');
  });
});

describe('a wrong value points at the value', () => {
  test('enum, with did-you-mean data', () => {
    const text = JOB.replace('tasks:', 'strategy: bin-pack\ntasks:');
    const p = only(validate(text), 'spec/invalid-value');
    assert.equal(slice(text, p), 'bin-pack');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['binpack']);
  });

  test('const apiVersion, with a replace fix', () => {
    const text = JOB.replace('berth/v1', 'berth/v2');
    const p = only(validate(text), 'spec/invalid-value');
    assert.equal(slice(text, p), 'berth/v2');
    assert.ok(p.data?.kind === 'replace');
    assert.equal(p.data.text, 'berth/v1');
    assert.equal(slice(text, p.data), 'berth/v2');
  });

  test('wrong type', () => {
    const text = JOB.replace('tasks:', 'preemption: yes\ntasks:');
    const p = only(validate(text), 'spec/wrong-type');
    assert.equal(slice(text, p), 'yes');
  });

  test('a wrong type silences other complaints about the same value', () => {
    const text = JOB + '    priority: high\n';
    const p = only(validate(text), 'spec/wrong-type');
    assert.equal(slice(text, p), 'high');
  });

  test('out of range, deep in a list', () => {
    const text = JOB.replace('mem: 2Gi }', 'mem: 2Gi, ports: [8080, 70000] }');
    const p = only(validate(text), 'spec/out-of-range');
    assert.equal(slice(text, p), '70000');
  });

  test('pattern on a name', () => {
    const text = JOB.replace('name: api', 'name: API_1');
    const p = only(validate(text), 'spec/invalid-value');
    assert.equal(slice(text, p), 'API_1');
  });

  test('a constraint operator', () => {
    const text = JOB + '    constraints: [[zone, unique]]\n';
    const p = only(validate(text), 'spec/invalid-value');
    assert.equal(slice(text, p), 'unique');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['UNIQUE']);
  });

  test('an empty value (`key:` alone) points at the end of its key', () => {
    const text = JOB.replace('cluster: ./dev.cluster.yaml', 'cluster:');
    const p = only(validate(text), 'spec/wrong-type');
    // Nothing to underline: an empty range just after the key, on its line.
    const keyEnd = text.indexOf('cluster:') + 'cluster'.length;
    assert.equal(p.span.start, p.span.end);
    assert.ok(p.span.start >= keyEnd && p.span.start <= text.indexOf('\n', keyEnd), `at ${p.span.start}`);
  });

  test('a duplicate list item points at the repeated item, not the first', () => {
    const text = JOB + '    dependsOn:\n      - db\n      - cache\n      - db\n';
    const p = only(validate(text), 'spec/duplicate-item');
    assert.equal(slice(text, p), 'db');
    assert.equal(p.span.start, text.lastIndexOf('db'));
  });

  test('an empty required list points at its key', () => {
    const text = JOB.slice(0, JOB.indexOf('tasks:')) + 'tasks: []\n';
    const p = only(validate(text), 'spec/empty');
    assert.equal(slice(text, p), 'tasks');
  });
});

describe('a missing field points at the parent key', () => {
  test('in a mapping under a key: that key, with add-field data', () => {
    const text = JOB.replace('{ cpus: 1, mem: 2Gi }', '{ cpus: 1 }');
    const p = only(validate(text), 'spec/missing-field');
    assert.equal(slice(text, p), 'resources');
    assert.ok(p.data?.kind === 'add-field');
    assert.equal(p.data.field, 'mem');
    assert.equal(p.data.pointer, '/tasks/0/resources');
  });

  test('in a list item: the item\'s first key', () => {
    const text = JOB.replace('    resources: { cpus: 1, mem: 2Gi }\n', '    image: busybox\n');
    const p = only(validate(text), 'spec/missing-field');
    assert.equal(slice(text, p), 'name');
    assert.equal(p.span.start, text.indexOf('name: api'));
    assert.ok(p.data?.kind === 'add-field');
    assert.equal(p.data.field, 'resources');
  });

  test('at the root: the first key of the document, after leading comments', () => {
    const text = `# a comment\n${JOB.replace('cluster: ./dev.cluster.yaml\n', '')}`;
    const p = only(validate(text), 'spec/missing-field');
    assert.equal(slice(text, p), 'apiVersion');
    assert.ok(p.data?.kind === 'add-field');
    assert.equal(p.data.field, 'cluster');
    assert.equal(p.data.pointer, '');
  });

  test('in a cluster node', () => {
    const text = CLUSTER + '  - name: node2\n    attributes: { zone: b }\n';
    const p = only(validate(text, 'Cluster'), 'spec/missing-field');
    assert.equal(p.span.start, text.indexOf('name: node2'));
    assert.equal(slice(text, p), 'name');
  });

  test('each missing field is its own problem', () => {
    const text = 'apiVersion: berth/v1\nkind: Job\nname: web\n';
    const problems = validate(text);
    assert.deepEqual(problems.map((p) => p.code), ['spec/missing-field', 'spec/missing-field']);
    assert.deepEqual(problems.map((p) => (p.data?.kind === 'add-field' ? p.data.field : '')).sort(), ['cluster', 'tasks']);
    for (const p of problems) assert.equal(slice(text, p), 'apiVersion');
  });
});

describe('messages', () => {
  test('are plain words: no ajv jargon, no JSON pointers', () => {
    const text = `apiVersion: berth/v2
kind: Job
name: Web
cluster: 3
stratgy: spread
tasks:
  - name: api
    resources: { cpus: 0, mem: 2Gi, ports: [1, 1] }
    priority: 5000
    restart: sometimes
`;
    const problems = validate(text);
    assert.ok(problems.length >= 7, JSON.stringify(problems));
    for (const p of problems) {
      assert.ok(p.message.length > 0);
      assert.doesNotMatch(p.message, /must NOT|additionalProperties|instancePath|\/tasks\/\d/, p.message);
    }
  });
});
