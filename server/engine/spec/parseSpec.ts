/**
 * YAML text → documents with a plain value and, for every node, its span, key span and JSON pointer.
 * Never throws: syntax errors become problems.
 *
 * Large specs are parsed in chunks: each item of a top-level `tasks:` or `nodes:` block sequence
 * is parsed on its own and kept in a `ParseCache`, so that after an edit only the items whose text
 * changed are parsed again (a full `yaml` parse of a 5,000-task job costs about 450 ms; one item
 * about 0.07 ms). Text the chunker cannot split safely (anchors and
 * aliases, directives, flow-style lists) is parsed whole; both paths give the same result.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { Problem, Span } from '../model';
import { diffTexts, layoutOf, movedLayout, type Layout, type ListSplit, type Region, type TextDiff } from './documentLayout';
import { atOpeningQuote, cleanYamlMessage, MAX_TEXT_DEPTH, scanItemDepth, tooDeepAt, tooDeepInPieces, withoutClosingComments, withoutNextIndent, type DepthList, type ItemDepth } from './yamlText';

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

/** Parsed list items, reused across parses of the same file. */
export interface ParseCache {
  /** The previous chunked parse: its text and its list items (see previousChunks); items not seen again are dropped. */
  last: LastParse | undefined;
  /** The nesting guard's scan of each item (see tooDeepInPieces). */
  readonly depths: WeakMap<ParsedChunk, ItemDepth>;
}

/** A parse's text and layout, and the items of all its lists in text order: item k is [starts[k], ends[k]), parsed as chunks[k]. */
interface LastParse {
  readonly text: string;
  readonly layout: Layout;
  readonly starts: number[];
  readonly ends: number[];
  readonly chunks: ParsedChunk[];
}

export function createParseCache(): ParseCache {
  return { last: undefined, depths: new WeakMap() };
}

/** Caps alias expansion so that a "billion laughs" document cannot exhaust memory. */
export const MAX_ALIAS_NODES = 10_000;
/**
 * Nesting deeper than this is cut with a problem. A spec needs about eight levels; the cap keeps
 * every later stage (schema validation, the model, rules) far from the end of the call stack.
 */
const MAX_DEPTH = 64;

export function parseSpec(text: string, cache: ParseCache = createParseCache()): SpecFile {
  // The nesting guard runs before the library sees any text; with a plan, list items already
  // scanned (their text unchanged) are not scanned again.
  const plan = chunkable(text) ? planChunks(text, cache) : undefined;
  let deep = plan ? tooDeepInPieces(text, plan.lists, plan.itemDepth) : tooDeepAt(text);
  if (deep === 'whole') deep = tooDeepAt(text);
  if (deep !== undefined) {
    return { text, documents: [], problems: [{ code: 'spec/too-deep', severity: 'error', message: `nested more than ${MAX_TEXT_DEPTH} levels deep; a spec needs far fewer`, span: { start: deep, end: Math.min(text.length, deep + 1) } }] };
  }
  try {
    const chunked = plan ? parseChunked(text, plan, cache) : undefined;
    return chunked ?? parseWhole(text);
  } catch (err) {
    // The library documents no throw; if it ever does, the file is still a result, not a crash.
    return { text, documents: [], problems: [{ code: 'spec/syntax', severity: 'error', message: `cannot parse YAML: ${String(err)}`, span: { start: 0, end: Math.min(text.length, 1) } }] };
  }
}

// ---------------------------------------------------------------------------------------------
// The whole-text path

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

function toSpecDocument(index: number, span: Span, value: unknown, nodes: SpecNodeIndex, problems: readonly Problem[]): SpecDocument {
  const kindValue = isRecord(value) ? value['kind'] : undefined;
  const kind = kindValue === 'Cluster' || kindValue === 'Job' ? kindValue : undefined;
  return { index, span, value, kind, nodes, problems };
}

class MapIndex implements SpecNodeIndex {
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
function walkDocument(doc: Document.Parsed, source: string): Walked {
  const problems = syntaxProblems(doc, source);
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, source, nodes, problems);
  const value = doc.contents ? walker.walk(doc.contents, '', undefined) : null;
  return { value, nodes, problems, needsWholeParse: walker.needsWholeParse };
}

class Walker {
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
export interface ParsedChunk {
  readonly value: unknown;
  readonly nodes: ReadonlyMap<string, SpecNodeInfo>;
  readonly problems: readonly Problem[];
}

/** Directives and tab indentation are parsed whole (anchors and aliases are caught by the walk). */
function chunkable(text: string): boolean {
  // Most texts hold neither character: two fast searches instead of two line-by-line regexes.
  return (!text.includes('%') || !/^%/m.test(text)) && (!text.includes('\t') || !/^\t/m.test(text));
}

/** A region of the text and, when it holds a block list, the chunks of the items parsed before. */
interface PlannedRegion {
  readonly region: Region;
  readonly split: ListSplit | undefined;
  readonly chunks: readonly (ParsedChunk | undefined)[];
  /** Guard scans of items not cached, for their new chunks. */
  readonly depths: (ItemDepth | undefined)[];
}

interface ChunkPlan {
  readonly layout: Layout;
  readonly regions: readonly PlannedRegion[];
  readonly lists: readonly DepthList[];
  readonly itemDepth: (list: number, item: number, outer: number) => ItemDepth;
}

/** Regions, lists and items found in the text alone (or moved from the last parse's), before the library parses anything. */
function planChunks(text: string, cache: ParseCache): ChunkPlan | undefined {
  const last = cache.last;
  const diff = last ? diffTexts(last.text, text) : undefined;
  const layout = last?.text === text ? last.layout : ((last && diff ? movedLayout(last.layout, last.text, text, diff) : undefined) ?? layoutOf(text));
  if (!layout) return undefined;
  const previous = previousChunks(last, text, diff);
  const regions: PlannedRegion[] = [];
  const lists: DepthList[] = [];
  const withList: PlannedRegion[] = [];
  for (const [r, region] of layout.regions.entries()) {
    if (isBlank(text.slice(region.start, region.end))) continue;
    const list = layout.lists[r];
    const planned: PlannedRegion = { region, split: list, chunks: list ? list.items.map((item) => previous(item.start, item.end)) : [], depths: [] };
    regions.push(planned);
    if (list) {
      lists.push({ start: list.start, end: list.end, indent: list.dash - list.start, items: list.items });
      withList.push(planned);
    }
  }
  const itemDepth = (l: number, k: number, outer: number): ItemDepth => {
    const planned = withList[l];
    const list = lists[l];
    const item = list?.items[k];
    if (!planned || !list || !item) throw new Error(`no list item ${l}/${k}`);
    const chunk = planned.chunks[k];
    const known = chunk ? cache.depths.get(chunk) : planned.depths[k];
    if (known?.outer === outer) return known;
    const d = scanItemDepth(text, item.start, item.end, list.indent, outer);
    if (chunk) cache.depths.set(chunk, d);
    else planned.depths[k] = d;
    return d;
  };
  return { layout, regions, lists, itemDepth };
}

/** A LastParse being filled, item by item, into arrays made at their final size (a re-check of 5,000 items grew them push by push). */
interface LastParseFill {
  readonly last: LastParse;
  filled: number;
}

function lastParseOf(text: string, layout: Layout, items: number): LastParseFill {
  return { last: { text, layout, starts: new Array<number>(items), ends: new Array<number>(items), chunks: new Array<ParsedChunk>(items) }, filled: 0 };
}

function fillItem(fill: LastParseFill, start: number, end: number, chunk: ParsedChunk): void {
  const { last } = fill;
  last.starts[fill.filled] = start;
  last.ends[fill.filled] = end;
  last.chunks[fill.filled++] = chunk;
}

function parseChunked(text: string, plan: ChunkPlan, cache: ParseCache): SpecFile | undefined {
  let items = 0;
  for (const planned of plan.regions) items += planned.split?.items.length ?? 0;
  const next = lastParseOf(text, plan.layout, items);
  const documents: SpecDocument[] = [];
  for (const planned of plan.regions) {
    const doc = parseRegion(text, planned, cache, next, documents.length);
    if (doc === 'fallback') return undefined;
    documents.push(doc);
  }
  cache.last = next.last;
  return { text, documents, problems: documents.flatMap((d) => d.problems) };
}

/**
 * The chunk of the previous parse (`last`) for the item at [start, end) of `text`, when the
 * previous text held the same item text: an item in the text before the edit (the common prefix)
 * is found where it was, one in the text after it (the common suffix) where it was less the change
 * of length, and others (those the edit touched, or moved) by their text among the previous items
 * the edit touched. After a small edit of a large file only a few items' texts are hashed.
 */
function previousChunks(last: LastParse | undefined, text: string, diff: TextDiff | undefined): (start: number, end: number) => ParsedChunk | undefined {
  if (!last || !diff) return () => undefined;
  const old = last.text;
  const { prefix, suffix } = diff;
  const delta = text.length - old.length;
  // Items are asked for in text order, and so (but for the touched ones, found by text) at
  // previous offsets that only grow: a cursor finds each in a step or two, where a binary search
  // per item showed in profiles of a re-check (5,000 items). A binary search when an offset is
  // behind the cursor.
  let cursor = 0;
  const at = (start: number, end: number): ParsedChunk | undefined => {
    const { starts } = last;
    if (cursor < starts.length && (cursor === 0 || (starts[cursor - 1] ?? 0) < start)) {
      while (cursor < starts.length && (starts[cursor] ?? 0) < start) cursor++;
      return starts[cursor] === start && last.ends[cursor] === end ? last.chunks[cursor] : undefined;
    }
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((last.starts[mid] ?? 0) < start) lo = mid + 1;
      else hi = mid;
    }
    return last.starts[lo] === start && last.ends[lo] === end ? last.chunks[lo] : undefined;
  };
  let touched: Map<string, ParsedChunk> | undefined;
  const byText = (itemText: string): ParsedChunk | undefined => {
    if (!touched) {
      touched = new Map();
      last.chunks.forEach((chunk, k) => {
        const s = last.starts[k] ?? 0;
        const e = last.ends[k] ?? 0;
        if (e > prefix && s < old.length - suffix) touched?.set(old.slice(s, e), chunk);
      });
    }
    return touched.get(itemText);
  };
  return (start, end) => {
    if (end <= prefix) return at(start, end);
    if (start >= text.length - suffix) return at(start - delta, end - delta);
    return byText(text.slice(start, end));
  };
}

function parseRegion(text: string, planned: PlannedRegion, cache: ParseCache, next: LastParseFill, index: number): SpecDocument | 'fallback' {
  const { region, split } = planned;
  const body = text.slice(region.start, region.end);
  // The skeleton is the document without the list items; parse it whole (it is small).
  const skeletonText = split ? text.slice(region.start, split.start) + text.slice(split.end, region.end) : body;
  const cut = split ? split.start - region.start : Infinity;
  const removed = split ? split.end - split.start : 0;
  const skeletonDoc = parseDocument(skeletonText, { prettyErrors: false, uniqueKeys: true });
  if (skeletonDoc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) return 'fallback';
  const walked = walkDocument(skeletonDoc, skeletonText);
  if (walked.needsWholeParse) return 'fallback';
  const toAbs = (o: number): number => region.start + (o < cut ? o : o + removed);
  const shift = (s: Span): Span => ({ start: toAbs(s.start), end: toAbs(s.end) });
  const nodes = new Map<string, SpecNodeInfo>();
  for (const [p, info] of walked.nodes) nodes.set(p, info.keySpan ? { span: shift(info.span), keySpan: shift(info.keySpan) } : { span: shift(info.span) });
  const problems = walked.problems.map((p) => ({ ...p, span: shift(p.span) }));
  let value = walked.value;
  let chunks: ListItem[] = [];
  if (split) {
    if (!isRecord(value) || value[split.key] !== null) return 'fallback';
    const n = split.items.length;
    const items = new Array<unknown>(n);
    chunks = new Array<ListItem>(n);
    for (let k = 0; k < n; k++) {
      const item = split.items[k];
      let chunk = planned.chunks[k];
      if (!chunk) {
        chunk = parseItem(text.slice(item.start, item.end));
        if (!chunk) return 'fallback';
        const depth = planned.depths[k];
        if (depth) cache.depths.set(chunk, depth);
      }
      fillItem(next, item.start, item.end, chunk);
      chunks[k] = { base: item.start, chunk };
      items[k] = chunk.value;
      for (const p of chunk.problems) problems.push({ ...p, span: { start: p.span.start + item.start, end: p.span.end + item.start } });
    }
    value = { ...value, [split.key]: items };
    const keyInfo = nodes.get(`/${split.key}`);
    const last = chunks[chunks.length - 1];
    const lastEnd = last ? (last.chunk.nodes.get('')?.span.end ?? 0) + last.base : split.end;
    nodes.set(`/${split.key}`, { span: { start: split.dash, end: lastEnd }, ...(keyInfo?.keySpan ? { keySpan: keyInfo.keySpan } : {}) });
  }
  const span = { start: region.start, end: region.end };
  const index2 = new ChunkedIndex(nodes, split?.key, chunks, span);
  return toSpecDocument(index, span, value, index2, problems);
}

/** A large text's first parse in slices (see primeParse). */
export interface Primer {
  /**
   * Parses list items that the cache does not hold, one after another while `more()` says so
   * (the caller's clock), and leaves them in the cache. True when none is left, or when the cache has moved on since
   * (a parse of any text replaced what this primer left there).
   */
  step(more: () => boolean): boolean;
}

/**
 * The parse of `text` ahead of parseSpec, a slice at a time: a caller that must stay responsive
 * (a server thread that also reads the client's messages) steps it between other work until it is
 * done; parseSpec of `text` then parses no item. An item the chunker would not parse alone (nested
 * too deep, or not alone on its lines) ends the priming: parseSpec decides what to do with it.
 */
export function primeParse(text: string, cache: ParseCache): Primer {
  const plan = chunkable(text) ? planChunks(text, cache) : undefined;
  if (!plan) return { step: () => true };
  const lists = plan.regions.flatMap((r) => (r.split ? [{ split: r.split, chunks: [...r.chunks] }] : []));
  let l = 0;
  let k = 0;
  let left = cache.last;
  const stop = (): boolean => {
    l = lists.length;
    return true;
  };
  return {
    step(more) {
      if (cache.last !== left) return stop();
      for (let list = lists[l]; list; list = lists[++l], k = 0) {
        const { split, chunks } = list;
        for (; k < split.items.length; k++) {
          if (chunks[k]) continue;
          if (!more()) break;
          const item = split.items[k];
          const depth = scanItemDepth(text, item.start, item.end, split.dash - split.start, 0);
          if (!depth.alone || depth.deepAt !== undefined || depth.flow !== 0) return stop();
          const chunk = parseItemSafely(text.slice(item.start, item.end));
          if (!chunk) return stop();
          chunks[k] = chunk;
        }
        if (k < split.items.length) break;
      }
      let known = 0;
      for (const { chunks } of lists) for (const chunk of chunks) if (chunk) known++;
      const next = lastParseOf(text, plan.layout, known);
      for (const { split, chunks } of lists) {
        for (let i = 0; i < split.items.length; i++) {
          const chunk = chunks[i];
          if (chunk) fillItem(next, split.items[i].start, split.items[i].end, chunk);
        }
      }
      cache.last = left = next.last;
      return l >= lists.length;
    },
  };
}

function parseItemSafely(itemText: string): ParsedChunk | undefined {
  try {
    return parseItem(itemText);
  } catch {
    return undefined; // parseSpec's own parse reports it
  }
}

/** One `- ...` item, parsed alone; undefined when it does not parse as exactly one item. */
function parseItem(itemText: string): ParsedChunk | undefined {
  const doc = parseDocument(itemText, { prettyErrors: false, uniqueKeys: true }) as Document.Parsed;
  const contents = doc.contents;
  if (!isSeq(contents) || contents.items.length !== 1) return undefined;
  const item = contents.items[0] as Node | null;
  const problems = syntaxProblems(doc, itemText);
  if (item === null || item === undefined) return { value: null, nodes: new Map([['', { span: { start: itemText.indexOf('-') + 1, end: itemText.indexOf('-') + 1 } }]]), problems };
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, itemText, nodes, problems);
  const value = walker.walk(item, '', undefined);
  return walker.needsWholeParse ? undefined : { value, nodes, problems };
}

/** Pointers into the skeleton, or into list item k (`/tasks/k/...`) shifted to absolute offsets. */
class ChunkedIndex implements SpecNodeIndex {
  constructor(
    private readonly skeleton: ReadonlyMap<string, SpecNodeInfo>,
    readonly key: 'tasks' | 'nodes' | undefined,
    readonly chunks: readonly ListItem[],
    private readonly root: Span,
  ) {}

  get(pointer: string): SpecNodeInfo | undefined {
    if (this.key !== undefined) {
      const prefix = `/${this.key}/`;
      if (pointer.startsWith(prefix)) {
        const slash = pointer.indexOf('/', prefix.length);
        const k = Number(pointer.slice(prefix.length, slash < 0 ? undefined : slash));
        const entry = Number.isInteger(k) ? this.chunks[k] : undefined;
        if (!entry) return undefined;
        const info = entry.chunk.nodes.get(slash < 0 ? '' : pointer.slice(slash));
        if (!info) return undefined;
        const b = entry.base;
        const span = { start: info.span.start + b, end: info.span.end + b };
        return info.keySpan ? { span, keySpan: { start: info.keySpan.start + b, end: info.keySpan.end + b } } : { span };
      }
    }
    return this.skeleton.get(pointer) ?? (pointer === '' ? { span: this.root } : undefined);
  }
}

/** An item of a chunked list: the parsed chunk (reused while its text is unchanged) and where it starts. */
export interface ListItem {
  readonly base: number;
  readonly chunk: ParsedChunk;
}

/**
 * The items of a document's top-level `tasks:` or `nodes:` list when it was parsed in chunks:
 * `doc.value[key][i]` is `items[i].chunk.value`, its spans those of the chunk shifted by `base`.
 * Undefined for a document parsed whole. Later stages memoise per item on the chunk's identity.
 */
export function listItemsOf(doc: SpecDocument): { readonly key: 'tasks' | 'nodes'; readonly items: readonly ListItem[] } | undefined {
  const nodes = doc.nodes;
  return nodes instanceof ChunkedIndex && nodes.key !== undefined ? { key: nodes.key, items: nodes.chunks } : undefined;
}

/** A chunk as a document of its own: its value is the item, its spans relative to the item's text. */
export function chunkDocument(chunk: ParsedChunk): SpecDocument {
  const span = chunk.nodes.get('')?.span ?? { start: 0, end: 0 };
  return { index: 0, span, value: chunk.value, kind: undefined, nodes: new MapIndex(chunk.nodes, span), problems: [] };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isBlank(text: string): boolean {
  return /^(\s|#[^\n]*|---|\.\.\.)*$/.test(text);
}

/** The library's errors and warnings on `source`, each where the mistake is (see atOpeningQuote, atOpeningBracket). */
function syntaxProblems(doc: Document.Parsed, source: string): Problem[] {
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

function clamp(n: number, max: number): number {
  return n < 0 ? 0 : n > max ? max : n;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
