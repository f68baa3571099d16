import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { createParseCache, parseSpec, primeParse } from '../../../server/engine/spec/parseSpec';
import { escapePointer, type SpecFile } from '../../../server/engine/spec/specDocument';
import { parseWhole } from '../../../server/engine/spec/yamlWalk';
import { repoRoot } from './repoRoot';
import { itemsPerStep, yamlParses } from './yamlParses';

/** Every pointer of a plain value, root first. */
function pointers(v: unknown, at = ''): string[] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pointers(x, `${at}/${i}`)));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...pointers(x, `${at}/${escapePointer(k)}`));
  return out;
}

function assertSame(chunked: SpecFile, whole: SpecFile, label: string): void {
  assert.equal(chunked.documents.length, whole.documents.length, `${label}: document count`);
  chunked.documents.forEach((d, i) => {
    const w = whole.documents[i];
    assert.ok(w);
    assert.deepEqual(d.value, w.value, `${label}: value of document ${i}`);
    for (const p of pointers(w.value)) {
      if (p === '') continue;
      assert.deepEqual(d.nodes.get(p), w.nodes.get(p), `${label}: spans of ${p} in document ${i}`);
    }
  });
  assert.deepEqual(chunked.problems.map((p) => p.code), whole.problems.map((p) => p.code), `${label}: problems`);
}

function exampleTexts(): { name: string; text: string }[] {
  const root = join(repoRoot(), 'examples');
  const out: { name: string; text: string }[] = [];
  for (const dir of readdirSync(root)) for (const f of readdirSync(join(root, dir))) out.push({ name: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') });
  return out;
}

test('chunked parse equals the whole parse on every example', () => {
  for (const { name, text } of exampleTexts()) assertSame(parseSpec(text), parseWhole(text), name);
});

test('chunked parse equals the whole parse on multi-document, indented and commented lists', () => {
  const text = [
    '# header',
    'apiVersion: berth/v1',
    'kind: Cluster',
    'name: c',
    'nodes:',
    '# a comment at column 0',
    '- name: n1',
    '  resources: {cpus: 1, mem: 1Gi}',
    '',
    '- name: n2   # trailing',
    '  resources:',
    '    cpus: 2',
    '    mem: 2Gi',
    '  attributes: { zone: "a" }',
    'defaults: { image: x }',
    '---',
    'kind: Job',
    'tasks:',
    '    - name: a',
    '      command: |',
    '        echo hi',
    '        echo there',
    '    -',
    '    - name: b',
    '      env: {A: "1", B: two}',
    'name: j',
  ].join('\n');
  assertSame(parseSpec(text), parseWhole(text), 'synthetic');
});

test('a cache reuses unchanged items and reparses only what changed', () => {
  const cache = createParseCache();
  const base = (mem: string): string => `kind: Job\nname: j\ntasks:\n  - name: a\n    resources: { mem: 1Gi }\n  - name: b\n    resources: { mem: ${mem} }\n`;
  const first = parseSpec(base('1Gi'), cache);
  const second = parseSpec(base('2Gi'), cache);
  const v1 = first.documents[0]?.value as { tasks: unknown[] };
  const v2 = second.documents[0]?.value as { tasks: unknown[] };
  assert.equal(v1.tasks[0], v2.tasks[0], 'the unchanged item is the same object');
  assert.notEqual(v1.tasks[1], v2.tasks[1]);
  assert.deepEqual(v2.tasks[1], { name: 'b', resources: { mem: '2Gi' } });
});

test('chunked parse agrees with the whole parse on random edits of the examples', () => {
  const texts = exampleTexts().map((e) => e.text);
  const cache = createParseCache();
  assertProperty(
    fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 12 }), (which, at, del, insert) => {
      const text = texts[which] ?? '';
      const pos = at % (text.length + 1);
      const edited = text.slice(0, pos) + insert + text.slice(Math.min(text.length, pos + del));
      const chunked = parseSpec(edited, cache);
      const whole = parseWhole(edited);
      // Broken YAML may be reported differently; valid YAML must parse identically.
      if (whole.problems.length === 0 && chunked.problems.length === 0) assertSame(chunked, whole, JSON.stringify(edited.slice(Math.max(0, pos - 20), pos + 20)));
      else assert.equal(whole.problems.some((p) => p.severity === 'error'), chunked.problems.some((p) => p.severity === 'error'), 'both see an error');
    }),
    { numRuns: 1500 },
  );
});

test('a parse after a primer (stepped a few items at a time) agrees with the whole parse on random edits of the examples', () => {
  const texts = exampleTexts().map((e) => e.text);
  const cache = createParseCache();
  assertProperty(
    fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (which, at, del, insert, perStep) => {
      const text = texts[which] ?? '';
      const pos = at % (text.length + 1);
      const edited = text.slice(0, pos) + insert + text.slice(Math.min(text.length, pos + del));
      const primer = primeParse(edited, cache);
      for (let steps = 0; !primer.step(itemsPerStep(perStep)); steps++) assert.ok(steps < 10_000, 'the primer ends');
      const chunked = parseSpec(edited, cache);
      const whole = parseWhole(edited);
      if (whole.problems.length === 0 && chunked.problems.length === 0) assertSame(chunked, whole, JSON.stringify(edited.slice(Math.max(0, pos - 20), pos + 20)));
      else assert.equal(whole.problems.some((p) => p.severity === 'error'), chunked.problems.some((p) => p.severity === 'error'), 'both see an error');
    }),
    { numRuns: 1500 },
  );
});

test('a map whose last line ends in a comment ends before the next line\'s indent, parsed whole or in chunks', () => {
  // The library's range of `healthCheck` runs into the indent of `restart:` when `interval:` has no
  // value and a comment follows it (a property test found the chunked path keeping it).
  const text = 'kind: Job\ntasks:\n  - name: a\n    healthCheck:\n      command: [x]\n      interval: # retries: 3\n    restart: always\n  - name: b\n';
  const chunked = parseSpec(text);
  assertSame(chunked, parseWhole(text), JSON.stringify(text));
  const span = chunked.documents[0]?.nodes.get('/tasks/0/healthCheck')?.span;
  assert.ok(span);
  assert.equal(text.slice(span.start, span.end), 'command: [x]\n      interval: # retries: 3\n');
});

test('comment lines that close a list, an item or a map are in no span, parsed whole or in chunks', () => {
  const list = 'kind: Job\ntasks:\n  - name: a\n  - name: b\n';
  const texts = [
    `${list}    cpus: 2\n    # under the last item\n`,
    `${list}    cpus: 2\n    # under the last item\nname: j\n`,
    `${list}    cpus: 2\n\n    # after a blank line\n\n`,
    `${list}    cpus: 2\n    # one\n      # two, deeper, and no newline`,
    `${list}    env:\n      A: "1"\n      # under a map's last key\n`,
    `${list}    dependsOn:\n      - a\n      # under a list in the item\n`,
    'kind: Job\ntasks:\n- name: a\n- name: b\n  cpus: 2\n  # at the items\' indent, dashes at column 0\nname: j\n',
  ];
  for (const text of texts) {
    const chunked = parseSpec(text);
    assertSame(chunked, parseWhole(text), JSON.stringify(text));
    const tasks = chunked.documents[0]?.nodes.get('/tasks')?.span;
    assert.ok(tasks);
    assert.doesNotMatch(text.slice(tasks.start, tasks.end), /#/, 'the list\'s span stops before the comment');
  }
});

test('a block scalar\'s lines that start with # are the scalar\'s, and its task\'s span keeps them', () => {
  const script = '      echo hi\n      # a line of the script\n';
  for (const after of ['', '    # a comment under the task\n', 'name: j\n']) {
    const text = `kind: Job\ntasks:\n  - name: a\n    command: |\n${script}${after}`;
    const chunked = parseSpec(text);
    assertSame(chunked, parseWhole(text), JSON.stringify(text));
    const doc = chunked.documents[0];
    assert.equal((doc?.value as { tasks: { command: string }[] }).tasks[0]?.command, 'echo hi\n# a line of the script\n');
    const command = doc?.nodes.get('/tasks/0/command')?.span;
    const task = doc?.nodes.get('/tasks/0')?.span;
    const list = doc?.nodes.get('/tasks')?.span;
    assert.ok(command && task && list);
    assert.ok(task.end >= command.end && list.end >= command.end, `the task (${task.end}) and the list (${list.end}) end after the script (${command.end})`);
    assert.ok(text.slice(task.start, task.end).includes('# a line of the script'));
  }
});

test('chunked parse agrees with the whole parse when a comment line is put between any two lines of an example', () => {
  const texts = exampleTexts().map((e) => e.text);
  const cache = createParseCache();
  assertProperty(
    fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat({ max: 8 }), fc.boolean(), (which, at, indent, blankBefore) => {
      const lines = (texts[which] ?? '').split('\n');
      const line = at % (lines.length + 1);
      lines.splice(line, 0, ...(blankBefore ? [''] : []), `${' '.repeat(indent)}# note`);
      const edited = lines.join('\n');
      const whole = parseWhole(edited);
      if (whole.problems.length === 0) assertSame(parseSpec(edited, cache), whole, `comment at line ${line}, indent ${indent}`);
    }),
    { numRuns: 600 },
  );
});

test('a block scalar in the last item, with lines that start with # and blank lines, parses in chunks as it does whole', () => {
  const line = fc.constantFrom('echo hi', '# a line of the script', '', '  indented more', '#!');
  const trailer = fc.constantFrom('', '\n', '\n\n', '    # under the task\n', '  # at the dashes\n', '# at column 0\n', 'name: j\n', '\n# c\n      # deeper\n');
  const cache = createParseCache();
  assertProperty(
    fc.property(fc.constantFrom('|', '|+', '|-', '>', '>+'), fc.array(line, { minLength: 1, maxLength: 5 }), trailer, fc.boolean(), (indicator, lines, after, twoItems) => {
      const body = lines.map((l) => (l === '' ? '' : `      ${l}`)).join('\n');
      const first = twoItems ? '  - name: a\n    command: x\n' : '';
      const text = `kind: Job\ntasks:\n${first}  - name: b\n    command: ${indicator}\n${body}\n${after}`;
      const whole = parseWhole(text);
      if (whole.problems.length > 0) return;
      assertSame(parseSpec(text, cache), whole, JSON.stringify(text));
      assertSame(parseSpec(text), whole, JSON.stringify(text));
    }),
    { numRuns: 400 },
  );
});

test('a key with no text (`: value`) after a list parses in chunks as it does whole', () => {
  // The library places an empty key's offset after what precedes it, which differs once the list
  // is cut out (a property test found it: the key's span fell before the list).
  for (const text of ['kind: Cluster\nnodes:\n  - name: a\n  - name: b\n: { zone: c }\n', 'kind: Job\ntasks:\n  - name: a\n    : x\n  - : y\n']) {
    assertSame(parseSpec(text), parseWhole(text), JSON.stringify(text));
  }
});

test('anchors and aliases across items are parsed whole, with the same result', () => {
  const text = 'kind: Job\nres: &r { cpus: 1, mem: 1Gi }\ntasks:\n  - name: a\n    resources: *r\n  - &b\n    name: b\n    resources: { cpus: 2 }\n';
  const cache = createParseCache();
  const chunked = parseSpec(text, cache);
  assertSame(chunked, parseWhole(text), 'anchors');
  assert.deepEqual((chunked.documents[0]?.value as { tasks: unknown[] }).tasks[0], { name: 'a', resources: { cpus: 1, mem: '1Gi' } });
});

const sevenTasks = `kind: Job\nname: j\ntasks:\n${Array.from({ length: 7 }, (_, i) => `  - name: t${i}\n    resources: { cpus: ${i + 1} }\n`).join('')}`;

test('a primer parses the items a few per step, and the parse after it parses none of them', () => {
  assert.equal(yamlParses(() => parseSpec(sevenTasks)), 8, 'the spy sees the skeleton and every item');
  const cache = createParseCache();
  const primer = primeParse(sevenTasks, cache);
  const steps: boolean[] = [];
  const parsed = yamlParses(() => {
    for (let done = false; !done; ) steps.push((done = primer.step(itemsPerStep(3))));
  });
  assert.deepEqual(steps, [false, false, true], '3 + 3 + 1 items');
  assert.equal(parsed, 7, 'each item once, the skeleton not yet');
  let file: SpecFile | undefined;
  assert.equal(yamlParses(() => (file = parseSpec(sevenTasks, cache))), 1, 'only the skeleton');
  assert.ok(file);
  assertSame(file, parseWhole(sevenTasks), 'primed');
});

test('a primer stops when the cache has moved on, and leaves the newer parse in it', () => {
  const cache = createParseCache();
  const primer = primeParse(sevenTasks, cache);
  assert.equal(primer.step(itemsPerStep(2)), false);
  const edited = sevenTasks.replace('cpus: 5', 'cpus: 50');
  parseSpec(edited, cache);
  assert.equal(primer.step(itemsPerStep(100)), true, 'done: nothing of its own to add');
  assert.equal(yamlParses(() => parseSpec(edited, cache)), 1, 'the edited text\'s items are still all in the cache');
});

test('a primer leaves an item nested too deep, or not alone on its lines, to the parse', () => {
  const deep = `kind: Job\ntasks:\n  - name: a\n  - x: ${'['.repeat(300)}${']'.repeat(300)}\n  - name: c\n`;
  const cache = createParseCache();
  assert.equal(yamlParses(() => assert.equal(primeParse(deep, cache).step(() => true), true)), 1, 'the first item only');
  const file = parseSpec(deep, cache);
  assert.deepEqual(file.problems.map((p) => p.code), ['spec/too-deep']);
});
