/**
 * The custom requests and notifications between the extension and the language server, declared once.
 * Plain types only: both sides import this file, neither imports the other.
 */
import type { PlanReport } from './report/planReport';

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

/**
 * Where a cluster's tasks run now, from the extension (which watches Docker) to the server (which
 * never talks to Docker). Sent whenever the placements change, and with no jobs when the cluster
 * is gone. A job the state does not list is not running. Untrusted input: the server reads it
 * through `toLiveState` (liveState.ts) and ignores what it cannot use.
 */
export const LIVE_STATE_METHOD = 'berth/liveState';

export interface LiveStateParams {
  /** The cluster's `name` (every cluster file of that name takes the state). */
  readonly cluster: string;
  readonly engine: 'local' | 'swarm';
  readonly jobs: readonly LiveJob[];
  /** Nodes of the cluster that are down (stopped, lost, drained). */
  readonly nodesDown: readonly string[];
}

export interface LiveJob {
  readonly job: string;
  readonly tasks: readonly LiveTask[];
}

export interface LiveTask {
  /** The instance name (`api-0`, or `api` for a task of one instance). */
  readonly task: string;
  /** Where it runs; '' while it waits for a node. */
  readonly node: string;
  /** running, waiting, starting, exited, lost, … (the engine's word). */
  readonly state: string;
  /** ISO time it has been in this state on this node since. */
  readonly since?: string;
  readonly restarts?: number;
  /** The node it ran on before a failover moved it. */
  readonly movedFrom?: string;
  /** The node whose failure moved it. */
  readonly movedAfter?: string;
}

/** What the extension sends as `initializationOptions` (other editors may send it too, or nothing). */
export interface InitializationOptions {
  /** Files above this size (MiB) are not read: a cluster reference to one is `spec/cluster-unreadable`. */
  readonly maxFileSizeMiB?: number;
  /** How long (ms) the analysis may run without answering before it is stopped (see TIME_BUDGET_MS). */
  readonly analysisTimeBudgetMs?: number;
  /** Documents above this size (MiB) get syntax and schema checks only: no placement, no failover. */
  readonly maxDocumentSizeMiB?: number;
}

/** The analysis thread's default time budget (`berth.analysis.timeBudgetMs`), and its bounds. */
export const TIME_BUDGET_MS = 10_000;
export const MIN_TIME_BUDGET_MS = 50;
export const MAX_TIME_BUDGET_MS = 600_000;

/** The time budget `initializationOptions` asks for (untrusted input), or the default. */
export function timeBudgetOf(options: unknown): number {
  const ms = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['analysisTimeBudgetMs'] : undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return TIME_BUDGET_MS;
  return Math.round(Math.min(MAX_TIME_BUDGET_MS, Math.max(MIN_TIME_BUDGET_MS, ms)));
}

/** The default of `berth.analysis.maxDocumentSize` (MiB): above it, no placement and no failover. */
export const MAX_DOCUMENT_SIZE_MIB = 4;

/** The document size limit in bytes that `initializationOptions` asks for (untrusted input), or the default. */
export function maxDocumentSizeOf(options: unknown): number {
  const mib = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['maxDocumentSizeMiB'] : undefined;
  const v = typeof mib !== 'number' || !Number.isFinite(mib) ? MAX_DOCUMENT_SIZE_MIB : Math.min(MAX_FILE_SIZE_MIB, Math.max(0.01, mib));
  return Math.round(v * 1024 * 1024);
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
