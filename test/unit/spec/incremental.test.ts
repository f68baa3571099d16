/**
 * Re-checking after an edit (with the file's parse cache and the checker's per-item memos warm)
 * gives exactly what a fresh check of the same text gives: problems, models and every span.
 * Random edit sequences on the examples and on a generated job: characters and YAML tokens
 * inserted, deleted and replaced, whole lines inserted, deleted, duplicated and moved, list
 * items moved, values and keys changed. And the parts the incremental path computes in pieces
 * (schema problems per item, the model per item) equal the plain whole-document stages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { createSpecChecker, type CheckedFile, type SpecHost } from '../../../server/engine/checkSpec';
import type { JobSpec, Problem } from '../../../server/engine/model';
import { createParseCache, listItemsOf, parseSpec, type ParseCache } from '../../../server/engine/spec/parseSpec';
import { tooDeepAt } from '../../../server/engine/spec/yamlText';
import { plainTask } from '../../../server/engine/spec/movedSpecs';
import { toCluster, toJob } from '../../../server/engine/spec/toModel';
import { createSchemaValidator, LIST_KEY } from '../../../server/engine/spec/validateSchema';
import { exampleSpecs, type SpecText } from './repoRoot';
import { itemsPerStep } from './yamlParses';

/**
 * A job of 40 tasks in the benchmark's shape (bench/util/generate.ts), with dependencies, dynamic
 * and fixed ports, instances and constraints (on attributes and on node names).
 */
function generatedJob(): string {
  const lines = ['apiVersion: berth/v1', 'kind: Job', 'name: bench', 'cluster: ./bench.cluster.yaml', 'strategy: binpack', 'failover: { tolerate: 1, domains: [zone] }', 'tasks:'];
  for (let i = 0; i < 40; i++) {
    const ports = i % 3 === 0 ? ', ports: 1' : i % 11 === 10 ? ', ports: [31005, 31050]' : '';
    // t25 is named as an instance of t19, which has 3 instances: a collision an edit can undo.
    lines.push(`  - name: ${i === 25 ? 't19-2' : `t${i}`}`, '    command: ["sh", "-c", "sleep 3600"]', `    resources: { cpus: ${(i % 4) + 0.5}, mem: ${256 * (i % 5 + 1)}Mi${ports}${i % 7 === 0 ? ', disk: 2Gi' : ''} }`, `    priority: ${i % 2 === 0 ? 100 : 50}`);
    if (i % 6 === 5) lines.push(`    dependsOn: [t${i - 3}]`);
    if (i % 8 === 4) lines.push('    constraints: [[zone, GROUP_BY], [rack, LIKE, "r[1-9]"]]');
    if (i % 10 === 7) lines.push('    constraints: [[hostname, IS, node3]]');
    if (i % 13 === 6) lines.push('    instances: 3');
    if (i === 33) lines.push('    dependsOn: [t30, nope]');
    if (i % 9 === 2) lines.push('    env: { A: "1" }', '    healthCheck: { command: "true", interval: 5s }');
  }
  return `${lines.join('\n')}\n`;
}

function generatedCluster(): string {
  const lines = ['apiVersion: berth/v1', 'kind: Cluster', 'name: bench', 'defaults: { image: busybox:1.36 }', 'nodes:'];
  for (let i = 0; i < 8; i++) {
    lines.push(`  - name: node${i}`, `    resources: { cpus: ${4 * (i % 3 + 1)}, mem: ${16 * (i % 3 + 1)}Gi, disk: 200Gi, ports: "31000-31099" }`, `    attributes: { zone: ${'abc'[i % 3] ?? 'a'}, rack: r${i + 1} }`);
  }
  return `${lines.join('\n')}\n`;
}

const files: SpecText[] = [...exampleSpecs(), { path: '/gen/bench.job.yaml', text: generatedJob() }, { path: '/gen/bench.cluster.yaml', text: generatedCluster() }];
const host: SpecHost = { readFile: (path) => files.find((f) => f.path === path)?.text };
const validator = createSchemaValidator();

// ------------------------------------------------------------------ edits

const TOKENS = [
  'a', 'x', '1', '9', '0', ' ', '  ', ':', ': ', '-', '- ', '#', '"', "'", '[', ']', '{', '}', ',', '\n', '\n  ', '\n  - ', '\t',
  '&a ', '*a', '---\n', '%YAML 1.2\n', 'Gi', 'Mi', '0.5', '-1', 'null', 'true', 'name', 'cpus', 'mem', 'tasks', 'nodes',
];
const LINES = [
  '  - name: extra',
  '    resources: { cpus: 1, mem: 1Gi }',
  '    resources: { cpus: 0, mem: 4GB }',
  '  - name: t1',
  '    dependsOn: [t0, extra, nope]',
  '    constraints: [[zone, IS, a], [rack, LIKE, "r[1"]]',
  '    priority: 2000',
  '    unknown: 1',
  '  - name: t6-1',
  '    instances: 2',
  '    dependsOn: [t35, t11]',
  '    resources: { cpus: 64, mem: 1Gi, ports: [8080, 8080, 31000] }',
  '    constraints: [[hostname, IS, node7], [rack, IS, r9]]',
  '  - name: node1',
  '    attributes: { zone: d, rack: r1 }',
  '  -',
  '- name: outdented',
  'tasks:',
  'nodes:',
  'name: Other',
  '---',
  '    image: &img busybox',
  '    image: *img',
  '# a comment',
  '',
];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; length: number; text: string }
  | { kind: 'line-insert'; line: number; text: string }
  | { kind: 'line-delete'; line: number; count: number }
  | { kind: 'line-move'; from: number; count: number; to: number }
  | { kind: 'number'; which: number; value: number }
  | { kind: 'name'; which: number; value: number }
  | { kind: 'field'; field: number; which: number; value: number };

/** A `key: value` (the value a scalar or a flow list), in a block or a flow mapping. */
function field(key: string): RegExp {
  return new RegExp(`\\b${key}: (\\[[^\\]\\n]*\\]|[^,}\\n]+)`, 'g');
}

/** Values that change what a rule reports: names, instance counts, sizes against the nodes', ports, attributes. */
const FIELDS: readonly { readonly at: RegExp; readonly values: readonly string[] }[] = [
  { at: /^name: (.+)$/gm, values: ['bench', 'other'] },
  { at: field('instances'), values: ['0', '1', '2', '3', '5'] },
  { at: field('cpus'), values: ['0.5', '2', '16', '64', '0'] },
  { at: field('mem'), values: ['1Gi', '64Gi', '1Ti', '0'] },
  { at: field('gpus'), values: ['0', '1'] },
  { at: field('ports'), values: ['0', '1', '150', '[8080]', '[31005, 31005]', '"31000-31009"', '"1-65535"'] },
  { at: field('zone'), values: ['a', 'b', 'd'] },
  { at: field('rack'), values: ['r1', 'r9', 'x'] },
  { at: field('domains'), values: ['[zone]', '[rack, zone]', '[zonx]'] },
];

const token = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 }));
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: token }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }), text: token }),
  fc.record({ kind: fc.constant('line-insert' as const), line: fc.nat(), text: fc.constantFrom(...LINES) }),
  fc.record({ kind: fc.constant('line-delete' as const), line: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('line-move' as const), from: fc.nat(), count: fc.integer({ min: 1, max: 6 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('number' as const), which: fc.nat(), value: fc.integer({ min: 0, max: 99999 }) }),
  fc.record({ kind: fc.constant('name' as const), which: fc.nat(), value: fc.integer({ min: 0, max: 44 }) }),
  fc.record({ kind: fc.constant('field' as const), field: fc.integer({ min: 0, max: FIELDS.length - 1 }), which: fc.nat(), value: fc.nat() }),
);

function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  switch (e.kind) {
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at);
    }
    case 'delete': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + e.length);
    }
    case 'replace': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at + e.length);
    }
    case 'line-insert':
      lines.splice(e.line % (lines.length + 1), 0, e.text);
      return lines.join('\n');
    case 'line-delete':
      lines.splice(e.line % lines.length, e.count);
      return lines.join('\n');
    case 'line-move': {
      // Moves whole lines: with a block starting at a dash, a list item (or part of one) moves.
      const moved = lines.splice(e.from % lines.length, e.count);
      lines.splice(e.to % (lines.length + 1), 0, ...moved);
      return lines.join('\n');
    }
    case 'number': {
      const numbers = [...text.matchAll(/\d+/g)];
      const m = numbers.length > 0 ? numbers[e.which % numbers.length] : undefined;
      if (!m || m.index === undefined) return text;
      return text.slice(0, m.index) + String(e.value) + text.slice(m.index + m[0].length);
    }
    case 'name': {
      // Renames a task or node, or what a dependency or constraint names, to a name that may exist:
      // duplicates, unknown and cyclic dependencies, instance-name collisions.
      const names = [...text.matchAll(/\b(t|node)\d+\b/g)];
      const m = names.length > 0 ? names[e.which % names.length] : undefined;
      if (!m || m.index === undefined) return text;
      return text.slice(0, m.index) + `${m[1] ?? 't'}${e.value}` + text.slice(m.index + m[0].length);
    }
    case 'field': {
      const f = FIELDS[e.field];
      const found = f ? [...text.matchAll(f.at)] : [];
      const m = found.length > 0 ? found[e.which % found.length] : undefined;
      if (!m || m.index === undefined || m[1] === undefined) return text;
      const at = m.index + m[0].length - m[1].length;
      return text.slice(0, at) + (f?.values[e.value % f.values.length] ?? '') + text.slice(at + m[1].length);
    }
  }
}

// ------------------------------------------------------------------ assertions

function sorted(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem): string => `${String(p.span.start).padStart(8, '0')}:${String(p.span.end).padStart(8, '0')}:${p.code}:${p.message}:${JSON.stringify(p.data ?? null)}`;
  return [...problems].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The job with its tasks as plain objects (a moved task's spans are getters). */
function plainJob(job: JobSpec): JobSpec {
  return { ...job, tasks: job.tasks.map(plainTask) };
}

/** The pieces the incremental path computes equal the plain stages on the same documents. */
function assertPiecesEqualWhole(checked: CheckedFile, label: string): void {
  for (const doc of checked.file.documents) {
    const kind = doc.kind;
    if (kind === undefined) continue;
    const list = listItemsOf(doc);
    if (list?.key === LIST_KEY[kind]) {
      const parts = validator.validateRoot(doc, kind);
      list.items.forEach((_, i) => parts.push(...validator.validateItem(doc, kind, i)));
      assert.deepEqual(sorted(parts), sorted(validator.validate(doc, kind)), `${label}: schema problems in parts and whole`);
    }
  }
  for (const job of checked.jobs) assert.deepEqual(plainJob(job.spec), plainJob(toJob(job.doc).spec), `${label}: job model`);
  for (const cluster of checked.clusters) assert.deepEqual(cluster.spec, toCluster(cluster.doc).spec, `${label}: cluster model`);
}

/** One warm checker and one parse cache per file for the whole test, as the language server keeps them. */
const warm = createSpecChecker(validator);
const caches = new Map<string, ParseCache>();

function assertWarmEqualsFresh(file: SpecText, text: string, label: string): void {
  let cache = caches.get(file.path);
  if (!cache) caches.set(file.path, (cache = createParseCache()));
  const incremental = warm.check(file.path, text, host, cache);
  const fresh = createSpecChecker(validator).check(file.path, text, host, createParseCache());
  assert.deepStrictEqual(incremental, fresh, `${label}: warm and fresh checks differ`);
  assertPiecesEqualWhole(fresh, label);
}

test('a warm re-check equals a fresh check after random edit sequences', () => {
  assertProperty(
    fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), (which, edits) => {
      const file = files[which];
      assert.ok(file);
      let text = file.text;
      assertWarmEqualsFresh(file, text, file.path);
      edits.forEach((e, k) => {
        text = applyEdit(text, e);
        assertWarmEqualsFresh(file, text, `${file.path} after edit ${k + 1} ${JSON.stringify(e)}`);
      });
    }),
    { numRuns: 250 },
  );
});

test('a warm re-check equals a fresh check when items move, appear and go', () => {
  const file = files.find((f) => f.path === '/gen/bench.job.yaml');
  assert.ok(file);
  const lines = file.text.split('\n');
  const head = lines.slice(0, lines.indexOf('tasks:') + 1);
  const items: string[][] = [];
  for (const line of lines.slice(head.length)) {
    if (line.startsWith('  - ')) items.push([line]);
    else if (line !== '') items[items.length - 1]?.push(line);
  }
  const render = (order: readonly number[]): string => `${[...head, ...order.flatMap((i) => items[i] ?? [])].join('\n')}\n`;
  assertProperty(
    fc.property(fc.array(fc.integer({ min: 0, max: items.length - 1 }), { minLength: 1, maxLength: items.length + 5 }), (order) => {
      assertWarmEqualsFresh(file, render(order), `items ${order.join(',')}`);
    }),
    { numRuns: 100 },
  );
});

test('the re-check reuses the models of unchanged items and shifts those that moved', () => {
  const file = files.find((f) => f.path === '/gen/bench.job.yaml');
  assert.ok(file);
  const checker = createSpecChecker(validator);
  const cache = createParseCache();
  const before = checker.check(file.path, file.text, host, cache).jobs[0]?.spec.tasks;
  const at = file.text.indexOf('  - name: t20');
  const edited = `${file.text.slice(0, at)}  - name: inserted\n    resources: { cpus: 1, mem: 1Gi }\n${file.text.slice(at)}`;
  const after = checker.check(file.path, edited, host, cache).jobs[0]?.spec.tasks;
  assert.ok(before && after);
  assert.equal(after.length, before.length + 1);
  assert.equal(after[3], before[3], 'an item above the edit is the same object');
  assert.notEqual(after[21], before[20], 'an item below the edit moved');
  assert.deepEqual(after[21]?.nameSpan.start, (before[20]?.nameSpan.start ?? 0) + edited.length - file.text.length);
});

test('the nesting guard in pieces finds what one scan of the whole text finds', () => {
  const file = files.find((f) => f.path === '/gen/bench.job.yaml');
  assert.ok(file);
  const lines = file.text.split('\n');
  const deepBlock = (n: number): string[] => Array.from({ length: n }, (_, i) => `${' '.repeat(6 + i)}k${i}:`);
  const PIECES: string[][] = [
    ['    env:', ...deepBlock(300)],
    ['    env:', ...deepBlock(200)],
    [`    command: ${'['.repeat(300)}`],
    [`    command: ${'['.repeat(200)}`],
    ['    command: [a,'],
    ['    command: "[[[["'],
    ['# [[[[', '  # [[[['],
    [`${' '.repeat(300)}x: 1`],
  ];
  const cache = createParseCache();
  assertProperty(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: PIECES.length - 1 })), { minLength: 1, maxLength: 4 }), (inserts) => {
      const edited = [...lines];
      for (const [at, which] of inserts) edited.splice(at % (edited.length + 1), 0, ...(PIECES[which] ?? []));
      const text = edited.join('\n');
      const expected = tooDeepAt(text);
      for (const c of [cache, createParseCache()]) {
        const parsed = parseSpec(text, c);
        const deep = parsed.problems.find((p) => p.code === 'spec/too-deep' && parsed.documents.length === 0);
        assert.equal(deep?.span.start, expected, 'the guard reports where one scan does');
      }
      assertWarmEqualsFresh(file, text, 'nesting');
    }),
    { numRuns: 120 },
  );
});

test('a warm re-check equals a fresh check when the job and its cluster file are edited in turn', () => {
  const job = files.find((f) => f.path === '/gen/bench.job.yaml');
  const cluster = files.find((f) => f.path === '/gen/bench.cluster.yaml');
  assert.ok(job && cluster);
  // Each step edits the job or the cluster file; the job is checked after each. An edit of the
  // cluster file alone must reach the rules' memos of what they derived from the cluster.
  assertProperty(
    fc.property(fc.array(fc.tuple(fc.boolean(), editArb), { minLength: 1, maxLength: 8 }), (steps) => {
      let jobText = job.text;
      let clusterText = cluster.text;
      const host: SpecHost = { readFile: (path) => (path === cluster.path ? clusterText : undefined) };
      const checker = createSpecChecker(validator);
      const cache = createParseCache();
      const compare = (label: string): void => {
        const incremental = checker.check(job.path, jobText, host, cache);
        const fresh = createSpecChecker(validator).check(job.path, jobText, host, createParseCache());
        assert.deepStrictEqual(incremental, fresh, `${label}: warm and fresh checks differ`);
      };
      compare('before any edit');
      steps.forEach(([onCluster, e], k) => {
        if (onCluster) clusterText = applyEdit(clusterText, e);
        else jobText = applyEdit(jobText, e);
        compare(`after edit ${k + 1} of the ${onCluster ? 'cluster' : 'job'} ${JSON.stringify(e)}`);
      });
    }),
    { numRuns: 200 },
  );
});

test('a check after priming, whole or in part, equals a fresh check when the job and its cluster file are edited in turn', () => {
  const job = files.find((f) => f.path === '/gen/bench.job.yaml');
  const cluster = files.find((f) => f.path === '/gen/bench.cluster.yaml');
  assert.ok(job && cluster);
  // Before each check, the primer runs for a number of steps (0: none; large: to its end), a few
  // items per step, as the front runs it between messages.
  assertProperty(
    fc.property(fc.array(fc.tuple(fc.boolean(), editArb, fc.nat({ max: 400 }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 6 }), (steps) => {
      let jobText = job.text;
      let clusterText = cluster.text;
      const host: SpecHost = { readFile: (path) => (path === cluster.path ? clusterText : undefined) };
      const checker = createSpecChecker(validator);
      const cache = createParseCache();
      const compare = (primeSteps: number, perStep: number, label: string): void => {
        const primer = checker.prime(job.path, jobText, host, cache);
        for (let s = 0; s < primeSteps && !primer.step(itemsPerStep(perStep)); s++);
        const primed = checker.check(job.path, jobText, host, cache);
        const fresh = createSpecChecker(validator).check(job.path, jobText, host, createParseCache());
        assert.deepStrictEqual(primed, fresh, `${label}: primed and fresh checks differ`);
      };
      compare(1000, 50, 'before any edit');
      steps.forEach(([onCluster, e, primeSteps, perStep], k) => {
        if (onCluster) clusterText = applyEdit(clusterText, e);
        else jobText = applyEdit(jobText, e);
        compare(primeSteps, perStep, `after edit ${k + 1} of the ${onCluster ? 'cluster' : 'job'} ${JSON.stringify(e)}, ${primeSteps} steps of ${perStep}`);
      });
    }),
    { numRuns: 60 },
  );
});
