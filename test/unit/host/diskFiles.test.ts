/**
 * The one reader of files on a spec's say-so (server/host/diskFiles.ts): regular files under the
 * limit are read; a FIFO, a device, a directory or a larger file is refused with the reason and
 * never read. Each read of a hostile path runs in a child process with a deadline, so that a read
 * that blocks (a FIFO) or never ends (/dev/zero) fails the test instead of hanging it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { formatBytes, readTextFile, type FileRead } from '../../../server/host/diskFiles';
import { makeFifo } from '../../hostileSpecs';

const DEADLINE_MS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'berth-disk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** readTextFile(path, maxBytes) in a child process, killed at the deadline. */
function readElsewhere(path: string, maxBytes?: number): FileRead {
  const module = require.resolve('../../../server/host/diskFiles');
  const script = `const r = require(${JSON.stringify(module)}).readTextFile(${JSON.stringify(path)}${maxBytes === undefined ? '' : `, ${maxBytes}`}); process.stdout.write(JSON.stringify(r.kind === 'text' ? { kind: 'text', length: r.text.length } : r));`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: DEADLINE_MS });
  assert.equal(child.signal, null, `reading ${path} did not end within ${DEADLINE_MS} ms`);
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as FileRead;
}

describe('readTextFile', () => {
  test('a regular file under the limit is read whole', () => {
    const path = join(dir, 'small.cluster.yaml');
    writeFileSync(path, 'kind: Cluster\né\n');
    assert.deepEqual(readTextFile(path), { kind: 'text', text: 'kind: Cluster\né\n' });
  });

  test('a missing file (or one below a file) is missing', () => {
    assert.deepEqual(readTextFile(join(dir, 'nope.yaml')), { kind: 'missing' });
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    assert.deepEqual(readTextFile(join(file, 'below.yaml')), { kind: 'missing' });
  });

  test('a directory is refused', () => {
    const sub = join(dir, 'folder.cluster.yaml');
    mkdirSync(sub);
    assert.deepEqual(readTextFile(sub), { kind: 'unreadable', reason: 'is a directory' });
  });

  test('a FIFO is refused, without a read that waits for a writer', () => {
    const fifo = join(dir, 'fifo.cluster.yaml');
    makeFifo(fifo);
    assert.deepEqual(readElsewhere(fifo), { kind: 'unreadable', reason: 'is a FIFO, not a regular file' });
  });

  test('/dev/zero is refused, without a read that never ends', () => {
    assert.deepEqual(readElsewhere('/dev/zero'), { kind: 'unreadable', reason: 'is a character device, not a regular file' });
  });

  test('a file above the limit is refused with its size and the limit, and is not read', () => {
    const big = join(dir, 'big.cluster.yaml');
    writeFileSync(big, '');
    truncateSync(big, 20 * 1024 * 1024);
    assert.deepEqual(readElsewhere(big), { kind: 'unreadable', reason: 'is 20 MiB, above the 16 MiB limit' });
    assert.deepEqual(readTextFile(big, 32 * 1024 * 1024).kind, 'text');
  });

  test('the limit is inclusive', () => {
    const path = join(dir, 'ten.yaml');
    writeFileSync(path, '0123456789');
    assert.equal(readTextFile(path, 10).kind, 'text');
    assert.deepEqual(readTextFile(path, 9), { kind: 'unreadable', reason: 'is 10 bytes, above the 9 bytes limit' });
  });

  test('sizes read as people write them', () => {
    assert.deepEqual([formatBytes(1), formatBytes(900 * 1024), formatBytes(16 * 1024 * 1024), formatBytes(20.5 * 1024 * 1024)], ['1 byte', '900 KiB', '16 MiB', '20.5 MiB']);
  });
});
