/** The file system side of the command line: a host for the engine, and finding spec files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isBerthFile, kindFromPath, type SpecHost } from '../server/engine/checkSpec';
import { UsageError } from './io';

export const fsHost: SpecHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist']);

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
    if (st.isDirectory()) walk(abs, out);
    else out.push(abs);
  }
  return [...new Set(out)].sort();
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      if (kindFromPath(p) !== undefined) out.push(p);
      else {
        const text = fsHost.readFile(p);
        if (text !== undefined && isBerthFile(p, text)) out.push(p);
      }
    }
  }
}
