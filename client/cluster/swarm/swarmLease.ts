/**
 * Exactly one controller per cluster on a swarm: the lease is a service with no replicas,
 * `<cluster>-berth-controller`, whose labels name the holder and when the lease ends. Swarm's
 * unique service names decide who creates it, and its version index makes every renewal or
 * takeover a compare-and-swap: of two controllers updating the same version, one fails.
 */
import type Docker from 'dockerode';
import { wrap } from '../docker';
import { statusOf } from '../errors';
import { LABEL, leaseContainerName } from '../labels';
import type { Lease, LeaseState } from '../lease';
import { DEFAULT_IMAGE } from '../up';
import type { SwarmService } from './live';

const EXPIRES = 'berth.expires';

export function createSwarmLease(docker: Docker, cluster: string, holder: string, image: () => Promise<string | undefined>, ttlSeconds: number): Lease {
  const name = leaseContainerName(cluster);
  const spec = (img: string, expires: number): Record<string, unknown> => ({
    Name: name,
    Labels: { [LABEL.cluster]: cluster, [LABEL.role]: 'lease', [LABEL.holder]: holder, [EXPIRES]: String(expires) },
    TaskTemplate: { ContainerSpec: { Image: img } },
    Mode: { Replicated: { Replicas: 0 } },
  });
  const inspect = async (): Promise<SwarmService | undefined> => {
    try {
      return (await docker.getService(name).inspect()) as SwarmService;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw wrap('inspecting the controller lease', err);
    }
  };
  return {
    async tryAcquire(): Promise<LeaseState> {
      const now = Date.now();
      const expires = now + ttlSeconds * 1000;
      const info = await inspect();
      if (!info) {
        // Replicas 0: the image is never pulled, it only has to be a valid reference.
        const img = (await image()) ?? DEFAULT_IMAGE;
        try {
          await docker.createService(spec(img, expires) as unknown as Docker.CreateServiceOptions);
          return { kind: 'held' };
        } catch (err) {
          if (statusOf(err) === 409) return { kind: 'other', holder: (await inspect())?.Spec.Labels?.[LABEL.holder] ?? '' };
          throw wrap('creating the controller lease', err);
        }
      }
      const labels = info.Spec.Labels ?? {};
      const owner = labels[LABEL.holder] ?? '';
      if (owner !== holder && Number(labels[EXPIRES] ?? 0) > now) return { kind: 'other', holder: owner };
      const img = ((info.Spec['TaskTemplate'] as { ContainerSpec?: { Image?: string } } | undefined)?.ContainerSpec?.Image) ?? (await image()) ?? 'berth-lease';
      try {
        await docker.getService(info.ID).update({ _query: { version: info.Version.Index }, ...spec(img, expires) });
        return { kind: 'held' };
      } catch (err) {
        const s = statusOf(err);
        // Another controller updated it first (the version moved), or it was removed just now.
        if (s === 500 || s === 409 || s === 404) return { kind: 'other', holder: (await inspect())?.Spec.Labels?.[LABEL.holder] ?? '' };
        throw wrap('renewing the controller lease', err);
      }
    },
    async release() {
      const info = await inspect();
      if (info && info.Spec.Labels?.[LABEL.holder] === holder) {
        try {
          await docker.getService(info.ID).remove();
        } catch (err) {
          if (statusOf(err) !== 404) throw wrap('removing the controller lease', err);
        }
      }
    },
  };
}

/** Who holds the cluster's lease now (a holder whose lease has not expired), or undefined when no controller does. */
export async function readSwarmLeaseHolder(docker: Docker, cluster: string): Promise<string | undefined> {
  try {
    const labels = ((await docker.getService(leaseContainerName(cluster)).inspect()) as SwarmService).Spec.Labels ?? {};
    return Number(labels[EXPIRES] ?? 0) > Date.now() ? (labels[LABEL.holder] ?? '') : undefined;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw wrap('inspecting the controller lease', err);
  }
}
