/**
 * The broken-spec corpus: every `test/fixtures/broken/*.yaml` has one (sometimes two) intended
 * mistakes, and a sibling `<name>.expected.json` with the exact problems a user should see:
 * `[{ "code", "line" (1-based), "severity" }]`. Nothing more may be reported, nothing less.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSpecChecker } from '../../../server/engine/checkSpec';
import type { Problem } from '../../../server/engine/model';
import { fsHost, lineOf, repoPath } from './repoRoot';

interface Expected {
  readonly code: string;
  readonly line: number;
  readonly severity: string;
}

/** Every problem code in use: a public contract, each covered by at least one fixture. */
const PUBLIC_CODES = [
  'spec/syntax',
  'spec/too-deep',
  'spec/complex-key',
  'spec/unknown-kind',
  'spec/unknown-field',
  'spec/missing-field',
  'spec/wrong-type',
  'spec/invalid-value',
  'spec/out-of-range',
  'spec/empty',
  'spec/duplicate-item',
  'spec/bad-unit',
  'spec/implausible-value',
  'spec/duplicate-name',
  'spec/unknown-dependency',
  'spec/dependency-cycle',
  'spec/constraint-value',
  'spec/bad-regex',
  'spec/unknown-attribute',
  'spec/unknown-attribute-value',
  'spec/unknown-node',
  'spec/task-too-large',
  'spec/port-out-of-range',
  'spec/duplicate-port',
  'spec/unknown-cluster',
  'spec/cluster-invalid',
  'spec/cluster-unreadable',
];

const DIR = repoPath('test', 'fixtures', 'broken');
/** The valid cluster the broken jobs run on; checked separately (it must stay clean). */
const BASE = 'base.cluster.yaml';

const fixtures = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f) && f !== BASE)
  .sort();

function expectedPath(fixture: string): string {
  return join(DIR, fixture.replace(/\.ya?ml$/, '.expected.json'));
}

function readExpected(fixture: string): Expected[] {
  const path = expectedPath(fixture);
  assert.ok(existsSync(path), `${fixture}: missing ${path}`);
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(Array.isArray(parsed), `${path} must hold an array`);
  assert.ok(parsed.length > 0, `${path} must not be empty: every fixture has a mistake`);
  return parsed.map((e: unknown, i) => {
    assert.ok(typeof e === 'object' && e !== null, `${path}[${i}] must be an object`);
    const { code, line, severity } = e as Record<string, unknown>;
    assert.ok(typeof code === 'string' && typeof line === 'number' && typeof severity === 'string', `${path}[${i}] needs code, line, severity`);
    return { code, line, severity };
  });
}

function key(e: Expected): string {
  return `${e.code} line ${e.line} ${e.severity}`;
}

function describeProblems(text: string, problems: readonly Problem[]): string {
  return problems
    .map((p) => `  ${p.code} line ${lineOf(text, p.span.start)} ${p.severity} ${JSON.stringify(text.slice(p.span.start, p.span.end)).slice(0, 40)}: ${p.message}`)
    .join('\n');
}

test('the corpus has at least 70 broken specs', () => {
  assert.ok(fixtures.length >= 70, `only ${fixtures.length} fixtures in ${DIR}`);
});

test('the shared cluster fixture is valid', () => {
  const path = join(DIR, BASE);
  const text = readFileSync(path, 'utf8');
  const checked = createSpecChecker().check(path, text, fsHost);
  assert.deepEqual(checked.problems, [], describeProblems(text, checked.problems));
  assert.equal(checked.clusters.length, 1);
  assert.ok(checked.clusters[0]?.ok);
});

test('every expected file belongs to a fixture', () => {
  const orphans = readdirSync(DIR)
    .filter((f) => f.endsWith('.expected.json'))
    .filter((f) => !fixtures.some((y) => expectedPath(y) === join(DIR, f)));
  assert.deepEqual(orphans, []);
});

test('the corpus covers every public problem code', () => {
  const covered = new Set(fixtures.flatMap((f) => readExpected(f).map((e) => e.code)));
  assert.deepEqual(PUBLIC_CODES.filter((c) => !covered.has(c)), []);
  assert.deepEqual([...covered].filter((c) => !PUBLIC_CODES.includes(c)), [], 'a fixture expects a code outside the public list');
});

describe('broken specs report exactly the expected problems', () => {
  // One checker for the whole corpus, as the CLI and the server use it (its cluster cache included).
  const checker = createSpecChecker();
  for (const fixture of fixtures) {
    test(fixture, () => {
      const expected = readExpected(fixture);
      const path = join(DIR, fixture);
      const text = readFileSync(path, 'utf8');
      const checked = checker.check(path, text, fsHost);
      for (const p of checked.problems) {
        assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length, `span out of the text: ${JSON.stringify(p)}`);
      }
      const actual = checked.problems.map((p) => key({ code: p.code, line: lineOf(text, p.span.start), severity: p.severity })).sort();
      assert.deepEqual(actual, expected.map(key).sort(), `${fixture}: the engine reported\n${describeProblems(text, checked.problems)}`);
    });
  }
});
