/**
 * The custom requests between the extension and the language server, declared once.
 * Plain types only: both sides import this file, neither imports the other.
 */
import type { PlanReport } from './planReport';

export const PLAN_METHOD = 'berth/plan';

export interface PlanParams {
  /** A job or cluster file. */
  readonly uri: string;
  /** For a file with several jobs, which one (default: the first). */
  readonly job?: string;
}

export type PlanResult =
  | { readonly kind: 'plan'; readonly uri: string; readonly version: number | undefined; readonly reports: readonly PlanReport[] }
  | { readonly kind: 'unavailable'; readonly uri: string; readonly reason: string };
