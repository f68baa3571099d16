/**
 * Feeds the language server the live placements (`berth/liveState`): whenever the cluster session's
 * reading of Docker changes a cluster's placements, that cluster's state goes to the server; a
 * cluster that is gone (or Docker no longer answering) gets an empty state; a server that (re)starts
 * gets every cluster again. The server never talks to Docker: this is all it knows of it.
 */
import type * as vscode from 'vscode';
import { LiveStateFeed } from '../../cluster/liveState';
import { LIVE_STATE_METHOD } from '../../../server/engine/protocol';
import type { BerthServer } from '../berthServer';
import type { ClusterSession } from './clusterSession';

export function registerLiveStateSender(session: ClusterSession, server: BerthServer): vscode.Disposable {
  const feed = new LiveStateFeed();
  const send = (): void => {
    const state = session.state;
    if (state.kind === 'loading' || !server.running) return;
    for (const params of feed.next(state.kind === 'clusters' ? state.clusters : undefined)) server.notify(LIVE_STATE_METHOD, params);
  };
  const subscriptions: vscode.Disposable[] = [
    session.onDidChange(send),
    server.onDidStart(() => {
      feed.reset();
      send();
    }),
  ];
  return {
    dispose: () => {
      for (const s of subscriptions) s.dispose();
    },
  };
}
