/**
 * The chunked parse's layout after an edit: moved from the last text's layout when the edit lies
 * within one line, it equals the layout found again; and the text diff it rests on equals the
 * diff found character by character.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { diffTexts, layoutOf, movedLayout } from '../../../server/engine/spec/documentLayout';
import { createParseCache, parseSpec } from '../../../server/engine/spec/parseSpec';
import { exampleSpecs } from './repoRoot';

const JOB = [
  'apiVersion: berth/v1',
  'kind: Job',
  'name: j',
  'cluster: ./c.cluster.yaml',
  'tasks:',
  '  - name: a',
  '    command: ["sh", "-c", "sleep 3600"]',
  '    resources: { cpus: 0.5, mem: 1Gi }',
  '  # a comment',
  '  - name: b',
  '    env:',
  '      A: "1"',
  '',
  '  - name: c',
  'failover: { tolerate: 1 }',
  '---',
  'kind: Cluster',
  'name: c',
  'nodes:',
  '  - name: n1',
  '    resources: { cpus: 4 }',
  '...',
  '# end',
  '',
].join('\n');

const texts = [JOB, ...exampleSpecs().map((s) => s.text)];

/** Text that may change a line's shape or make it a line the layout looks for, at its start or inside it. */
const PIECES = ['', ' ', '  ', '-', '- ', '#', 'x', ':', '---', '...', 'tasks:', 'nodes:', 'tasks', '%', '\t', '\r', '\u2028', '"', '[', '0', 'name: z', '-x'];

const lineEdit = fc.record({
  which: fc.nat(),
  line: fc.nat(),
  column: fc.oneof(fc.constant(0), fc.nat({ max: 40 })),
  remove: fc.nat({ max: 4 }),
  insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })),
});

test('a layout moved after an edit within a line equals the layout found again', () => {
  let moved = 0;
  assertProperty(
    fc.property(fc.array(lineEdit, { minLength: 1, maxLength: 5 }), (edits) => {
      const start = texts[(edits[0]?.which ?? 0) % texts.length] ?? '';
      let old = start;
      let layout = layoutOf(old);
      for (const e of edits) {
        const lines = old.split('\n');
        const l = e.line % lines.length;
        const line = lines[l] ?? '';
        const at = Math.min(e.column, line.length);
        lines[l] = line.slice(0, at) + e.insert + line.slice(Math.min(line.length, at + e.remove));
        const text = lines.join('\n');
        const expected = layoutOf(text);
        if (layout) {
          const m = movedLayout(layout, old, text, diffTexts(old, text));
          if (m) {
            moved++;
            assert.deepEqual(m, expected, `moved layout after ${JSON.stringify(e)} in line ${JSON.stringify(line)}`);
          }
        }
        old = text;
        layout = expected;
      }
    }),
    { numRuns: 1500 },
  );
  assert.ok(moved > 1000, `the layout was moved only ${moved} times: the test hardly exercises it`);
});

test('an edit inside a value moves the layout; a new list key, document marker or list item does not', () => {
  const layout = layoutOf(JOB);
  assert.ok(layout);
  const edit = (from: string, to: string): string => JOB.replace(from, to);
  const moves = (text: string): boolean => {
    const moved = movedLayout(layout, JOB, text, diffTexts(JOB, text));
    if (moved) assert.deepEqual(moved, layoutOf(text), `moved layout of ${JSON.stringify(text)}`);
    return moved !== undefined;
  };
  assert.ok(moves(edit('sleep 3600', 'sleep 3601')), 'same length');
  assert.ok(moves(edit('cpus: 0.5', 'cpus: 0.25')), 'longer');
  assert.ok(moves(edit('name: b', 'name: bb')), 'on an item line');
  assert.ok(moves(edit('failover:', 'xfailover:')), 'at the start of the line after a list');
  assert.ok(moves(edit('  # a comment', '  ## a comment')), 'at the start of a comment between items');
  assert.ok(moves(edit('{ tolerate: 1 }', '{ tolerate: 1 }  ')), 'at the end of a line');
  assert.ok(!moves(`${JOB}x`), 'on a last line without a line break');
  assert.ok(!moves(edit('  # a comment', '  - a comment')), 'a comment becomes an item');
  assert.ok(!moves(edit('failover:', 'tasks:')), 'a list key');
  assert.ok(!moves(edit('# end', '--- end')), 'a document marker');
  assert.ok(!moves(edit('name: c\n', 'name: c\nx: 1\n')), 'a new line');
});

test('the text diff is the longest common prefix and then the longest common suffix', () => {
  const naive = (a: string, b: string): { prefix: number; suffix: number } => {
    let prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
    let suffix = 0;
    while (suffix < Math.min(a.length, b.length) - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
    return { prefix, suffix };
  };
  assertProperty(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 60 }), fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 60 }), (a, b) => {
      assert.deepEqual(diffTexts(a, b), naive(a, b));
      assert.deepEqual(diffTexts(a, a + b), naive(a, a + b));
      assert.deepEqual(diffTexts(b + a, a), naive(b + a, a));
    }),
    { numRuns: 2000 },
  );
});

test('after an edit that changes the length, items before and after it keep their parsed values', () => {
  const cache = createParseCache();
  const tasks = (text: string): unknown[] => (parseSpec(text, cache).documents[0]?.value as { tasks: unknown[] }).tasks;
  const before = tasks(JOB);
  const after = tasks(JOB.replace('name: b', 'name: bb'));
  assert.equal(after[0], before[0], 'the item before the edit');
  assert.notEqual(after[1], before[1], 'the edited item');
  assert.equal(after[2], before[2], 'the item after the edit');
  const moved = tasks(JOB.replace('name: b', 'name: bb').replace('  - name: c\n', '').replace('  - name: a\n', '  - name: c\n  - name: a\n'));
  assert.deepEqual(moved[0], { name: 'c' });
  assert.equal(moved[0], after[2], 'an item moved elsewhere is found by its text');
});
