/**
 * What every cluster command shares: the trust check, one place that shows environment errors
 * (typed `ClusterError`s from the Docker layer) with a "Show Log" action, progress notifications
 * that can be cancelled (an AbortSignal for the Docker layer), and loading a file's specs with the
 * `berth.defaultImage` setting applied.
 */
import * as vscode from 'vscode';
import { isClusterError, loadSpecs, SpecInvalidError, type LoadedSpecs } from '../../cluster/index';
import { SHOW_LOG_COMMAND } from '../commands/restartServer';
import { readClusterSettings } from '../settings';
import { requireTrust } from './workspaceTrust';

export type Report = (message: string, increment?: number) => void;

/** Runs a cluster command: refused in an untrusted workspace; errors shown once, with the log. */
export async function runClusterCommand(log: vscode.LogOutputChannel, action: string, work: () => Promise<void>): Promise<void> {
  if (!requireTrust(action)) return;
  try {
    await work();
  } catch (err) {
    if (err instanceof Cancelled) {
      log.info(err.message);
      void vscode.window.showInformationMessage(`Berth: ${err.message}.`);
      return;
    }
    showClusterError(log, action, err);
  }
}

export function showClusterError(log: vscode.LogOutputChannel, action: string, err: unknown): void {
  if (err instanceof SpecInvalidError) {
    log.error(`${action}: ${err.message}`);
    void showWithLog(`Berth: cannot ${action}: the specs have errors (see the Problems view).`);
    return;
  }
  if (isClusterError(err)) {
    log.error(`${action}: [${err.code}] ${err.message}`);
    void showWithLog(`Berth: cannot ${action}: ${err.message}`);
    return;
  }
  // A bug: logged with its stack where the user can see it, and said.
  log.error(`${action} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void showWithLog(`Berth: ${action} failed: ${err instanceof Error ? err.message : String(err)}`);
}

async function showWithLog(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Log');
  if (choice) await vscode.commands.executeCommand(SHOW_LOG_COMMAND);
}

/** A cancellable notification; `work` gets a reporter and the signal that cancel aborts. */
export function withClusterProgress<T>(title: string, work: (report: Report, signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress<T>({ location: vscode.ProgressLocation.Notification, title: `Berth: ${title}`, cancellable: true }, async (progress, token): Promise<T> => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const report: Report = (message, increment) => progress.report({ message, ...(increment !== undefined ? { increment } : {}) });
    try {
      return await work(report, abort.signal);
    } finally {
      sub.dispose();
    }
  });
}

/** Cancelled between steps: a typed outcome, not an error. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

export function checkCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new Cancelled(`${what} cancelled`);
}

/**
 * The specs of a job or cluster file, read from disk (unsaved changes are saved first), with
 * `berth.defaultImage` as the cluster's default image when the cluster names none.
 */
export async function loadFileSpecs(uri: vscode.Uri): Promise<LoadedSpecs> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  return withDefaultImage(loadSpecs(uri.fsPath));
}

/** The cluster's default image, or the `berth.defaultImage` setting when the file names none. */
export function withDefaultImage(specs: LoadedSpecs): LoadedSpecs {
  if (specs.cluster.defaults.image) return specs;
  const image = readClusterSettings().defaultImage;
  return { ...specs, cluster: { ...specs.cluster, defaults: { ...specs.cluster.defaults, image } } };
}
