/** The only place where offsets become LSP positions and ranges, and back. */
import type { Diagnostic, DiagnosticSeverity, Position, Range } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { LineIndex } from '../engine/lineIndex';
import type { Problem, Severity, Span } from '../engine/model';

/** Line indexes by text, reused while the text is unchanged. */
export class Positions {
  private readonly indexes = new Map<string, { text: string; index: LineIndex }>();

  index(path: string, text: string): LineIndex {
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

export function toRange(index: LineIndex, span: Span): Range {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

export function toOffset(index: LineIndex, position: Position): number {
  return index.offsetAt(position);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

export function toDiagnostic(index: LineIndex, p: Problem): Diagnostic {
  return { range: toRange(index, p.span), severity: SEVERITY[p.severity], code: p.code, source: 'berth', message: p.message, ...(p.data ? { data: p.data } : {}) };
}

export function uriToPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}
