/**
 * The whole-text parse: one `yaml` parse of the text, walked once into the plain value and a span
 * per JSON pointer (the reference path, which the chunked parse of parseSpec.ts must equal), and
 * the library's syntax problems moved to where the mistake is.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, type Alias, type Document, type Node } from 'yaml';
import type { Problem, Span } from '../model';
import { escapePointer, isRecord, type SpecDocument, type SpecFile, type SpecNodeIndex, type SpecNodeInfo } from './specDocument';
import { atOpeningQuote, cleanYamlMessage, withoutClosingComments, withoutNextIndent } from './yamlText';

/** Caps alias expansion so that a "billion laughs" document cannot exhaust memory. */
export const MAX_ALIAS_NODES = 10_000;
/**
 * Nesting deeper than this is cut with a problem. A spec needs about eight levels; the cap keeps
 * every later stage (schema validation, the model, rules) far from the end of the call stack.
 */
const MAX_DEPTH = 64;


/** The reference path: the whole text through one `yaml` parse (exported for tests and benchmarks). */
export function parseWhole(text: string): SpecFile {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const list: Document.Parsed[] = Array.isArray(docs) ? (docs as Document.Parsed[]) : [];
  const documents: SpecDocument[] = [];
  for (const doc of list) {
    const parsed = walkDocument(doc, text);
    for (const [pointer, info] of parsed.nodes) {
      const end = withoutNextIndent(text, info.span.start, info.span.end);
      if (end !== info.span.end) parsed.nodes.set(pointer, { ...info, span: { start: info.span.start, end } });
    }
    const [start, , end] = doc.range;
    const span = { start: clamp(start, text.length), end: clamp(end, text.length) };
    if (parsed.value === null && parsed.problems.length === 0 && isBlank(text.slice(span.start, span.end))) continue;
    documents.push(toSpecDocument(documents.length, span, parsed.value, new MapIndex(parsed.nodes, span), parsed.problems));
  }
  return { text, documents, problems: documents.flatMap((d) => d.problems) };
}

export function toSpecDocument(index: number, span: Span, value: unknown, nodes: SpecNodeIndex, problems: readonly Problem[]): SpecDocument {
  const kindValue = isRecord(value) ? value['kind'] : undefined;
  const kind = kindValue === 'Cluster' || kindValue === 'Job' ? kindValue : undefined;
  return { index, span, value, kind, nodes, problems };
}

export class MapIndex implements SpecNodeIndex {
  constructor(
    private readonly map: ReadonlyMap<string, SpecNodeInfo>,
    private readonly root: Span,
  ) {}
  get(pointer: string): SpecNodeInfo | undefined {
    return this.map.get(pointer) ?? (pointer === '' ? { span: this.root } : undefined);
  }
}

interface Walked {
  readonly value: unknown;
  readonly needsWholeParse: boolean;
  /** Pointers relative to the walked root, spans shifted by the walk's base offset. */
  readonly nodes: Map<string, SpecNodeInfo>;
  readonly problems: Problem[];
}

/** Walks one `yaml` document parsed from `source`; spans are offsets into `source`. */
export function walkDocument(doc: Document.Parsed, source: string): Walked {
  const problems = syntaxProblems(doc, source);
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, source, nodes, problems);
  const value = doc.contents ? walker.walk(doc.contents, '', undefined) : null;
  return { value, nodes, problems, needsWholeParse: walker.needsWholeParse };
}

export class Walker {
  private aliasBudget = MAX_ALIAS_NODES;
  private tooDeep = false;
  /**
   * Set when an anchor or alias was seen, or a key with no text (`: value`, whose offset the
   * library takes from what precedes it, which a skeleton or an item alone does not have): such
   * text must be parsed whole, not in chunks.
   */
  needsWholeParse = false;

  constructor(
    private readonly doc: Document.Parsed,
    /** The text the document was parsed from: the library's ranges are offsets into it. */
    private readonly source: string,
    private readonly nodes: Map<string, SpecNodeInfo>,
    private readonly problems: Problem[],
  ) {}

  walk(node: Node | Alias, pointer: string, keySpan: Span | undefined, via?: Span, depth = 0): unknown {
    const span = via ?? this.spanOf(node);
    this.nodes.set(pointer, keySpan ? { span, keySpan } : { span });
    if (depth > MAX_DEPTH && (isSeq(node) || isMap(node))) {
      if (!this.tooDeep) this.problems.push({ code: 'spec/too-deep', severity: 'error', message: `nested more than ${MAX_DEPTH} levels deep; a spec needs far fewer`, span: { start: span.start, end: Math.min(span.end, span.start + 1) } });
      this.tooDeep = true;
      return null;
    }
    if (node.anchor !== undefined) this.needsWholeParse = true;
    if (isAlias(node)) {
      this.needsWholeParse = true;
      const target = this.resolveAlias(node);
      if (target === undefined) {
        this.problems.push({ code: 'spec/syntax', severity: 'error', message: `unresolved alias *${node.source}: no anchor &${node.source} before it`, span });
        return null;
      }
      return this.walk(target, pointer, keySpan, span, depth);
    }
    if (via !== undefined && --this.aliasBudget < 0) return null;
    if (isScalar(node)) return node.value ?? null;
    if (isSeq(node)) {
      let last: string | undefined;
      const items = node.items.map((item, i) => (item === null || item === undefined ? null : this.walk(item as Node, (last = `${pointer}/${i}`), undefined, via, depth + 1)));
      if (via === undefined) this.close(pointer, span, keySpan, last);
      return items;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      let last: string | undefined;
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          this.problems.push({ code: 'spec/complex-key', severity: 'error', message: 'keys must be plain names', span: this.spanOf(key) });
          continue;
        }
        if (key === null || (key.range && key.range[0] === key.range[1])) this.needsWholeParse = true;
        const name = key === null ? '' : String(key.value);
        const ks = key === null ? span : (via ?? this.spanOf(key));
        const childPointer = (last = `${pointer}/${escapePointer(name)}`);
        const v = pair.value as Node | null;
        let child: unknown = null;
        if (v === null || v === undefined) {
          // `key:` with no value: point the value at the end of the key.
          this.nodes.set(childPointer, { span: { start: ks.end, end: ks.end }, keySpan: ks });
        } else {
          child = this.walk(v, childPointer, ks, via, depth + 1);
        }
        Object.defineProperty(out, name, { value: child, enumerable: true, writable: true, configurable: true });
      }
      if (via === undefined) this.close(pointer, span, keySpan, last);
      return out;
    }
    return null;
  }

  /**
   * A collection's span without the comment lines that close it (withoutClosingComments), never
   * short of its last child's, and without the next line's indentation (withoutNextIndent: the
   * library counts it when a comment ends the collection's last line, and the whole text's next
   * line is not the list item's).
   */
  private close(pointer: string, span: Span, keySpan: Span | undefined, lastChild: string | undefined): void {
    const floor = (lastChild === undefined ? undefined : this.nodes.get(lastChild)?.span.end) ?? span.start;
    const end = withoutNextIndent(this.source, span.start, withoutClosingComments(this.source, floor, span.end));
    if (end !== span.end) this.nodes.set(pointer, keySpan ? { span: { start: span.start, end }, keySpan } : { span: { start: span.start, end } });
  }

  private resolveAlias(alias: Alias): Node | undefined {
    try {
      return alias.resolve(this.doc) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private spanOf(node: Node | Alias): Span {
    const r = node.range;
    const limit = this.source.length;
    if (!r) return { start: 0, end: 0 };
    return { start: clamp(r[0], limit), end: clamp(r[1], limit) };
  }
}

// ---------------------------------------------------------------------------------------------
// The chunked path

/** A list item parsed on its own: value and spans relative to the item's first character. */


export function isBlank(text: string): boolean {
  return /^(\s|#[^\n]*|---|\.\.\.)*$/.test(text);
}

/** The library's errors and warnings on `source`, each where the mistake is (see atOpeningQuote, atOpeningBracket). */
export function syntaxProblems(doc: Document.Parsed, source: string): Problem[] {
  const problems: Problem[] = [];
  for (const e of doc.errors) problems.push(atOpeningBracket(doc, e.pos[0], atOpeningQuote(source, yamlProblem(e.message, e.pos, 'error', source.length))));
  for (const w of doc.warnings) problems.push(yamlProblem(w.message, w.pos, 'warning', source.length));
  return problems;
}

/**
 * The library reports an unclosed flow collection (`image: [oops`) where the next line starts; the
 * mistake is where it opens. That collection is the outermost flow one of the kind named whose
 * node ends, with nothing after its value, where the error is reported.
 */
function atOpeningBracket(doc: Document.Parsed, at: number, p: Problem): Problem {
  const m = /^Flow (sequence|map) in block collection/.exec(p.message);
  if (!m) return p;
  let open: number | undefined;
  visit(doc, {
    Collection(_, node) {
      const r = node.range;
      if (!node.flow || !r || r[1] !== at || r[2] !== at || isSeq(node) !== (m[1] === 'sequence')) return;
      if (open === undefined || r[0] < open) open = r[0];
    },
  });
  return open === undefined ? p : { ...p, span: { start: open, end: open + 1 } };
}

function yamlProblem(message: string, pos: readonly [number, number], severity: 'error' | 'warning', limit: number): Problem {
  const start = clamp(pos[0], limit);
  const end = Math.max(start, clamp(pos[1], limit));
  return { code: 'spec/syntax', severity, message: cleanYamlMessage(message), span: { start, end } };
}

export function clamp(n: number, max: number): number {
  return n < 0 ? 0 : n > max ? max : n;
}
