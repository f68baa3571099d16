/**
 * The local test image, built without a registry: Debian's static busybox (`busybox-static`) and
 * its applet links in an otherwise empty root, imported as `berth-test/busybox:1`. Idempotent.
 *   node out/test/docker/image.js     (builds it if missing)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { createDocker } from '../../client/cluster/docker';

export const TEST_IMAGE = 'berth-test/busybox:1';

const APPLETS = ['sh', 'sleep', 'echo', 'wget', 'httpd', 'mkdir', 'date', 'cat', 'true', 'false', 'ls', 'env', 'ps', 'kill', 'printf', 'test', '[', 'rm', 'touch', 'hostname', 'id', 'uname'];

function busyboxPath(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p)) return p;
  throw new Error('busybox not found: apt-get install -y busybox-static');
}

export async function ensureTestImage(docker: Docker = createDocker()): Promise<string> {
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`no Docker engine answers (start one: see ENVIRONMENT.md): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return TEST_IMAGE;
  } catch {
    // not there yet: build it below
  }
  const root = mkdtempSync(join(tmpdir(), 'berth-image-'));
  let tar: ChildProcess | undefined;
  try {
    for (const d of ['bin', 'tmp', 'srv', 'etc']) mkdirSync(join(root, d));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busyboxPath(), join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    const archive = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    tar = archive;
    const [repo, tag] = TEST_IMAGE.split(':');
    const out = await docker.importImage(archive.stdout, { repo, tag, changes: ['ENV PATH=/bin', 'CMD ["sh"]'] } as object);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(out, (err: Error | null) => (err ? reject(err) : resolve())));
    await docker.getImage(TEST_IMAGE).inspect();
    return TEST_IMAGE;
  } finally {
    // A failed import leaves tar blocked on a pipe nobody reads: it would keep this process alive.
    if (tar && tar.exitCode === null) tar.kill();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  ensureTestImage().then(
    (name) => console.log(`image ${name} ready`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
