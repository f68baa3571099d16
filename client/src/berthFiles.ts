/**
 * Which documents are Berth files: `*.job.yaml`, `*.cluster.yaml` (and `.yml`), or YAML whose
 * text has a top-level `apiVersion: berth/v1`. The same test as the engine's `isBerthFile`,
 * restated here so that activation does not load the schema validator (ajv) into the extension.
 */
import type * as vscode from 'vscode';

const NAME = /\.(job|cluster)\.ya?ml$/i;
const CONTENT = /^apiVersion:\s*["']?berth\/v1["']?\s*$/m;

export type BerthFileKind = 'job' | 'cluster' | 'content';

export function berthFileKind(document: Pick<vscode.TextDocument, 'uri' | 'languageId' | 'getText'>): BerthFileKind | undefined {
  if (document.uri.scheme !== 'file') return undefined;
  const byName = NAME.exec(document.uri.path);
  if (byName) return byName[1]?.toLowerCase() === 'job' ? 'job' : 'cluster';
  if (document.languageId !== 'yaml') return undefined;
  return CONTENT.test(document.getText()) ? 'content' : undefined;
}

export function isBerthDocument(document: Pick<vscode.TextDocument, 'uri' | 'languageId' | 'getText'>): boolean {
  return berthFileKind(document) !== undefined;
}

/** Matches the `yamlValidation` contributions in package.json (name patterns only). */
export function matchesNamePattern(uri: vscode.Uri): boolean {
  return NAME.test(uri.path);
}
