/**
 * The tests' seed (test/testSeed.ts): FC_SEED is read as documented, a failing property names its
 * seed and the replay command, and running again with that seed gives the same failure.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { assertProperty, DEFAULT_SEED, resolveSeed, sampleArbitrary, seededRandom, seedFor, testSeed } from '../testSeed';

describe('FC_SEED', () => {
  const draw = (): number => 99;
  test('unset or empty: the fixed default', () => {
    assert.deepEqual(resolveSeed(undefined, draw), { seed: DEFAULT_SEED, source: 'default' });
    assert.deepEqual(resolveSeed(' ', draw), { seed: DEFAULT_SEED, source: 'default' });
  });
  test('an integer, as fast-check prints it (negative too): that seed', () => {
    assert.deepEqual(resolveSeed('42', draw), { seed: 42, source: 'FC_SEED' });
    assert.deepEqual(resolveSeed(' -2115010781 ', draw), { seed: -2115010781, source: 'FC_SEED' });
  });
  test('random: a drawn seed', () => {
    assert.deepEqual(resolveSeed('random', draw), { seed: 99, source: 'random' });
  });
  test('anything else is an error that says what is expected', () => {
    for (const bad of ['abc', '1.5', '0x10', '99999999999', 'Random']) assert.throws(() => resolveSeed(bad, draw), /FC_SEED=.*expected an integer .* or "random"/, bad);
  });
});

describe('seeded runs', () => {
  test('a failing property reports fast-check\'s seed, path and counterexample, then the replay command', () => {
    const failure = new Error('boom');
    const seed = seedFor(1234);
    const err = captured(() =>
      assertProperty(
        fc.property(fc.nat(), (n) => {
          if (n > 5) throw failure;
        }),
        { seed: 1234 },
      ),
    );
    assert.match(err.message, new RegExp(`^Property failed after \\d+ tests\n\\{ seed: ${seed}, path: "[\\d:]+", endOnFailure: true \\}\nCounterexample: \\[6\\]`));
    assert.match(err.message, new RegExp(`\n\nReplay: FC_SEED=${seed} node --test \\S+$`));
    assert.equal(err.cause, failure, 'the property\'s own error is the cause');
  });

  test('with includeErrorInReport the property\'s error is in the message, as fast-check has it', () => {
    const err = captured(() => assertProperty(fc.property(fc.nat(), (n) => n < 6), { includeErrorInReport: true }));
    assert.match(err.message, /Counterexample: \[6\]/);
    assert.match(err.message, /Replay: FC_SEED=-?\d+ node --test/);
  });

  test('the same seed draws the same values; a pin counts only without FC_SEED', () => {
    assert.deepEqual(sampleArbitrary(fc.string(), 20, 5), sampleArbitrary(fc.string(), 20, 5));
    const pinsDiffer = !isDeepStrictEqual(sampleArbitrary(fc.string(), 20, 5), sampleArbitrary(fc.string(), 20, 6));
    assert.equal(pinsDiffer, testSeed().source === 'default', `pins with FC_SEED=${process.env['FC_SEED'] ?? ''}`);
    const a = seededRandom(5);
    const b = seededRandom(5);
    const draws = Array.from({ length: 10 }, () => a.next());
    assert.deepEqual(Array.from({ length: 10 }, () => b.next()), draws);
    assert.ok(draws.every((x) => x >= 0 && x < 1));
  });

  /** A process that runs a property failing on any array of 3 or more: only its path shows the seed. */
  function run(seed: string | undefined): { report: string; stderr: string } {
    const helper = require.resolve('../testSeed');
    const script = `
      const fc = require('fast-check');
      const { assertProperty } = require(${JSON.stringify(helper)});
      try { assertProperty(fc.property(fc.array(fc.nat(), { maxLength: 50 }), (xs) => xs.length < 3)); }
      catch (err) { process.stdout.write(err.message); process.exit(1); }
    `;
    const env = { ...process.env };
    delete env['FC_SEED'];
    if (seed !== undefined) env['FC_SEED'] = seed;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
    assert.equal(r.status, 1, `the property did not fail: ${r.stdout}${r.stderr}`);
    return { report: r.stdout, stderr: r.stderr };
  }
  const seedOf = (report: string): string => /\{ seed: (-?\d+),/.exec(report)?.[1] ?? 'none';

  test('FC_SEED=random explores and prints its seed; FC_SEED=<that seed> replays the same failure; unset, the default', () => {
    const explored = run('random');
    const seed = seedOf(explored.report);
    assert.match(explored.stderr, new RegExp(`FC_SEED=random: this process explores with seed ${seed} `));
    assert.match(explored.stderr, new RegExp(`Seeded tests failed with seed ${seed}\\. Replay: FC_SEED=${seed} node --test`));
    assert.equal(run(seed).report, explored.report, 'the replay reports the same path and counterexample');
    assert.equal(seedOf(run(undefined).report), String(DEFAULT_SEED));
    assert.notEqual(seedOf(run('random').report), seed, 'a second exploring run draws another seed');
  });
});

function captured(fn: () => void): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  assert.fail('expected a failure');
}
