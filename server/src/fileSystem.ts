/** The server's only way to the disk: injected, so protocol tests can pass an in-memory one. */
import type { UnreadableFile } from '../engine/checkSpec';
import { findSpecFiles, walkSpecFiles, type SpecFileWalk } from '../engine/spec/specFiles';
import { createDiskDirectoryReader, DEFAULT_MAX_FILE_SIZE, readTextFile, toHostRead } from '../host/diskFiles';

export interface FileSystem {
  /** A file's text; undefined when there is none; why it is not read (a FIFO, too large: see diskFiles.ts). */
  readFile(path: string): string | UnreadableFile | undefined;
  /** Berth files under a folder: by name, or YAML with `apiVersion: berth/v1`. */
  findSpecFiles(root: string): string[];
  /** The same a slice at a time (without it, the workspace index walks each folder in one go). */
  walkSpecFiles?(root: string): SpecFileWalk;
  /** Files above this many bytes are not read from now on (the client's `berth.maxFileSize`). */
  setMaxFileSize?(bytes: number): void;
}

/** The disk, read through diskFiles.ts: regular files of at most the size limit (16 MiB unless set). */
export function createNodeFileSystem(): FileSystem {
  let maxBytes = DEFAULT_MAX_FILE_SIZE;
  return {
    readFile: (path) => toHostRead(readTextFile(path, maxBytes)),
    findSpecFiles: (root) => findSpecFiles(root, createDiskDirectoryReader(maxBytes)),
    walkSpecFiles: (root) => walkSpecFiles(root, createDiskDirectoryReader(maxBytes)),
    setMaxFileSize(bytes) {
      maxBytes = bytes;
    },
  };
}
