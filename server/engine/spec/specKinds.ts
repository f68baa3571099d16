/**
 * Which files are Berth files, by name or by content: cheap tests, kept apart from the checker so
 * that code that only routes documents (the language server's front thread) need not load it.
 */
import type { DocumentKind } from './specDocument';

/** The kind a file's name implies, for documents that do not say. */
export function kindFromPath(path: string): DocumentKind | undefined {
  if (/\.cluster\.ya?ml$/i.test(path)) return 'Cluster';
  if (/\.job\.ya?ml$/i.test(path)) return 'Job';
  return undefined;
}

/** Is this a Berth file, by name or by content (`apiVersion: berth/v1` with a known kind)? */
export function isBerthFile(path: string, text: string): boolean {
  return kindFromPath(path) !== undefined || /^apiVersion:\s*["']?berth\/v1["']?\s*$/m.test(text);
}
