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

/** What the extension sends as `initializationOptions` (other editors may send it too, or nothing). */
export interface InitializationOptions {
  /** Files above this size (MiB) are not read: a cluster reference to one is `spec/cluster-unreadable`. */
  readonly maxFileSizeMiB?: number;
}

/** The size limit in bytes that `initializationOptions` asks for (untrusted input), or undefined for the default. */
export function maxFileSizeOf(options: unknown): number | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const mib = (options as Record<string, unknown>)['maxFileSizeMiB'];
  if (typeof mib !== 'number' || !Number.isFinite(mib)) return undefined;
  return Math.round(Math.min(MAX_FILE_SIZE_MIB, Math.max(1, mib)) * 1024 * 1024);
}

/** The largest `berth.maxFileSize` (MiB) the server accepts. */
export const MAX_FILE_SIZE_MIB = 1024;
