/** The file system side of the command line: a host for the engine, and finding spec files. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SpecHost } from '../server/engine/checkSpec';
import { findSpecFiles as findUnder } from '../server/engine/spec/specFiles';
import { createDiskDirectoryReader, createDiskHost, readTextFile } from '../server/host/diskFiles';
import { UsageError } from './io';

export const fsHost: SpecHost = createDiskHost();

/** The text of a file named on the command line, or a usage error saying why it is not read. */
export function readArgumentFile(path: string): string {
  const r = readTextFile(path);
  if (r.kind === 'text') return r.text;
  throw new UsageError(r.kind === 'missing' ? `no such file: ${path}` : `cannot read ${path}: it ${r.reason}`);
}

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
    if (st.isDirectory()) out.push(...findUnder(abs, createDiskDirectoryReader()));
    else out.push(abs);
  }
  return [...new Set(out)].sort();
}
