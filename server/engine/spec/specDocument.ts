/**
 * What the parser gives the later stages: documents with a plain value and, for every node, its
 * span, key span and JSON pointer; and the pointer helpers. Plain types, no parsing here.
 */
import type { Problem, Span } from '../model';

export interface SpecNodeInfo {
  /** The value's span. */
  readonly span: Span;
  /** For a map entry, the key's span. */
  readonly keySpan?: Span;
}

/** JSON pointer (`/tasks/0/name`) → spans; `''` is the document's root. */
export interface SpecNodeIndex {
  get(pointer: string): SpecNodeInfo | undefined;
}

export type DocumentKind = 'Cluster' | 'Job';

export interface SpecDocument {
  readonly index: number;
  /** The whole document's span in the file's text. */
  readonly span: Span;
  /** The plain JavaScript value (as `JSON.parse` would give). Shared with the cache: never mutate. */
  readonly value: unknown;
  readonly kind: DocumentKind | undefined;
  readonly nodes: SpecNodeIndex;
  readonly problems: readonly Problem[];
}

export interface SpecFile {
  readonly text: string;
  readonly documents: readonly SpecDocument[];
  /** Syntax problems of the file as a whole (all documents). */
  readonly problems: readonly Problem[];
}

export interface ParsedChunk {
  readonly value: unknown;
  readonly nodes: ReadonlyMap<string, SpecNodeInfo>;
  readonly problems: readonly Problem[];
}

/** One step of a path into a document: a map key or a list index. */
export type Segment = string | number;

export function escapePointer(segment: string): string {
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins pointer segments (`pointerOf('tasks', 0, 'name')` → `/tasks/0/name`). */
export function pointerOf(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointer(String(s))}`).join('');
}


export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
