/**
 * The last `berth/liveState` of each cluster as the client sent it, kept by the front so that a
 * new back (after a crash or the watchdog) hears it again; the back reads it (liveStates.ts).
 */
import type { NotificationMessage } from 'vscode-languageserver';

/** Clusters kept at most, and the longest name (as analysis/liveState.ts reads them). */
const MAX_LIVE_CLUSTERS = 1_000;
const MAX_LIVE_NAME = 256;

export class LiveStateReplay {
  private readonly states = new Map<string, NotificationMessage>();

  /** By cluster, the last one wins; an empty one (no jobs, no node down) forgets the cluster. */
  remember(message: NotificationMessage): void {
    const params = message.params as { cluster?: unknown; jobs?: unknown; nodesDown?: unknown } | null;
    const cluster = params?.cluster;
    if (typeof cluster !== 'string' || cluster.length > MAX_LIVE_NAME) return;
    const empty = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;
    if (empty(params?.jobs) && empty(params?.nodesDown)) this.states.delete(cluster);
    else if (this.states.has(cluster) || this.states.size < MAX_LIVE_CLUSTERS) this.states.set(cluster, message);
  }

  all(): IterableIterator<NotificationMessage> {
    return this.states.values();
  }
}
