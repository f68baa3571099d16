/**
 * The `berth.*` settings, read through one normaliser each: a user's settings.json is untrusted
 * input (wrong types, out-of-range numbers), so every reader falls back to the documented default.
 */
import * as vscode from 'vscode';
import { MAX_DOCUMENT_SIZE_MIB, MAX_FILE_SIZE_MIB, MAX_TIME_BUDGET_MS, MIN_TIME_BUDGET_MS, TIME_BUDGET_MS } from '../../server/engine/protocol';

export type TraceSetting = 'off' | 'messages' | 'verbose';

export interface ServerSettings {
  readonly trace: TraceSetting;
  /** Automatic restarts allowed within `restartWindowMs` before giving up. */
  readonly maxRestarts: number;
  /** Extra arguments for Node when starting the server (e.g. `--max-old-space-size=512`). */
  readonly execArgv: readonly string[];
  /** Files above this size (MiB) are not read by the server (a cluster reference to one is a diagnostic). */
  readonly maxFileSizeMiB: number;
  /** The analysis thread's time budget (ms) before it is stopped (`berth.analysis.timeBudgetMs`). */
  readonly analysisTimeBudgetMs: number;
  /** Documents above this size (MiB) are checked but not planned (`berth.analysis.maxDocumentSize`). */
  readonly maxDocumentSizeMiB: number;
}

export interface ViewSettings {
  /** Debounce before the placement view asks for a new plan after an edit, in ms. */
  readonly planDebounceMs: number;
}

export interface ValidationSettings {
  /** Leave schema-level problems to the Red Hat YAML extension when it validates the file. */
  readonly deferSchemaToYamlExtension: boolean;
}

/** Read by the Docker part (client/src/cluster); declared here so all settings have one home. */
export interface ClusterSettings {
  readonly dockerHost: string | undefined;
  /** `berth.engine`: overrides a cluster file's `engine:` for Cluster Up and Deploy (undefined: the file's). */
  readonly engine: 'local' | 'swarm' | undefined;
  readonly defaultImage: string;
  readonly refreshIntervalMs: number;
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('berth');
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function integer(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function readServerSettings(): ServerSettings {
  const c = section();
  return {
    trace: oneOf(c.get('trace.server'), ['off', 'messages', 'verbose'] as const, 'off'),
    maxRestarts: integer(c.get('server.maxRestarts'), 0, 20, 4),
    execArgv: strings(c.get('server.execArgv')),
    maxFileSizeMiB: integer(c.get('maxFileSize'), 1, MAX_FILE_SIZE_MIB, 16),
    analysisTimeBudgetMs: integer(c.get('analysis.timeBudgetMs'), MIN_TIME_BUDGET_MS, MAX_TIME_BUDGET_MS, TIME_BUDGET_MS),
    maxDocumentSizeMiB: bounded(c.get('analysis.maxDocumentSize'), 0.01, MAX_FILE_SIZE_MIB, MAX_DOCUMENT_SIZE_MIB),
  };
}

export function readViewSettings(): ViewSettings {
  return { planDebounceMs: integer(section().get('placementView.debounce'), 0, 5_000, 300) };
}

export function readValidationSettings(): ValidationSettings {
  const v = section().get('validation.deferSchemaToYamlExtension');
  return { deferSchemaToYamlExtension: typeof v === 'boolean' ? v : true };
}

export function readClusterSettings(): ClusterSettings {
  const c = section();
  const host = c.get('docker.host');
  const image = c.get('defaultImage');
  return {
    dockerHost: typeof host === 'string' && host.trim() !== '' ? host.trim() : undefined,
    engine: oneOf(c.get('engine'), ['local', 'swarm', ''] as const, '') || undefined,
    defaultImage: typeof image === 'string' && image.trim() !== '' ? image.trim() : 'busybox:1.36',
    refreshIntervalMs: integer(c.get('refreshInterval'), 250, 60_000, 2_000),
  };
}
