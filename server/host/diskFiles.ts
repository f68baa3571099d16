/**
 * Reading the files a spec names (a cluster reference), a folder holds or a user passes, from disk:
 * the one reader the language server, the Docker layer and the CLI share (Node only; the engine
 * reaches it through its host interfaces). A file is read only when it is a regular file of at
 * most `maxBytes`: a FIFO would block the read until someone writes to it, a device such as
 * /dev/zero never ends, and a very large file fills the memory. Each such file is refused with the
 * reason, which the engine reports at the reference (`spec/cluster-unreadable`).
 *
 * Never a read that blocks: stat first (no open of a FIFO, which blocks until a writer comes), then
 * open with O_NONBLOCK (the path may have been swapped for a FIFO since), fstat what was opened
 * (the checks again, on the file itself), and read at most `maxBytes` + 1 bytes (it may have grown).
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import type { SpecHost, UnreadableFile } from '../engine/checkSpec';
import type { DirectoryReader } from '../engine/spec/specFiles';

/** 16 MiB: ten times the 5,000-task job of the benchmarks. */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

/** What reading a file gave: its text, nothing (no such file), or the reason it is not read. */
export type FileRead = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'missing' } | { readonly kind: 'unreadable'; readonly reason: string };

const CHUNK = 64 * 1024;

/** The text of the file at `path` (UTF-8), when it is a regular file of at most `maxBytes`. */
export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_SIZE): FileRead {
  let refused: string | undefined;
  try {
    refused = refusal(statSync(path), maxBytes);
  } catch (err) {
    return failure(err);
  }
  if (refused !== undefined) return { kind: 'unreadable', reason: refused };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    return failure(err);
  }
  try {
    refused = refusal(fstatSync(fd), maxBytes);
    if (refused !== undefined) return { kind: 'unreadable', reason: refused };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) return { kind: 'unreadable', reason: `is larger than the ${formatBytes(maxBytes)} limit` };
    }
    return { kind: 'text', text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (err) {
    return failure(err);
  } finally {
    closeSync(fd);
  }
}

/** Why a file with these stats is not read, or undefined when it is read. */
function refusal(st: Stats, maxBytes: number): string | undefined {
  if (st.isFile()) return st.size > maxBytes ? `is ${formatBytes(st.size)}, above the ${formatBytes(maxBytes)} limit` : undefined;
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO, not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

function failure(err: unknown): FileRead {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', reason: 'cannot be read: permission denied' };
  if (code === 'ELOOP') return { kind: 'unreadable', reason: 'is a loop of symbolic links' };
  if (typeof code === 'string') return { kind: 'unreadable', reason: `cannot be read (${code})` };
  throw err;
}

/** 16 MiB, 20.5 MiB, 900 KiB, 12 bytes. */
export function formatBytes(bytes: number): string {
  const round = (x: number): string => String(Math.round(x * 10) / 10);
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/** The engine's host over the disk: a file's text, undefined when there is none, or why it is not read. */
export function createDiskHost(maxBytes = DEFAULT_MAX_FILE_SIZE): SpecHost {
  return {
    readFile(path) {
      return toHostRead(readTextFile(path, maxBytes));
    },
  };
}

/** A FileRead as the engine's hosts return it. */
export function toHostRead(r: FileRead): string | UnreadableFile | undefined {
  return r.kind === 'text' ? r.text : r.kind === 'unreadable' ? { unreadable: r.reason } : undefined;
}

/** Folders and files on disk for `findSpecFiles`: a file that is not read (see readTextFile) is skipped. */
export function createDiskDirectoryReader(maxBytes = DEFAULT_MAX_FILE_SIZE): DirectoryReader {
  return {
    list(dir) {
      try {
        return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other' }));
      } catch {
        return undefined;
      }
    },
    readFile(path) {
      const r = readTextFile(path, maxBytes);
      return r.kind === 'text' ? r.text : undefined;
    },
  };
}
