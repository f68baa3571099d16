/** The file system side of the command line: a host for the engine, and finding spec files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SpecHost } from '../server/engine/checkSpec';
import { findSpecFiles as findUnder, type DirectoryReader } from '../server/engine/specFiles';
import { UsageError } from './io';

const reader: DirectoryReader = {
  list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other' }));
    } catch {
      return undefined;
    }
  },
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export const fsHost: SpecHost = { readFile: (path) => reader.readFile(path) };

/** Expands files and directories into spec files; a directory yields Berth files only. */
export function findSpecFiles(args: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
    if (st.isDirectory()) out.push(...findUnder(abs, reader));
    else out.push(abs);
  }
  return [...new Set(out)].sort();
}
