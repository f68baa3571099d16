/** The only place where offsets become LSP positions and ranges, and back. */
import type { Diagnostic, DiagnosticSeverity, Position, Range } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex, type Lines } from '../engine/util/lineIndex';
import type { Problem, Severity, Span } from '../engine/model';

/**
 * The lines of a file's text: the editor's open document when it holds that text (it keeps its
 * line starts up to date through each edit), else a line index built once per text.
 */
export class Positions {
  private readonly indexes = new Map<string, { text: string; index: LineIndex }>();

  constructor(private readonly documents?: ReadonlyMap<string, TextDocument>) {}

  index(path: string, text: string): Lines {
    const open = this.documents?.get(pathToUri(path));
    if (open !== undefined && open.getText() === text) return open;
    const hit = this.indexes.get(path);
    if (hit && hit.text === text) return hit.index;
    const index = new LineIndex(text);
    this.indexes.set(path, { text, index });
    return index;
  }

  forget(path: string): void {
    this.indexes.delete(path);
  }
}

export function toRange(index: Lines, span: Span): Range {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

export function toOffset(index: Lines, position: Position): number {
  return index.offsetAt(position);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

export function toDiagnostic(index: Lines, p: Problem): Diagnostic {
  return { range: toRange(index, p.span), severity: SEVERITY[p.severity], code: p.code, source: 'berth', message: p.message, ...(p.data ? { data: p.data } : {}) };
}

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}
