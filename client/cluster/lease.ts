/**
 * Exactly one controller per cluster: a lease held as a small labelled container,
 * `<cluster>-berth-controller`. Its PID 1 counts down `ttl` seconds and exits; the holder renews it
 * with SIGHUP (which resets the count). So the lease is held while that container runs, Docker's
 * name uniqueness decides who gets it, and a holder that dies loses it within `ttl` seconds.
 */
import type Docker from 'dockerode';
import { wrap } from './docker';
import { statusOf } from './errors';
import { LABEL, leaseContainerName } from './labels';

export type LeaseState = { readonly kind: 'held' } | { readonly kind: 'other'; readonly holder: string } | { readonly kind: 'free' };

function leaseScript(ttl: number): string {
  return `trap 'n=0' HUP; trap 'exit 0' TERM INT; n=0; while [ $n -lt ${ttl} ]; do sleep 1 & wait $!; n=$((n+1)); done`;
}

export interface Lease {
  /** Takes the lease when free or expired; renews it when held. */
  tryAcquire(): Promise<LeaseState>;
  /** Gives the lease up (when held). */
  release(): Promise<void>;
}

export function createLease(docker: Docker, cluster: string, holder: string, image: () => Promise<string | undefined>, ttlSeconds: number): Lease {
  const name = leaseContainerName(cluster);
  const container = docker.getContainer(name);

  const inspect = async (): Promise<Docker.ContainerInspectInfo | undefined> => {
    try {
      return await container.inspect();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw wrap('inspecting the controller lease', err);
    }
  };

  const remove = async (): Promise<void> => {
    try {
      await container.remove({ force: true });
    } catch (err) {
      const s = statusOf(err);
      if (s !== 404 && s !== 409) throw wrap('removing the controller lease', err);
    }
  };

  return {
    async tryAcquire() {
      const info = await inspect();
      if (info && info.State.Running) {
        const owner = info.Config.Labels?.[LABEL.holder] ?? '';
        if (owner !== holder) return { kind: 'other', holder: owner };
        try {
          await container.kill({ signal: 'HUP' });
          return { kind: 'held' };
        } catch (err) {
          const s = statusOf(err);
          if (s === 404 || s === 409) return { kind: 'free' }; // it expired just now
          throw wrap('renewing the controller lease', err);
        }
      }
      if (info) await remove(); // expired
      const img = await image();
      if (img === undefined) return { kind: 'free' }; // no node yet, so no image to run the lease with
      try {
        await docker.createContainer({
          name,
          Image: img,
          Cmd: ['sh', '-c', leaseScript(ttlSeconds)],
          Labels: { [LABEL.cluster]: cluster, [LABEL.role]: 'lease', [LABEL.node]: '', [LABEL.holder]: holder },
          HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'no' } },
        });
      } catch (err) {
        if (statusOf(err) === 409) {
          const now = await inspect();
          return { kind: 'other', holder: now?.Config.Labels?.[LABEL.holder] ?? '' };
        }
        throw wrap('creating the controller lease', err);
      }
      try {
        await container.start();
      } catch (err) {
        if (statusOf(err) === 404) return { kind: 'free' };
        throw wrap('starting the controller lease', err);
      }
      return { kind: 'held' };
    },
    async release() {
      const info = await inspect();
      if (info && info.Config.Labels?.[LABEL.holder] === holder) await remove();
    },
  };
}

/** Who holds the cluster's lease now (a running lease container's holder), or undefined when no controller does. */
export async function readLeaseHolder(docker: Docker, cluster: string): Promise<string | undefined> {
  try {
    const info = await docker.getContainer(leaseContainerName(cluster)).inspect();
    return info.State.Running ? (info.Config.Labels?.[LABEL.holder] ?? '') : undefined;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw wrap('inspecting the controller lease', err);
  }
}
