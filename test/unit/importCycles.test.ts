/**
 * No import cycles in the product's code (server, client, cli). Type-only imports and re-exports
 * count: a cycle of types still ties the modules' reading order together. The imports are read
 * with the TypeScript compiler's own pre-processor, the components found with the engine's Tarjan.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { stronglyConnected } from '../../server/engine/util/stronglyConnected';

const ROOT = resolve(__dirname, '../../..');
const FOLDERS = ['server', 'client', 'cli'];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'out') sources(path, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A relative specifier as the file it names (`./x` → x.ts or x/index.ts), or undefined for a package. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => p.endsWith('.ts') && existsSync(p));
}

/** Each cycle as its files relative to the root, sorted. */
export function importCycles(files: readonly string[]): string[][] {
  const id = new Map(files.map((f, i) => [f, i]));
  const deps = files.map((f) =>
    ts
      .preProcessFile(readFileSync(f, 'utf8'), true, true)
      .importedFiles.map((i) => resolveImport(f, i.fileName))
      .flatMap((p) => (p !== undefined && id.has(p) ? [id.get(p) as number] : [])),
  );
  const { sccs } = stronglyConnected(deps);
  return sccs.filter((c) => c.length > 1 || (deps[c[0]] ?? []).includes(c[0])).map((c) => c.map((i) => relative(ROOT, files[i])).sort());
}

test('the product code has no import cycles (type imports included)', () => {
  const files = FOLDERS.flatMap((f) => sources(join(ROOT, f)));
  assert.ok(files.length > 100, `found only ${files.length} sources under ${FOLDERS.join(', ')}`);
  assert.deepEqual(importCycles(files), []);
});

test('the cycle check finds a cycle through a type import and a re-export', () => {
  const dir = join(ROOT, 'test', 'fixtures', 'cycle');
  const files = sources(dir);
  assert.deepEqual(importCycles(files), [files.map((f) => relative(ROOT, f)).sort()]);
});
