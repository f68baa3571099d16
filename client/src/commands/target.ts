/** Which Berth file a command acts on: its argument (a lens passes a URI string, a menu a Uri) or the active editor. */
import * as vscode from 'vscode';
import { isBerthDocument } from '../berthFiles';

export type Target = { readonly kind: 'file'; readonly uri: vscode.Uri } | { readonly kind: 'none'; readonly why: string };

export async function resolveTarget(arg: unknown): Promise<Target> {
  const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return { kind: 'none', why: 'no file is open. Open a job or cluster file (*.job.yaml, *.cluster.yaml, or YAML with apiVersion: berth/v1) first' };
  const name = vscode.workspace.asRelativePath(uri);
  if (uri.scheme !== 'file') return { kind: 'none', why: `${name} is not a file on disk (the language server reads the cluster a job refers to from disk); save it first` };
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (e) {
    return { kind: 'none', why: `${name} cannot be read (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isBerthDocument(document)) return { kind: 'none', why: `${name} is not a Berth file: expected *.job.yaml, *.cluster.yaml, or YAML with apiVersion: berth/v1` };
  return { kind: 'file', uri };
}

export function explainNoTarget(command: string, target: Extract<Target, { kind: 'none' }>): void {
  void vscode.window.showWarningMessage(`Berth: cannot ${command}: ${target.why}.`);
}
