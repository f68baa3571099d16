/** The server's only way to the disk: injected, so protocol tests can pass an in-memory one. */
import { readdirSync, readFileSync } from 'node:fs';
import { findSpecFiles, type DirectoryReader } from '../engine/specFiles';

export interface FileSystem {
  readFile(path: string): string | undefined;
  /** Berth files under a folder: by name, or YAML with `apiVersion: berth/v1`. */
  findSpecFiles(root: string): string[];
}

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

export const nodeFileSystem: FileSystem = {
  readFile: (path) => reader.readFile(path),
  findSpecFiles: (root) => findSpecFiles(root, reader),
};
