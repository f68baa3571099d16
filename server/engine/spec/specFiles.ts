/** Finding Berth files under folders, through an injected directory reader (no fs here). */
import { isBerthFile, kindFromPath } from './specKinds';

export interface DirectoryReader {
  /** Entries of a directory; undefined when it cannot be read. */
  list(dir: string): readonly { name: string; kind: 'file' | 'directory' | 'other' }[] | undefined;
  readFile(path: string): string | undefined;
}

const SKIP = new Set(['node_modules', 'out', 'dist']);

/**
 * Berth files under `root`, sorted: `*.cluster.yaml`, `*.job.yaml` (and `.yml`), and other YAML
 * files with `apiVersion: berth/v1`. Hidden folders, node_modules, out and dist are skipped.
 */
export function findSpecFiles(root: string, reader: DirectoryReader, limit = 5_000): string[] {
  const walk = walkSpecFiles(root, reader, limit);
  walk.step(() => true);
  return [...walk.found];
}

/** A walk for Berth files that can stop between two entries and go on later (see walkSpecFiles). */
export interface SpecFileWalk {
  /** Walks on while `more()` says so (asked before each entry): true when the walk is done. */
  step(more: () => boolean): boolean;
  /** The files found so far; once done, every file findSpecFiles finds, sorted. */
  readonly found: readonly string[];
}

/**
 * findSpecFiles a slice at a time: the same directories and files in the same order (so the same
 * `limit` cut), each directory listed when the walk reaches it. A server indexing a large
 * workspace in the background walks a few milliseconds per turn of its event loop.
 */
export function walkSpecFiles(root: string, reader: DirectoryReader, limit = 5_000): SpecFileWalk {
  const found: string[] = [];
  type Entry = { name: string; kind: 'file' | 'directory' | 'other' };
  const stack: { dir: string; entries: readonly Entry[]; next: number }[] = [];
  let started = false;
  let done = false;
  const enter = (dir: string): void => {
    const entries = reader.list(dir);
    if (entries) stack.push({ dir, entries: [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), next: 0 });
  };
  const finish = (): true => {
    stack.length = 0;
    found.sort();
    done = true;
    return true;
  };
  return {
    found,
    step(more) {
      if (done) return true;
      if (!started) {
        if (!more()) return false;
        started = true;
        enter(root);
      }
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined || found.length >= limit) return finish();
        if (!more()) return false;
        const e = top.entries[top.next++];
        if (e === undefined) {
          stack.pop();
          continue;
        }
        if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
        const p = `${top.dir.replace(/[/\\]$/, '')}/${e.name}`;
        if (e.kind === 'directory') enter(p);
        else if (e.kind === 'file' && /\.ya?ml$/i.test(e.name)) {
          if (kindFromPath(p) !== undefined) found.push(p);
          else {
            const text = reader.readFile(p);
            if (text !== undefined && isBerthFile(p, text)) found.push(p);
          }
        }
      }
    },
  };
}
