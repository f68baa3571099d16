/**
 * The one place randomness in tests comes from, so that every red run can be replayed. A process
 * has one seed: `FC_SEED=<int>` sets it, `FC_SEED=random` draws a new one (and prints it), and
 * without FC_SEED it is DEFAULT_SEED. Property tests call `assertProperty` and `sampleArbitrary`
 * (never `fc.assert` or `fc.sample`: ESLint forbids them in test/), other randomness takes
 * `seededRandom()`. A failure names its seed and the command that replays it:
 *
 *   FC_SEED=<seed> node --test out/test/unit/<file>.test.js
 *
 * A call may pin its own default seed (`{ seed: 7 }`) when what it asserts was tuned on that
 * sample; FC_SEED, set to a number or to `random`, overrides every pin. Nothing runs at import.
 */
import { relative } from 'node:path';
import fc from 'fast-check';

/** The seed when FC_SEED is not set. Any value; changing it changes every property's sample. */
export const DEFAULT_SEED = 424242;

export interface TestSeed {
  readonly seed: number;
  /** Where the seed came from: DEFAULT_SEED, a number in FC_SEED, or drawn for FC_SEED=random. */
  readonly source: 'default' | 'FC_SEED' | 'random';
}

/** FC_SEED's value as a seed (exported for its own test). `draw` picks one for `random`. */
export function resolveSeed(value: string | undefined, draw: () => number): TestSeed {
  const text = value?.trim() ?? '';
  if (text === '') return { seed: DEFAULT_SEED, source: 'default' };
  if (text === 'random') return { seed: draw(), source: 'random' };
  const seed = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new Error(`FC_SEED=${value ?? ''}: expected an integer (a 32-bit seed, as fast-check prints it) or "random"`);
  }
  return { seed, source: 'FC_SEED' };
}

let resolved: TestSeed | undefined;

/** This process's seed, resolved on first use; with FC_SEED=random it is printed then. */
export function testSeed(): TestSeed {
  if (resolved) return resolved;
  resolved = resolveSeed(process.env['FC_SEED'], () => Math.floor(Math.random() * 2 ** 31));
  if (resolved.source === 'random') process.stderr.write(`FC_SEED=random: this process explores with seed ${resolved.seed} (replay: ${replayCommand(resolved.seed)})\n`);
  return resolved;
}

/** The seed a call runs with: its pin when FC_SEED is not set, else the process's seed. */
export function seedFor(pinned?: number): number {
  const { seed, source } = testSeed();
  return source === 'default' && pinned !== undefined ? pinned : seed;
}

/** The command that runs this test file again with `seed`. */
export function replayCommand(seed: number): string {
  const file = process.argv[1];
  const target = file === undefined || file === '' ? 'out/test/unit/' : relative(process.cwd(), file) || file;
  return `FC_SEED=${seed} node --test ${target}`;
}

const failedSeeds = new Set<number>();

/**
 * The replay line of a failure. The seeds that failed are also printed once, on stderr, when the
 * process ends red (a failure a test expects and catches prints nothing).
 */
export function replayHint(seed: number): string {
  if (failedSeeds.size === 0) {
    process.once('exit', (code) => {
      if (code === 0) return;
      const seeds = [...failedSeeds];
      process.stderr.write(`Seeded tests failed with seed ${seeds.join(', ')}. Replay: ${seeds.map(replayCommand).join(' ; ')}\n`);
    });
  }
  failedSeeds.add(seed);
  return `Replay: ${replayCommand(seed)}`;
}

/** fast-check's parameters without the ones this module owns (the seed is a pin, see above). */
export type PropertyParameters<Ts> = Omit<fc.Parameters<Ts>, 'seed' | 'reporter' | 'asyncReporter'> & { readonly seed?: number };

/**
 * `fc.assert` with the process's seed. On failure it throws fast-check's own report (seed, path,
 * counterexample, shrinks) followed by the replay command, with the property's error as `cause`
 * (or inside the message, with `includeErrorInReport`), as fast-check itself does.
 */
export function assertProperty<Ts>(property: fc.IProperty<Ts>, params: PropertyParameters<Ts> = {}): void {
  const { seed: pinned, ...rest } = params;
  fc.assert(property, {
    ...rest,
    seed: seedFor(pinned),
    reporter: (out) => {
      if (!out.failed) return;
      const message = `${fc.defaultReportMessage(out) ?? 'Property failed'}\n\n${replayHint(out.seed)}`;
      throw out.runConfiguration.includeErrorInReport ? new Error(message) : new Error(message, { cause: out.errorInstance });
    },
  });
}

/** `numRuns` values of `arbitrary`, drawn from the process's seed (or the pin, without FC_SEED). */
export function sampleArbitrary<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, pinned?: number): T[] {
  return fc.sample(arbitrary, { numRuns, seed: seedFor(pinned) });
}

/** A random source in [0, 1) for tests that draw outside fast-check: mulberry32 on the seed. */
export interface SeededRandom {
  readonly seed: number;
  next(): number;
}

export function seededRandom(pinned?: number): SeededRandom {
  const seed = seedFor(pinned);
  let a = seed >>> 0;
  return {
    seed,
    next: () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * Runs a test body that draws from `random`; an error it throws (an assertion's too) comes back
 * with the seed and the replay command in the message, the original as `cause`.
 */
export async function withReplayHint<T>(random: SeededRandom, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\n\nSeeded with ${random.seed}. ${replayHint(random.seed)}`, { cause: err });
  }
}
