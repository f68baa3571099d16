/** Locates the repository from compiled tests (out/test/...): the nearest folder up with a package.json. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SpecHost } from '../../../server/engine/checkSpec';
import { createDiskHost } from '../../../server/host/diskFiles';

let cached: string | undefined;

export function repoRoot(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
}

/** A path inside the repository. */
export function repoPath(...segments: string[]): string {
  return join(repoRoot(), ...segments);
}

/** The engine's host over the real file system, as the CLI has it (server/host/diskFiles.ts). */
export const fsHost: SpecHost = createDiskHost();

/** 1-based line of a UTF-16 offset, counting \n, \r\n and lone \r as line ends (as editors do). */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

export interface SpecText {
  readonly path: string;
  readonly text: string;
}

/** Every YAML file under examples/, with its text, in path order. */
export function exampleSpecs(): SpecText[] {
  const out: SpecText[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) out.push({ path: p, text: readFileSync(p, 'utf8') });
    }
  };
  walk(repoPath('examples'));
  return out;
}
