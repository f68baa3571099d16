/**
 * YAML text → documents with a plain value and, for every node, its span, key span and JSON pointer.
 * Never throws: syntax errors become problems.
 */
import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Problem, Span } from './model';

export interface SpecNodeInfo {
  /** The value's span. */
  readonly span: Span;
  /** For a map entry, the key's span. */
  readonly keySpan?: Span;
}

export type DocumentKind = 'Cluster' | 'Job';

export interface SpecDocument {
  readonly index: number;
  /** The whole document's span in the file's text. */
  readonly span: Span;
  /** The plain JavaScript value (as `JSON.parse` would give). */
  readonly value: unknown;
  readonly kind: DocumentKind | undefined;
  /** JSON pointer (`/tasks/0/name`) → node spans; `''` is the document's root. */
  readonly nodes: ReadonlyMap<string, SpecNodeInfo>;
  readonly problems: readonly Problem[];
  /** The `yaml` library's document, for formatting and completion; do not mutate. */
  readonly yaml: Document.Parsed;
}

export interface SpecFile {
  readonly text: string;
  readonly documents: readonly SpecDocument[];
  /** Syntax problems of the file as a whole (all documents). */
  readonly problems: readonly Problem[];
}

/** Caps alias expansion so that a "billion laughs" document cannot exhaust memory. */
const MAX_ALIAS_NODES = 10_000;

export function parseSpec(text: string): SpecFile {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false }) as Document.Parsed[];
  } catch (err) {
    // The library documents no throw here; if it ever does, the file is still a result, not a crash.
    return { text, documents: [], problems: [{ code: 'spec/syntax', severity: 'error', message: `cannot parse YAML: ${String(err)}`, span: { start: 0, end: Math.min(text.length, 1) } }] };
  }
  if (!Array.isArray(docs)) docs = [];
  const documents: SpecDocument[] = [];
  const all: Problem[] = [];
  docs.forEach((doc, index) => {
    const d = toSpecDocument(doc, index, text.length);
    if (d.value === null && d.problems.length === 0 && isBlank(text, d.span)) return;
    documents.push(d);
    all.push(...d.problems);
  });
  return { text, documents, problems: all };
}

function isBlank(text: string, span: Span): boolean {
  return /^(\s|#[^\n]*|---|\.\.\.)*$/.test(text.slice(span.start, span.end));
}

function toSpecDocument(doc: Document.Parsed, index: number, textLength: number): SpecDocument {
  const problems: Problem[] = [];
  for (const e of doc.errors) problems.push(yamlProblem(e.message, e.pos, 'error', textLength));
  for (const w of doc.warnings) problems.push(yamlProblem(w.message, w.pos, 'warning', textLength));
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, nodes, problems, textLength);
  const value = doc.contents ? walker.walk(doc.contents, '', undefined) : null;
  const [start, , end] = doc.range;
  const span = { start: clamp(start, textLength), end: clamp(end, textLength) };
  if (!nodes.has('')) nodes.set('', { span });
  const kindValue = isRecord(value) ? value['kind'] : undefined;
  const kind = kindValue === 'Cluster' || kindValue === 'Job' ? kindValue : undefined;
  return { index, span, value, kind, nodes, problems, yaml: doc };
}

class Walker {
  private aliasBudget = MAX_ALIAS_NODES;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly nodes: Map<string, SpecNodeInfo>,
    private readonly problems: Problem[],
    private readonly textLength: number,
  ) {}

  walk(node: Node | Alias, pointer: string, keySpan: Span | undefined, via?: Span): unknown {
    const span = via ?? this.spanOf(node);
    this.nodes.set(pointer, keySpan ? { span, keySpan } : { span });
    if (isAlias(node)) {
      const target = this.resolveAlias(node);
      if (target === undefined) return null;
      return this.walk(target, pointer, keySpan, span);
    }
    if (via !== undefined && --this.aliasBudget < 0) return null;
    if (isScalar(node)) return node.value ?? null;
    if (isSeq(node)) {
      return node.items.map((item, i) => (item === null || item === undefined ? null : this.walk(item as Node, `${pointer}/${i}`, undefined, via)));
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          this.problems.push({ code: 'spec/complex-key', severity: 'error', message: 'keys must be plain names', span: this.spanOf(key) });
          continue;
        }
        const name = key === null ? '' : String(key.value);
        const ks = key === null ? span : via ?? this.spanOf(key);
        const childPointer = `${pointer}/${escapePointer(name)}`;
        const v = pair.value as Node | null;
        if (v === null || v === undefined) {
          // `key:` with no value: point the value at the end of the key.
          this.nodes.set(childPointer, { span: { start: ks.end, end: ks.end }, keySpan: ks });
          Object.defineProperty(out, name, { value: null, enumerable: true, writable: true, configurable: true });
        } else {
          Object.defineProperty(out, name, { value: this.walk(v, childPointer, ks, via), enumerable: true, writable: true, configurable: true });
        }
      }
      return out;
    }
    return null;
  }

  private resolveAlias(alias: Alias): Node | undefined {
    try {
      const target = alias.resolve(this.doc);
      return target ?? undefined;
    } catch {
      return undefined;
    }
  }

  private spanOf(node: Node | Alias): Span {
    const r = node.range;
    if (!r) return { start: 0, end: 0 };
    return { start: clamp(r[0], this.textLength), end: clamp(r[1], this.textLength) };
  }
}

function yamlProblem(message: string, pos: readonly [number, number], severity: 'error' | 'warning', textLength: number): Problem {
  const start = clamp(pos[0], textLength);
  const end = Math.max(start, clamp(pos[1], textLength));
  return { code: 'spec/syntax', severity, message: cleanYamlMessage(message), span: { start, end } };
}

/** Strips the library's "at line N, column M" suffix and its source excerpt: the span says where. */
export function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '').trim();
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins pointer segments (`pointerOf('tasks', 0, 'name')` → `/tasks/0/name`). */
export function pointerOf(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointer(String(s))}`).join('');
}

function clamp(n: number, max: number): number {
  return n < 0 ? 0 : n > max ? max : n;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
