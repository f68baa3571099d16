/** Images: used when present locally, pulled with progress otherwise; offline, a clear error naming the image. */
import type Docker from 'dockerode';
import { ClusterError, messageOf, statusOf } from './errors';
import { wrap } from './docker';

export interface PullProgress {
  readonly image: string;
  readonly status: string;
  /** 0..1 when the daemon says how far it is. */
  readonly fraction?: number;
}

export async function hasImage(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw wrap(`inspecting image ${image}`, err);
  }
}

/** Makes sure `image` is present: inspects, else pulls with progress; `deploy/image-missing` when it cannot. */
export async function ensureImage(docker: Docker, image: string, onProgress?: (p: PullProgress) => void): Promise<void> {
  if (await hasImage(docker, image)) return;
  const missing = (why: string, cause?: unknown): ClusterError =>
    new ClusterError('deploy/image-missing', `image ${image} is not available locally and cannot be pulled (${why}): build or load it (docker build / docker load / docker import), or set another image`, { cause });
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image));
  } catch (err) {
    throw missing(messageOf(err), err);
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(missing(err.message, err)) : resolve()),
      (event: { status?: string; error?: string; progressDetail?: { current?: number; total?: number } }) => {
        if (event.error) return;
        const d = event.progressDetail;
        onProgress?.({ image, status: event.status ?? '', ...(d?.total ? { fraction: (d.current ?? 0) / d.total } : {}) });
      },
    );
  });
  if (!(await hasImage(docker, image))) throw missing('the pull ended without the image');
}
