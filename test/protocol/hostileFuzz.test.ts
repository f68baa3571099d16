/**
 * Hostile shapes drawn at random (from the process's seed, test/testSeed.ts): deep nesting (block
 * and flow), alias bombs, huge scalars, dependency cycles and cliques, nasty regular expressions,
 * and pairs of them in one job. One bundled server over stdio takes them all, one document after
 * the other: each gets its diagnostics and an answer to every kind of request within the
 * deadlines, and at the end the server is alive and under 1 GiB. A failure names the seed and the
 * command that replays it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { aliasBombJob, cliqueJob, cycleJob, HEAD, hostileFolder } from '../hostileSpecs';
import { replayHint, sampleArbitrary, seedFor } from '../testSeed';
import { repoRoot } from '../unit/spec/repoRoot';
import { startStdio, uriOf, within, type TestClient } from './harness';

const serverJs = join(repoRoot(), 'dist', 'server.js');
const DIAGNOSTICS_MS = 10_000;
const REQUEST_MS = 5_000;
const MAX_RESIDENT_MIB = 1024;
/** Documents per run: each costs about a second on two busy cores. */
const RUNS = 24;

const TASK = '  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n';
const job = (body: string, extra = ''): string => `${HEAD}cluster: ./seed.cluster.yaml\n${extra}tasks:\n${TASK}${body}`;

/** Block mappings `depth` deep under an unknown key, indented by `step`. */
const deepBlock = (depth: number, step: number): string => {
  const out = ['x-deep:\n'];
  for (let k = 1; k <= depth; k++) out.push(`${' '.repeat(k * step)}k:${k === depth ? ' v' : ''}\n`);
  return out.join('');
};

const NASTY_PATTERNS = ['(a+)+', '(a|a)*b', '((a*)*)*!', '(a)\\\\1', '(?=a)a', 'a{1001}', '[', '(', '.*.*.*.*.*=', 'x{2}{3}{4}', '\\\\p{Greek}+'];

const shapes: fc.Arbitrary<{ what: string; text: string }> = fc.oneof(
  fc.record({ depth: fc.integer({ min: 60, max: 3000 }), step: fc.integer({ min: 1, max: 3 }) }).map(({ depth, step }) => ({ what: `block mappings ${depth} deep`, text: job('', deepBlock(depth, step)) })),
  fc.integer({ min: 60, max: 5000 }).map((depth) => ({ what: `flow sequences ${depth} deep`, text: job(`    env: { X: ${'['.repeat(depth)}${']'.repeat(depth)} }\n`) })),
  fc.record({ levels: fc.integer({ min: 2, max: 9 }), width: fc.integer({ min: 2, max: 10 }), where: fc.constantFrom('unknown-key' as const, 'env' as const) }).map(({ levels, width, where }) => ({ what: `an alias bomb ${levels} x ${width} (${where})`, text: aliasBombJob(where, levels, width) })),
  fc.record({ size: fc.integer({ min: 10_000, max: 2_000_000 }), at: fc.constantFrom('name', 'command', 'key') }).map(({ size, at }) => {
    const big = 'x'.repeat(size);
    const text = at === 'name' ? job('').replace('name: api', `name: ${big}`) : at === 'command' ? job(`    command: "${big}"\n`) : job('', `${big}: 1\n`);
    return { what: `a scalar of ${size} characters (${at})`, text };
  }),
  fc.integer({ min: 2, max: 3000 }).map((n) => ({ what: `a dependency cycle through ${n} tasks`, text: cycleJob(n) })),
  fc.integer({ min: 2, max: 150 }).map((n) => ({ what: `${n} tasks depending on each other`, text: cliqueJob(n) })),
  fc.record({ pattern: fc.oneof(fc.constantFrom(...NASTY_PATTERNS), fc.string({ maxLength: 30 })), op: fc.constantFrom('LIKE', 'UNLIKE') }).map(({ pattern, op }) => ({
    what: `${op} ${JSON.stringify(pattern)}`,
    text: job(`    constraints: [[zone, ${op}, ${JSON.stringify(pattern)}]]\n`),
  })),
);

/** One shape, or two in one job (the second's lines after the first's). */
const documents = fc.oneof(shapes, fc.tuple(shapes, shapes).map(([a, b]) => ({ what: `${a.what}, then ${b.what}`, text: `${a.text}${b.text.slice(HEAD.length)}` })));


async function answersEverything(client: TestClient, path: string, what: string): Promise<void> {
  const textDocument = { uri: uriOf(path) };
  const position = { line: 5, character: 10 };
  const requests: [string, unknown][] = [
    ['textDocument/hover', { textDocument, position }],
    ['textDocument/completion', { textDocument, position }],
    ['textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } } }],
    ['textDocument/codeLens', { textDocument }],
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }],
    ['textDocument/definition', { textDocument, position }],
    ['textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }],
    ['berth/plan', { uri: textDocument.uri }],
  ];
  for (const [method, params] of requests) await within(client.request<unknown>(method, params), REQUEST_MS, `${what}: ${method}`);
}

function peakMiB(child: ChildProcess): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

test(`hostile shapes at random (${RUNS} documents): every request answered, the server alive and under 1 GiB`, async () => {
  assert.ok(existsSync(serverJs), `${serverJs} is missing: run \`node build.mjs\` (npm test does)`);
  const drawn = sampleArbitrary(documents, RUNS);
  const dir = hostileFolder({});
  let child: ChildProcess | undefined;
  let current = '';
  try {
    const started = await within(startStdio(serverJs, dir), DIAGNOSTICS_MS, 'initialize');
    child = started.child;
    const client = started.client;
    for (const [k, doc] of drawn.entries()) {
      current = doc.what;
      const path = join(dir, `fuzz${k}.job.yaml`);
      await client.open(path, doc.text);
      const published = await within(client.diagnostics(path), DIAGNOSTICS_MS, `${doc.what}: the first diagnostics`);
      assert.ok(published.diagnostics.length < 1000, `${doc.what}: ${published.diagnostics.length} diagnostics`);
      await answersEverything(client, path, doc.what);
      await client.close(path);
      assert.equal(child.exitCode, null, `${doc.what}: the server died`);
    }
    current = '';
    assert.deepEqual(client.logs.filter((l) => /\[error\]|RangeError|exceeded/.test(l)), [], 'the server logged a bug');
    assert.ok(peakMiB(child) < MAX_RESIDENT_MIB, `the server peaked at ${Math.round(peakMiB(child))} MiB`);
  } catch (err) {
    throw new Error(`${current === '' ? '' : `on ${current}: `}${err instanceof Error ? err.message : String(err)}\n\n${replayHint(seedFor())}`, { cause: err });
  } finally {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
