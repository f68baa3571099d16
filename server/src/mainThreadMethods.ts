/**
 * The messages between the front and the back that the client never sees (mainThreadRouter.ts), declared
 * once for both threads: this module depends on types only, so the front loads nothing of the back.
 */
import type { Message } from 'vscode-languageserver';

/** The id prefix of the front's own requests to the back: their answers go to the front. */
export const FRONT_ID_PREFIX = 'berth/front/';
/** The watchdog's request: the back answers it with null when its thread is free. */
export const PING = 'berth/front/ping';
/**
 * Files whose analysis was stopped (`{ uris }`): the back forgets them, reads them no more from
 * disk (a job on a cluster another file names would bring them back) and takes them up again when
 * one is opened.
 */
export const EXCLUDE = 'berth/front/exclude';
export interface ExcludeParams {
  readonly uris: readonly string[];
}

/** The id of a replayed `initialize`, whose answer the client must not see. */
export const REPLAY_ID = 'berth/front/initialize';
/**
 * A note from a back that wrote a message to the client itself (threads.ts): the id it answered,
 * the document it published diagnostics for. Never forwarded.
 */
export const SENT = 'berth/front/sent';
export interface SentParams {
  id?: string | number;
  uri?: string;
}

/** The back as the front sees it: a worker thread in production, a message channel in tests. */
export interface Back {
  post(message: Message): void;
  /** A document change is about to be posted (threads.ts counts them for the back). */
  changing?(): void;
  onMessage(listener: (message: Message) => void): void;
  /** The back stopped (its `exit` handling, or a crash). */
  onExit(listener: (code: number) => void): void;
  terminate(): void;
}

/** The code of the diagnostic on a document whose analysis was stopped. */
export const TOO_EXPENSIVE = 'analysis/too-expensive';
