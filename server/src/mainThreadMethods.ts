/**
 * The messages between the front and the back that the client never sees (mainThreadRouter.ts), declared
 * once for both threads: this module has no dependencies, so the front loads nothing of the back.
 */

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
