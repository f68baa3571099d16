import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constraints } from '../../../server/engine/rules/constraints';
import { checkJob, CLUSTER, HEAD, oneTask, summary } from './ruleHarness';

function withConstraints(list: string, cluster: string | null = CLUSTER): { text: string; result: [string, string, string][] } {
  const text = oneTask(`    constraints: ${list}\n`);
  return { text, result: summary(text, checkJob(constraints, text, cluster)) };
}

describe('operator values', () => {
  test('every operator used as intended is fine', () => {
    const list = '[[zone, UNIQUE], [zone, CLUSTER], [zone, CLUSTER, a], [zone, GROUP_BY], [zone, GROUP_BY, 2], [rack, LIKE, "r[12]"], [rack, UNLIKE, r3], [rack, MAX_PER, 2], [zone, IS, b], [hostname, IS, node1], [hostname, LIKE, "node.*"], [hostname, UNIQUE], [gen, IS, 3], [ssd, IS, "true"]]';
    assert.deepEqual(withConstraints(list).result, []);
  });

  const misuses: [string, string][] = [
    ['[zone, UNIQUE, a]', 'UNIQUE takes no value'],
    ['[rack, LIKE]', 'LIKE needs a value'],
    ['[rack, UNLIKE]', 'UNLIKE needs a value'],
    ['[zone, IS]', 'IS needs a value'],
    ['[rack, MAX_PER]', 'MAX_PER needs a value'],
    ['[rack, MAX_PER, two]', 'MAX_PER takes a count'],
    ['[rack, MAX_PER, 0]', 'MAX_PER takes a positive count'],
    ['[rack, MAX_PER, -1]', 'MAX_PER takes a positive count'],
    ['[rack, MAX_PER, 1.5]', 'MAX_PER takes a whole count'],
    ['[zone, GROUP_BY, all]', 'GROUP_BY takes a count'],
    ['[zone, GROUP_BY, 0]', 'GROUP_BY takes a positive count'],
  ];
  for (const [c, why] of misuses) {
    test(`${c}: ${why}`, () => {
      const { text, result } = withConstraints(`[${c}]`);
      assert.deepEqual(result, [['spec/constraint-value', 'error', c]], text);
    });
  }

  test('operator values are checked without a cluster too', () => {
    assert.deepEqual(withConstraints('[[zone, UNIQUE, a], [zoen, UNIQUE]]', null).result, [['spec/constraint-value', 'error', '[zone, UNIQUE, a]']]);
  });

  test('a constraint with a bad value is not also checked against the cluster', () => {
    assert.deepEqual(withConstraints('[[zoen, LIKE]]').result, [['spec/constraint-value', 'error', '[zoen, LIKE]']]);
  });
});

describe('regular expressions', () => {
  for (const [c, pattern] of [
    ['[rack, LIKE, "r[12"]', '"r[12"'],
    ['[hostname, UNLIKE, "node(1"]', '"node(1"'],
    ['[rack, LIKE, "*"]', '"*"'],
    ['[rack, LIKE, "a{2,1}"]', '"a{2,1}"'],
  ]) {
    test(`${c} is a bad regex, reported at the pattern`, () => {
      assert.deepEqual(withConstraints(`[${c}]`).result, [['spec/bad-regex', 'error', pattern]]);
    });
  }

  test('a bad regex is named as written, with the reason', () => {
    const text = oneTask('    constraints: [[hostname, UNLIKE, "node(1"]]\n');
    const [problem] = checkJob(constraints, text, CLUSTER);
    assert.equal(problem?.message, 'UNLIKE value "node(1" is not a valid regular expression (RE2 syntax): missing closing )');
  });

  // RE2 leaves out what needs backtracking: each is refused at the pattern, saying what is unsupported.
  for (const [pattern, reason] of [
    ['(r)\\\\1', /backreferences are not supported/],
    ['r(?=1)', /lookahead and lookbehind are not supported/],
    ['(?<!x)r1', /lookahead and lookbehind are not supported/],
    ['r1++', /possessive quantifiers are not supported/],
    ['(?>r1)', /atomic groups are not supported/],
  ] as const) {
    test(`RE2 refuses ${pattern}`, () => {
      const text = oneTask(`    constraints: [[rack, LIKE, "${pattern}"]]\n`);
      const problems = checkJob(constraints, text, CLUSTER);
      assert.deepEqual(summary(text, problems), [['spec/bad-regex', 'error', `"${pattern}"`]]);
      assert.match(problems[0]?.message ?? '', reason);
    });
  }

  test('a pattern that backtracks catastrophically elsewhere is fine: RE2 matches it in linear time', () => {
    assert.deepEqual(withConstraints('[[rack, LIKE, "(a+)+"], [rack, UNLIKE, "(x+x+)+y"]]').result, []);
  });

  test('a regex that is only valid unanchored is still accepted when anchored', () => {
    assert.deepEqual(withConstraints('[[rack, LIKE, "r1|r2"], [rack, UNLIKE, "^r3$"]]').result, []);
  });
});

describe('names the cluster does not know', () => {
  test('an unknown attribute, with did-you-mean data', () => {
    const text = oneTask('    constraints: [[zoen, UNIQUE]]\n');
    const problems = checkJob(constraints, text, CLUSTER);
    assert.deepEqual(summary(text, problems), [['spec/unknown-attribute', 'error', '[zoen, UNIQUE]']]);
    const data = problems[0]?.data;
    assert.ok(data?.kind === 'did-you-mean');
    assert.deepEqual(data.candidates, ['zone']);
  });

  for (const op of ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS']) {
    test(`an unknown attribute with ${op}`, () => {
      const value = op === 'MAX_PER' ? ', 2' : op === 'LIKE' || op === 'UNLIKE' || op === 'IS' ? ', x' : '';
      const c = `[datacenter, ${op}${value}]`;
      assert.deepEqual(withConstraints(`[${c}]`).result, [['spec/unknown-attribute', 'error', c]]);
    });
  }

  test('IS and CLUSTER with a value no node has: a warning', () => {
    assert.deepEqual(withConstraints('[[zone, IS, c], [rack, CLUSTER, r9]]').result, [
      ['spec/unknown-attribute-value', 'warning', '[zone, IS, c]'],
      ['spec/unknown-attribute-value', 'warning', '[rack, CLUSTER, r9]'],
    ]);
  });

  test('an unknown value suggests the one value closest to it, never several equally close', () => {
    const text = oneTask('    constraints: [[rack, IS, r9], [rack, IS, rr1]]\n');
    const problems = checkJob(constraints, text, CLUSTER);
    assert.equal(problems[0]?.message, 'no node has rack = "r9" (values: r1, r2, r3)');
    assert.equal(problems[0]?.data, undefined);
    assert.match(problems[1]?.message ?? '', /rack = "rr1"; did you mean "r1"\?/);
    assert.deepEqual(problems[1]?.data, { kind: 'did-you-mean', span: problems[1]?.span, candidates: ['r1'], part: 2 });
  });

  test('numeric and boolean attribute values compare as strings', () => {
    assert.deepEqual(withConstraints('[[gen, IS, 3], [gen, CLUSTER, "3"], [ssd, IS, true]]').result, []);
  });

  test('hostname IS / CLUSTER must name a node, with did-you-mean', () => {
    const text = oneTask('    constraints: [[hostname, IS, node9], [hostname, CLUSTER, nod1]]\n');
    const problems = checkJob(constraints, text, CLUSTER);
    assert.deepEqual(summary(text, problems), [
      ['spec/unknown-node', 'error', '[hostname, IS, node9]'],
      ['spec/unknown-node', 'error', '[hostname, CLUSTER, nod1]'],
    ]);
    const data = problems[1]?.data;
    // The message names the candidate; structured data is a bonus the quick fix may use.
    assert.ok(data === undefined || data.kind === 'did-you-mean');
  });

  test('hostname with other operators is not a node reference', () => {
    assert.deepEqual(withConstraints('[[hostname, LIKE, "node[0-9]"], [hostname, UNLIKE, node9], [hostname, MAX_PER, 1], [hostname, GROUP_BY]]').result, []);
  });

  test('no cluster: attribute names are not checked', () => {
    assert.deepEqual(withConstraints('[[zoen, UNIQUE], [hostname, IS, node9]]', null).result, []);
  });
});

describe('failover domains', () => {
  test('a domain that is no attribute of any node: a warning on the name', () => {
    const text = `${HEAD}failover: { tolerate: 1, domains: [zone, regoin] }\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n`;
    assert.deepEqual(summary(text, checkJob(constraints, text, CLUSTER)), [['spec/unknown-attribute', 'warning', 'regoin']]);
  });

  test('hostname and known attributes are fine domains', () => {
    const text = `${HEAD}failover: { domains: [zone, rack, hostname] }\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n`;
    assert.deepEqual(checkJob(constraints, text, CLUSTER), []);
  });
});
