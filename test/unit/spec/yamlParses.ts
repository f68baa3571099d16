/** Test helpers for the parse cache: counting the YAML library's parses, and pacing a primer. */
import { createRequire } from 'node:module';

type Parse = typeof import('yaml').parseDocument;

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

/** A `more` that lets `n` items through per step. */
export const itemsPerStep = (n: number): (() => boolean) => {
  let left = n;
  return () => left-- > 0;
};
