/**
 * Bad input never crashes the engine: thousands of random mutations of the examples and random
 * YAML-like text go through `createSpecChecker().check`, which must return, with every problem
 * well-formed and inside the text. On failure: the seed, a shrunk counterexample and the replay
 * command (test/testSeed.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { isAlias, parseAllDocuments, stringify, visit } from 'yaml';
import { assertProperty } from '../testSeed';
import { createSpecChecker, type CheckedFile, type SpecHost } from '../../server/engine/checkSpec';
import type { Problem, Span } from '../../server/engine/model';
import { MAX_ALIAS_NODES } from '../../server/engine/spec/yamlWalk';
import { exampleSpecs, repoPath, type SpecText } from './spec/repoRoot';
import { aliasResolutions } from './spec/yamlParses';

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** Iterations per property; all together stay well under 20 s on two cores. */
const RUNS = { examples: 2500, lines: 1000, tokens: 1500, specShaped: 800, clusterShaped: 400 };

type Example = SpecText;

const examples = exampleSpecs();
/** The real files, so that mutated jobs are checked against their real clusters. */
const host: SpecHost = {
  readFile: (path) => examples.find((e) => e.path === path)?.text,
};

function spanOk(s: Span, length: number): boolean {
  return Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= length;
}

function problemFault(p: Problem, length: number): string | undefined {
  if (!spanOk(p.span, length)) return `span ${p.span.start}..${p.span.end} outside 0..${length}`;
  if (typeof p.message !== 'string' || p.message.trim() === '') return 'empty message';
  if (!/^[a-z]+\/[a-z-]+$/.test(p.code)) return `bad code ${JSON.stringify(p.code)}`;
  if (!SEVERITIES.has(p.severity)) return `bad severity ${JSON.stringify(p.severity)}`;
  if (p.data && 'span' in p.data && !spanOk(p.data.span, length)) return `data span ${p.data.span.start}..${p.data.span.end} outside 0..${length}`;
  return undefined;
}

/** One checker for every run, as the server keeps one: its caches must survive any input too. */
const checker = createSpecChecker();

/** Checks one text; throws (failing the property) on a crash or a malformed problem. */
function checkOne(path: string, text: string, specHost: SpecHost = host): CheckedFile {
  const checked = checker.check(path, text, specHost);
  let last = -1;
  for (const p of checked.problems) {
    const fault = problemFault(p, text.length);
    if (fault !== undefined) throw new Error(`${fault}: ${JSON.stringify(p)}`);
    if (p.span.start < last) throw new Error(`problems not sorted by position at ${JSON.stringify(p)}`);
    last = p.span.start;
  }
  return checked;
}

// ------------------------------------------------------------------ mutations

const TOKENS = [
  ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '#', '&a ', '*a', '*b', '&b [1, 2]', '!!str ', '!!int ', '!!map ', '!foo ', '? ',
  '---\n', '...\n', '|', '>-', '"', "'", '\t', '\n', '\r\n', '\r', ' ', '    ', '\\', '%YAML 1.2\n', '@', '`', '<<: *a',
  'null', '~', 'true', 'yes', '0x1F', '0o17', '.inf', '-.inf', '.nan', '1e309', '-1', '0', '0.0005', '4GB', '-1Gi', '1.5Gi',
  '99999999999999999999999999999999999999', '1'.repeat(400), '"31099-31000"', '[8080, 8080]', '[zone, UNIQUE]', '[rack, LIKE, "r[12"]',
  'kind: Job', 'kind: Cluster', 'apiVersion: berth/v1', 'cluster: ./missing.cluster.yaml', 'dependsOn: [api]', 'name: api',
  'é', '日本', '😀', '\u{1F680}', '\uD800', '\uDC00', '\uFEFF', '\u0085', '\u2028', '\u00A0', '\0', '\x7F',
];

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'swap'; at: number; other: number }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'swapLines'; line: number; other: number }
  | { kind: 'indent'; line: number; indent: string }
  | { kind: 'number'; nth: number; text: string }
  | { kind: 'lineEnds'; to: '\r\n' | '\r' };

const position = fc.nat({ max: 1_000_000 });
const insertion = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: insertion }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: position, other: position }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: position }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: position }),
  fc.record({ kind: fc.constant('swapLines' as const), line: position, other: position }),
  fc.record({ kind: fc.constant('indent' as const), line: position, indent: fc.constantFrom('', ' ', '  ', '   ', '      ', '\t', ' \t', '          ') }),
  fc.record({ kind: fc.constant('number' as const), nth: position, text: fc.constantFrom('0', '-1', '1e309', '0.0001', '4294967296', '99999999999999999999', '1.5', '0x10', '"8"', 'x') }),
  fc.record({ kind: fc.constant('lineEnds' as const), to: fc.constantFrom('\r\n' as const, '\r' as const) }),
);

function mutate(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  const lines = text.split('\n');
  const ln = (n: number): number => n % Math.max(1, lines.length);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'duplicate': {
      const a = at(m.at);
      return text.slice(0, a + m.length) + text.slice(a, a + m.length) + text.slice(a + m.length);
    }
    case 'swap': {
      const chars = [...text];
      if (chars.length === 0) return text;
      const i = m.at % chars.length;
      const j = m.other % chars.length;
      [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
      return chars.join('');
    }
    case 'deleteLine':
      lines.splice(ln(m.line), 1);
      return lines.join('\n');
    case 'duplicateLine':
      lines.splice(ln(m.line), 0, lines[ln(m.line)] ?? '');
      return lines.join('\n');
    case 'swapLines': {
      const i = ln(m.line);
      const j = ln(m.other);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = ln(m.line);
      lines[i] = m.indent + (lines[i] ?? '').trimStart();
      return lines.join('\n');
    }
    case 'number': {
      const numbers = [...text.matchAll(/\b\d+(\.\d+)?\b/g)];
      const hit = numbers.length === 0 ? undefined : numbers[m.nth % numbers.length];
      if (hit?.index === undefined) return text;
      return text.slice(0, hit.index) + m.text + text.slice(hit.index + hit[0].length);
    }
    case 'lineEnds':
      return text.replace(/\n/g, m.to);
  }
}

/** Where a mutated text is checked as: its own file (kind by name), or a plain .yaml. */
function pathFor(example: Example, asPlain: boolean): string {
  return asPlain ? example.path.replace(/\.(job|cluster)\.yaml$/, '.yaml') : example.path;
}

describe('fuzz: the checker never throws and every problem is well-formed', () => {
  test('the examples are there to mutate', () => {
    assert.ok(examples.length >= 4, `examples: ${examples.map((e) => relative(repoPath(), e.path)).join(', ')}`);
    for (const e of examples) checkOne(e.path, e.text);
  });

  test(`${RUNS.examples} random edits of the examples`, () => {
    assertProperty(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (example, mutations, asPlain) => {
        checkOne(pathFor(example, asPlain), mutations.reduce(mutate, example.text));
      }),
      { numRuns: RUNS.examples },
    );
  });

  test(`${RUNS.lines} examples cut, spliced and re-indented line by line`, () => {
    const allLines = examples.flatMap((e) => e.text.split('\n'));
    assertProperty(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...allLines), fc.constantFrom('', '  ', '    ', '      ', '- ', '  - ', '\t')), { maxLength: 40 }),
        fc.constantFrom('web.job.yaml', 'dev.cluster.yaml', 'x.yaml'),
        (lines, name) => {
          checkOne(join(repoPath('examples', 'webstack'), name), lines.map(([l, indent]) => indent + l.trimStart()).join('\n'));
        },
      ),
      { numRuns: RUNS.lines },
    );
  });

  test(`${RUNS.tokens} texts of random YAML and JSON tokens`, () => {
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
      { weight: 2, arbitrary: fc.constantFrom('tasks', 'nodes', 'name', 'resources', 'cpus', 'mem', 'ports', 'constraints', 'healthCheck', 'apiVersion', 'kind', 'cluster', 'dependsOn', 'failover', 'domains', 'zone') },
      { weight: 2, arbitrary: fc.string({ maxLength: 5 }) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    );
    assertProperty(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.constantFrom('a.job.yaml', 'a.cluster.yaml', 'a.yaml'), (pieces, name) => {
        checkOne(`/fuzz/${name}`, pieces.join(''));
      }),
      { numRuns: RUNS.tokens },
    );
  });

  // Valid YAML with the shape of a spec but random values: exercises the model and the rules.
  const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.constantFrom('4Gi', '512Mi', '4GB', '-1Gi', '1.5', '31000-31099', '31099-31000', 'zone', 'rack', 'hostname', 'a', 'node1', 'api', 'db', 'UNIQUE', 'LIKE', 'MAX_PER', 'IS', 'CLUSTER', 'GROUP_BY', 'UNLIKE', 'r[12', '5s', '500ms'));
  const value = fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 3 }) });
  const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
  const resources = fc.record({ cpus: maybe(value), mem: maybe(value), disk: maybe(value), gpus: maybe(value), ports: maybe(fc.oneof(value, fc.array(fc.oneof(fc.integer({ min: -10, max: 70000 }), scalar), { maxLength: 4 }))) });
  const constraint = fc.array(fc.oneof(fc.constantFrom('zone', 'rack', 'hostname', 'UNIQUE', 'LIKE', 'IS', 'MAX_PER', 'CLUSTER', 'GROUP_BY', 'UNLIKE', 'node1', '2', 'r[12'), scalar), { maxLength: 4 });
  const taskName = fc.oneof(fc.constantFrom('api', 'db', 'cache', 'api-0', 'api-1', ''), scalar);
  const task = fc.record({
    name: maybe(taskName),
    image: maybe(value),
    command: maybe(fc.oneof(value, fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }))),
    env: maybe(value),
    resources: maybe(fc.oneof(resources, value)),
    priority: maybe(value),
    instances: maybe(fc.oneof(fc.integer({ min: -2, max: 5 }), value)),
    dependsOn: maybe(fc.oneof(fc.array(taskName, { maxLength: 3 }), value)),
    constraints: maybe(fc.oneof(fc.array(fc.oneof(constraint, value), { maxLength: 3 }), value)),
    healthCheck: maybe(fc.oneof(fc.record({ command: maybe(value), interval: maybe(value), timeout: maybe(value), retries: maybe(value), startPeriod: maybe(value) }), value)),
    restart: maybe(value),
  });
  const clusterNode = fc.record({
    name: maybe(fc.oneof(fc.constantFrom('node1', 'node2', 'node3'), scalar)),
    resources: maybe(fc.oneof(resources, value)),
    attributes: maybe(fc.oneof(fc.dictionary(fc.constantFrom('zone', 'rack', 'ssd'), scalar, { maxKeys: 3 }), value)),
  });
  const clusterDoc = fc.record({ apiVersion: maybe(fc.constantFrom('berth/v1', 'v1')), kind: maybe(fc.constantFrom('Cluster', 'Job', 'Pod')), name: maybe(fc.oneof(fc.constantFrom('dev'), scalar)), defaults: maybe(value), nodes: maybe(fc.oneof(fc.array(fc.oneof(clusterNode, value), { maxLength: 4 }), value)) });
  const jobDoc = fc.record({
    apiVersion: maybe(fc.constantFrom('berth/v1', 'v1')),
    kind: maybe(fc.constantFrom('Job', 'Cluster', 'Pod')),
    name: maybe(fc.oneof(fc.constantFrom('web'), scalar)),
    cluster: maybe(fc.oneof(fc.constantFrom('dev', './dev.cluster.yaml', './missing.cluster.yaml', '../x/../dev.cluster.yaml', ''), scalar)),
    strategy: maybe(value),
    preemption: maybe(value),
    failover: maybe(fc.oneof(fc.record({ tolerate: maybe(value), domains: maybe(fc.oneof(fc.array(scalar, { maxLength: 3 }), value)) }), value)),
    tasks: maybe(fc.oneof(fc.array(fc.oneof(task, value), { maxLength: 5 }), value)),
  });
  const toYaml = (v: unknown): string => stringify(JSON.parse(JSON.stringify(v ?? null)) as unknown);

  test(`${RUNS.specShaped} spec-shaped jobs with random values, against random clusters`, () => {
    assertProperty(
      fc.property(jobDoc, fc.option(clusterDoc, { nil: undefined }), fc.boolean(), (job, cluster, sameFile) => {
        const clusterText = cluster === undefined ? undefined : toYaml(cluster);
        const jobText = toYaml(job);
        const files: Record<string, string | undefined> = { '/w/dev.cluster.yaml': clusterText };
        const text = sameFile && clusterText !== undefined ? `${clusterText}---\n${jobText}` : jobText;
        checkOne('/w/web.job.yaml', text, { readFile: (p) => files[p] });
      }),
      { numRuns: RUNS.specShaped },
    );
  });

  test(`${RUNS.clusterShaped} cluster-shaped documents with random values`, () => {
    assertProperty(
      fc.property(clusterDoc, (cluster) => {
        checkOne('/w/dev.cluster.yaml', toYaml(cluster));
      }),
      { numRuns: RUNS.clusterShaped },
    );
  });
});

/** Nodes of the YAML as written: an alias is one node, however much it would expand to. */
function writtenNodes(text: string): { nodes: number; aliases: number } {
  let nodes = 0;
  let aliases = 0;
  for (const doc of parseAllDocuments(text)) {
    visit(doc, {
      Node: (_key, node) => {
        nodes++;
        if (isAlias(node)) aliases++;
      },
    });
  }
  return { nodes, aliases };
}

/** Nodes of the values the checker built (what the schema, the model and the rules walk). */
function valueNodes(checked: CheckedFile): number {
  const count = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Object.values(v).reduce((n: number, x) => n + count(x), 0) : 1);
  return checked.file.documents.reduce((n, d) => n + count(d.value), 0);
}

/**
 * Alias bombs, measured in work rather than time (the time is in bench/aliases.bench.ts): the
 * aliases the YAML library resolves and the nodes the checker builds from them stay within the
 * parser's budget (MAX_ALIAS_NODES) above what is written. Past twice the budget resolution
 * fails, so a parser without the budget ends and fails here instead of running for hours.
 */
describe('fuzz: hostile documents', () => {
  test('a "billion laughs" alias bomb expands at most MAX_ALIAS_NODES nodes, without throwing', () => {
    let bomb = 'apiVersion: berth/v1\nkind: Job\nname: lol\ncluster: ./missing.cluster.yaml\nx0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let i = 1; i <= 9; i++) bomb += `x${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
    bomb += 'tasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n    env: *a9\n    dependsOn: *a9\n    constraints: *a9\n';
    const written = writtenNodes(bomb);
    for (const path of ['/w/lol.job.yaml', '/w/lol.cluster.yaml', '/w/lol.yaml']) {
      let checked: CheckedFile | undefined;
      const resolved = aliasResolutions(() => (checked = checkOne(path, bomb)), 2 * MAX_ALIAS_NODES);
      assert.ok(resolved <= MAX_ALIAS_NODES + written.aliases, `${path}: ${resolved} alias resolutions`);
      const built = checked ? valueNodes(checked) : 0;
      // Unbounded, 9^10 nodes; here the budget is spent inside x1..x9, before the tasks' aliases.
      assert.ok(built > MAX_ALIAS_NODES && built <= MAX_ALIAS_NODES + written.nodes, `${path}: ${built} value nodes for ${written.nodes} written`);
    }
  });

  test('an alias repeated 2,000 times in a task list is resolved once per occurrence, its expansion within the budget', () => {
    let text = 'apiVersion: berth/v1\nkind: Job\nname: lol\ncluster: ./missing.cluster.yaml\ntasks:\n  - &t0 { name: a, resources: { cpus: 1, mem: 1Gi }, dependsOn: [a] }\n';
    for (let i = 1; i < 2000; i++) text += `  - *t0\n`;
    const written = writtenNodes(text);
    let checked: CheckedFile | undefined;
    const resolved = aliasResolutions(() => (checked = checkOne('/w/lol.job.yaml', text)), 2 * MAX_ALIAS_NODES);
    assert.equal(resolved, written.aliases);
    const built = checked ? valueNodes(checked) : 0;
    assert.ok(built <= MAX_ALIAS_NODES + written.nodes, `${built} value nodes for ${written.nodes} written`);
  });

  /**
   * Deep nesting, checked in a child process: a stack overflow inside a regular-expression
   * compile is a fatal V8 error, not an exception, and would take this whole test file down.
   */
  test('deeply nested documents neither crash nor throw', () => {
    const engine = require.resolve('../../server/engine/checkSpec');
    const script = `
      const { createSpecChecker } = require(${JSON.stringify(engine)});
      const host = { readFile: () => undefined };
      const head = 'apiVersion: berth/v1\\nkind: Job\\nname: x\\ncluster: ./c.cluster.yaml\\ntasks: ';
      const cases = {
        'block sequences 2000 deep': Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + '- ').join('\\n') + 'x\\n',
        'block mappings 2000 deep': Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k' + i + ':').join('\\n') + ' x\\n',
        'flow sequences 20000 deep': head + '['.repeat(20000) + ']'.repeat(20000) + '\\n',
        'flow mappings 20000 deep': head + '{a: '.repeat(20000) + '1' + '}'.repeat(20000) + '\\n',
        'unclosed flow 20000 deep': head + '[{'.repeat(20000) + '\\n',
      };
      // The stack already in use when the engine is called varies (the server, the CLI, a test):
      // try the same input from several depths.
      const at = (depth, fn) => (depth === 0 ? fn() : at(depth - 1, fn));
      for (const [name, text] of Object.entries(cases)) {
        for (let depth = 0; depth <= 40; depth += 4) {
          let problems;
          try {
            problems = at(depth, () => createSpecChecker().check('/w/deep.job.yaml', text, host).problems);
          } catch (err) {
            console.log(name + ' (stack depth ' + depth + '): threw ' + err);
            process.exit(3);
          }
          for (const p of problems) {
            if (!(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length) || !p.message) {
              console.log(name + ': malformed problem ' + JSON.stringify(p));
              process.exit(4);
            }
          }
        }
      }
      console.log('ok');
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    const fatal = /FATAL ERROR[^\n]*/.exec(run.stderr)?.[0];
    assert.equal(run.signal, null, `the engine process died of ${run.signal ?? ''}: ${fatal ?? run.stdout}`);
    assert.equal(run.status, 0, `${run.stdout.trim()} ${fatal ?? run.stderr.slice(0, 500)}`);
    assert.equal(run.stdout.trim(), 'ok');
  });
});
