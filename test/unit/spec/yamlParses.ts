/**
 * Test helpers that count the YAML library's work: its parses (for the parse cache) and its alias
 * resolutions (for alias bombs); and pacing a primer.
 */
import { createRequire } from 'node:module';

type Parse = typeof import('yaml').parseDocument;
type Resolve = InstanceType<typeof import('yaml').Alias>['resolve'];

/** How many times the YAML library parses a text while `run` runs (each list item is one). */
export function yamlParses(run: () => void): number {
  // The module object itself (an `import *` would be a copy): the parser calls through it.
  const lib = createRequire(__filename)('yaml') as { parseDocument: Parse };
  const original = lib.parseDocument;
  let calls = 0;
  lib.parseDocument = ((...args: Parameters<Parse>) => (calls++, original(...args)));
  try {
    run();
  } finally {
    lib.parseDocument = original;
  }
  return calls;
}

/**
 * How many aliases the YAML library resolves while `run` runs. Past `limit` every resolution
 * fails (the parser reports the alias as unresolved), so that an expansion without a bound ends
 * and is counted instead of running for hours.
 */
export function aliasResolutions(run: () => void, limit: number): number {
  const lib = createRequire(__filename)('yaml') as { Alias: { prototype: { resolve: Resolve } } };
  const proto = lib.Alias.prototype;
  const original = proto.resolve;
  let calls = 0;
  proto.resolve = function (this: unknown, ...args: Parameters<Resolve>) {
    if (++calls > limit) throw new Error(`more than ${limit} alias resolutions`);
    return original.apply(this, args);
  };
  try {
    run();
  } finally {
    proto.resolve = original;
  }
  return calls;
}

/** A `more` that lets `n` items through per step. */
export const itemsPerStep = (n: number): (() => boolean) => {
  let left = n;
  return () => left-- > 0;
};
