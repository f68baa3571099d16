/** A subscription to a cluster's changes (for a live tree): Docker events, debounced, with reconnects. */
import type Docker from 'dockerode';
import { messageOf } from './errors';
import { clusterFilter } from './labels';

export type ClusterChange =
  | { readonly kind: 'changed'; readonly action: string; readonly container: string }
  | { readonly kind: 'connection'; readonly connected: boolean; readonly message?: string };

export interface ClusterWatch {
  dispose(): void;
}

/** Follows an event stream line by line (a partial line waits for the rest). */
export function followLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
}

/**
 * Calls `onChange` for each event of a Docker event stream that `subscribe` opens. When the
 * stream drops it reports `connection: false` and retries every `retryMs`; on reconnect it
 * reports `connection: true` (re-read the status then: Docker is the state).
 */
export function watchEvents(subscribe: () => Promise<NodeJS.ReadableStream>, what: string, onChange: (c: ClusterChange) => void, retryMs = 1000): ClusterWatch {
  let disposed = false;
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  let connected: boolean | undefined;
  const report = (ok: boolean, err?: unknown): void => {
    if (connected === ok) return;
    connected = ok;
    onChange({ kind: 'connection', connected: ok, ...(err !== undefined ? { message: messageOf(err) } : {}) });
  };
  const open = async (): Promise<void> => {
    if (disposed) return;
    try {
      const s = await subscribe();
      if (disposed) {
        (s as unknown as { destroy(): void }).destroy();
        return;
      }
      stream = s;
      report(true);
      followLines(s, (line) => {
        try {
          const e = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
          onChange({ kind: 'changed', action: e.Action ?? '', container: e.Actor?.Attributes?.['name'] ?? '' });
        } catch {
          // not an event line
        }
      });
      const lost = (err?: unknown): void => {
        if (stream !== s || disposed) return;
        stream = undefined;
        report(false, err ?? new Error(`the ${what} event stream ended`));
        timer = setTimeout(() => void open(), retryMs);
      };
      s.on('end', () => lost());
      s.on('error', (err: unknown) => lost(err));
    } catch (err) {
      report(false, err);
      timer = setTimeout(() => void open(), retryMs);
    }
  };
  void open();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}

/** Each container event of a local cluster (create, start, die, destroy, health). */
export function watchCluster(docker: Docker, cluster: string, onChange: (c: ClusterChange) => void, retryMs = 1000): ClusterWatch {
  return watchEvents(() => docker.getEvents({ filters: { type: ['container'], ...clusterFilter(cluster) } }), 'Docker', onChange, retryMs);
}
