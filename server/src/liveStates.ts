/**
 * The live state of each cluster the extension watches (`berth/liveState`), by cluster name, and
 * the live analysis of each cluster analysis memoised on it. The server never talks to Docker:
 * this is only what the client said. A live analysis is keyed on the analysis' plan (a new one
 * after every edit the allocator reads) and on the state's revision (bumped when a state arrives
 * that differs from the one kept), so a warm result is one computed from the same two inputs.
 */
import type { Connection } from 'vscode-languageserver';
import type { ClusterAnalysis } from '../engine/analysis/analyzeCluster';
import { analyzeLive, type LiveAnalysis } from '../engine/analysis/liveAnalysis';
import { isEmptyLiveState, toLiveState } from '../engine/analysis/liveState';
import { LIVE_STATE_METHOD, type LiveStateParams } from '../engine/protocol';
import { guard } from './guard';

interface Kept {
  readonly state: LiveStateParams;
  readonly revision: number;
}

export class LiveStates {
  private readonly byCluster = new Map<string, Kept>();
  private nextRevision = 1;
  /**
   * Per plan (an analysis re-based after an edit the allocator does not read keeps its plan, and
   * the live analysis holds ids, node names and the allocator's results, no spans): the live
   * analysis and the state revision it was made from.
   */
  private readonly memo = new WeakMap<ClusterAnalysis['plan'], { readonly revision: number; readonly live: LiveAnalysis | undefined }>();

  /** Keeps a state (an empty one forgets the cluster); true when it changed what is kept. */
  set(state: LiveStateParams): boolean {
    const kept = this.byCluster.get(state.cluster);
    if (isEmptyLiveState(state)) return this.byCluster.delete(state.cluster);
    if (kept && JSON.stringify(kept.state) === JSON.stringify(state)) return false;
    this.byCluster.set(state.cluster, { state, revision: this.nextRevision++ });
    return true;
  }

  /** The cluster's state, if the client sent one. */
  get(cluster: string): LiveStateParams | undefined {
    return this.byCluster.get(cluster)?.state;
  }

  /** The analysis from where the cluster's jobs run now, when one of them runs. */
  of(analysis: ClusterAnalysis): LiveAnalysis | undefined {
    const kept = this.byCluster.get(analysis.cluster.name);
    if (!kept) return undefined;
    const known = this.memo.get(analysis.plan);
    if (known?.revision === kept.revision) return known.live;
    const live = analyzeLive(analysis, kept.state);
    this.memo.set(analysis.plan, { revision: kept.revision, live });
    return live;
  }
}

/**
 * Listens for `berth/liveState`. A state that changes what is kept asks the client to fetch inlay
 * hints and code lenses again (when it can: `refreshSupport`); params that make no sense are logged
 * and ignored.
 */
export function registerLiveState(connection: Connection, live: LiveStates, log: (message: string) => void, refresh: () => void): void {
  connection.onNotification(LIVE_STATE_METHOD, (params: unknown) =>
    guard(log, LIVE_STATE_METHOD, () => {
      const read = toLiveState(params);
      if (read.kind === 'invalid') return log(`[warn] ${LIVE_STATE_METHOD} ignored: ${read.reason}`);
      if (read.dropped > 0) log(`[warn] ${LIVE_STATE_METHOD} of cluster ${read.state.cluster}: ${read.dropped} malformed ${read.dropped === 1 ? 'entry' : 'entries'} ignored`);
      if (live.set(read.state)) refresh();
    }),
  );
}
