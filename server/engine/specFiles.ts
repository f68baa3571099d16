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
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = reader.list(dir);
    if (!entries) return;
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (out.length >= limit) return;
      if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
      const p = `${dir.replace(/[/\\]$/, '')}/${e.name}`;
      if (e.kind === 'directory') walk(p);
      else if (e.kind === 'file' && /\.ya?ml$/i.test(e.name)) {
        if (kindFromPath(p) !== undefined) out.push(p);
        else {
          const text = reader.readFile(p);
          if (text !== undefined && isBerthFile(p, text)) out.push(p);
        }
      }
    }
  };
  walk(root);
  return out.sort();
}
