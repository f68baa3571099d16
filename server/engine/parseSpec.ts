/**
 * YAML text → documents with a plain value and, for every node, its span, key span and JSON pointer.
 * Never throws: syntax errors become problems.
 *
 * Large specs are parsed in chunks: each item of a top-level `tasks:` or `nodes:` block sequence
 * is parsed on its own and kept in a `ParseCache` by its exact text, so that after an edit only
 * the items whose text changed are parsed again (a full `yaml` parse of a 5,000-task job costs
 * about 450 ms; one item about 0.07 ms). Text the chunker cannot split safely (anchors and
 * aliases, directives, flow-style lists) is parsed whole; both paths give the same result.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Alias, type Document, type Node } from 'yaml';
import type { Problem, Span } from './model';
import { atOpeningQuote, cleanYamlMessage, MAX_TEXT_DEPTH, scanItemDepth, tooDeepAt, tooDeepInPieces, withoutNextIndent, type DepthList, type ItemDepth } from './yamlText';

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

/** Parsed list items by their exact text, reused across parses of the same file. */
export interface ParseCache {
  /** Items seen in the previous parse; items not seen again are dropped. */
  items: Map<string, ParsedChunk>;
  /** The nesting guard's scan of each item (see tooDeepInPieces). */
  readonly depths: WeakMap<ParsedChunk, ItemDepth>;
}

export function createParseCache(): ParseCache {
  return { items: new Map(), depths: new WeakMap() };
}

/** Caps alias expansion so that a "billion laughs" document cannot exhaust memory. */
const MAX_ALIAS_NODES = 10_000;
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
    const parsed = walkDocument(doc, 0, text.length);
    parsed.problems.forEach((p, i) => (parsed.problems[i] = atOpeningQuote(text, p)));
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
  readonly sawAnchor: boolean;
  /** Pointers relative to the walked root, spans shifted by the walk's base offset. */
  readonly nodes: Map<string, SpecNodeInfo>;
  readonly problems: Problem[];
}

/** Walks one `yaml` document; spans are shifted by `base` and clamped to `limit`. */
function walkDocument(doc: Document.Parsed, base: number, limit: number): Walked {
  const problems: Problem[] = [];
  for (const e of doc.errors) problems.push(yamlProblem(e.message, e.pos, 'error', base, limit));
  for (const w of doc.warnings) problems.push(yamlProblem(w.message, w.pos, 'warning', base, limit));
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, nodes, problems, base, limit);
  const value = doc.contents ? walker.walk(doc.contents, '', undefined) : null;
  return { value, nodes, problems, sawAnchor: walker.sawAnchor };
}

class Walker {
  private aliasBudget = MAX_ALIAS_NODES;
  private tooDeep = false;
  /** Set when an anchor or alias was seen: such text must be parsed whole, not in chunks. */
  sawAnchor = false;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly nodes: Map<string, SpecNodeInfo>,
    private readonly problems: Problem[],
    private readonly base: number,
    private readonly limit: number,
  ) {}

  walk(node: Node | Alias, pointer: string, keySpan: Span | undefined, via?: Span, depth = 0): unknown {
    const span = via ?? this.spanOf(node);
    this.nodes.set(pointer, keySpan ? { span, keySpan } : { span });
    if (depth > MAX_DEPTH && (isSeq(node) || isMap(node))) {
      if (!this.tooDeep) this.problems.push({ code: 'spec/too-deep', severity: 'error', message: `nested more than ${MAX_DEPTH} levels deep; a spec needs far fewer`, span: { start: span.start, end: Math.min(span.end, span.start + 1) } });
      this.tooDeep = true;
      return null;
    }
    if (node.anchor !== undefined) this.sawAnchor = true;
    if (isAlias(node)) {
      this.sawAnchor = true;
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
      return node.items.map((item, i) => (item === null || item === undefined ? null : this.walk(item as Node, `${pointer}/${i}`, undefined, via, depth + 1)));
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
        const ks = key === null ? span : (via ?? this.spanOf(key));
        const childPointer = `${pointer}/${escapePointer(name)}`;
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
      return out;
    }
    return null;
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
    if (!r) return { start: clamp(this.base, this.limit), end: clamp(this.base, this.limit) };
    return { start: clamp(r[0] + this.base, this.limit), end: clamp(r[1] + this.base, this.limit) };
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

interface Region {
  readonly start: number;
  readonly end: number;
}

/** A region of the text and, when it holds a block list, the list's items' texts and any cached chunks. */
interface PlannedRegion {
  readonly region: Region;
  readonly split: ListSplit | undefined;
  readonly texts: readonly string[];
  readonly chunks: readonly (ParsedChunk | undefined)[];
  /** Guard scans of items not cached, for their new chunks. */
  readonly depths: (ItemDepth | undefined)[];
}

interface ChunkPlan {
  readonly regions: readonly PlannedRegion[];
  readonly lists: readonly DepthList[];
  readonly itemDepth: (list: number, item: number, outer: number) => ItemDepth;
}

/** Regions, lists and items found in the text alone, before the library parses anything. */
function planChunks(text: string, cache: ParseCache): ChunkPlan | undefined {
  const split = splitDocuments(text);
  if (!split) return undefined;
  const regions: PlannedRegion[] = [];
  const lists: DepthList[] = [];
  const withList: PlannedRegion[] = [];
  for (const region of split) {
    if (isBlank(text.slice(region.start, region.end))) continue;
    const list = findList(text, region);
    const texts = list ? list.items.map((item) => text.slice(item.start, item.end)) : [];
    const planned: PlannedRegion = { region, split: list, texts, chunks: texts.map((t) => cache.items.get(t)), depths: [] };
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
  return { regions, lists, itemDepth };
}

function parseChunked(text: string, plan: ChunkPlan, cache: ParseCache): SpecFile | undefined {
  const next = new Map<string, ParsedChunk>();
  const documents: SpecDocument[] = [];
  for (const planned of plan.regions) {
    const doc = parseRegion(text, planned, cache, next, documents.length);
    if (doc === 'fallback') return undefined;
    documents.push(doc);
  }
  cache.items = next;
  return { text, documents, problems: documents.flatMap((d) => d.problems) };
}

/** Document regions between `---` marker lines; undefined when a marker carries content. */
function splitDocuments(text: string): Region[] | undefined {
  const regions: Region[] = [];
  let start = 0;
  const re = /^(---|\.\.\.)(.*)$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const rest = m[2] ?? '';
    if (rest !== '' && !/^\s*(#.*)?\r?$/.test(rest)) return undefined;
    regions.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  regions.push({ start, end: text.length });
  return regions;
}

interface ListSplit {
  readonly key: 'tasks' | 'nodes';
  /** Offset of the first item's dash. */
  readonly dash: number;
  /** The items region (first item's line start to the last item's end). */
  readonly start: number;
  readonly end: number;
  readonly items: readonly Region[];
}

function parseRegion(text: string, planned: PlannedRegion, cache: ParseCache, next: Map<string, ParsedChunk>, index: number): SpecDocument | 'fallback' {
  const { region, split } = planned;
  const body = text.slice(region.start, region.end);
  // The skeleton is the document without the list items; parse it whole (it is small).
  const skeletonText = split ? text.slice(region.start, split.start) + text.slice(split.end, region.end) : body;
  const cut = split ? split.start - region.start : Infinity;
  const removed = split ? split.end - split.start : 0;
  const skeletonDoc = parseDocument(skeletonText, { prettyErrors: false, uniqueKeys: true });
  if (skeletonDoc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) return 'fallback';
  const walked = walkDocument(skeletonDoc, 0, skeletonText.length);
  if (walked.sawAnchor) return 'fallback';
  const toAbs = (o: number): number => region.start + (o < cut ? o : o + removed);
  const shift = (s: Span): Span => ({ start: toAbs(s.start), end: toAbs(s.end) });
  const nodes = new Map<string, SpecNodeInfo>();
  for (const [p, info] of walked.nodes) nodes.set(p, info.keySpan ? { span: shift(info.span), keySpan: shift(info.keySpan) } : { span: shift(info.span) });
  const problems = walked.problems.map((p) => ({ ...p, span: shift(p.span) }));
  let value = walked.value;
  const chunks: ListItem[] = [];
  if (split) {
    if (!isRecord(value) || value[split.key] !== null) return 'fallback';
    const items: unknown[] = [];
    for (const [k, item] of split.items.entries()) {
      const itemText = planned.texts[k] ?? '';
      let chunk = planned.chunks[k] ?? next.get(itemText);
      if (!chunk) {
        chunk = parseItem(itemText);
        if (!chunk) return 'fallback';
        const depth = planned.depths[k];
        if (depth) cache.depths.set(chunk, depth);
      }
      next.set(itemText, chunk);
      chunks.push({ base: item.start, chunk });
      items.push(chunk.value);
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

/** Finds a top-level `tasks:` or `nodes:` block sequence and its items by indentation. */
function findList(text: string, region: Region): ListSplit | undefined {
  const re = /^(tasks|nodes):[ \t]*(#.*)?\r?$/gm;
  re.lastIndex = region.start;
  const m = re.exec(text);
  if (!m || m.index >= region.end) return undefined;
  const key = m[1] as 'tasks' | 'nodes';
  let pos = m.index + m[0].length + 1;
  let indent = -1;
  const items: { start: number; end: number }[] = [];
  let listEnd = pos;
  while (pos < region.end) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl > region.end ? region.end : nl;
    const { indent: lineIndent, kind } = lineShape(text, pos, lineEnd);
    if (kind === 'blank') {
      pos = lineEnd + 1;
      continue;
    }
    const isItem = kind === 'item';
    if (indent < 0) {
      if (!isItem) return undefined; // not a block sequence (a flow list, or a mapping)
      indent = lineIndent;
    }
    if (lineIndent < indent || (lineIndent === indent && !isItem)) break;
    if (lineIndent === indent && isItem) {
      const last = items[items.length - 1];
      if (last) last.end = pos;
      items.push({ start: pos, end: lineEnd });
    }
    listEnd = Math.min(region.end, lineEnd + 1);
    const current = items[items.length - 1];
    if (current) current.end = listEnd;
    pos = lineEnd + 1;
  }
  const firstItem = items[0];
  if (!firstItem) return undefined;
  return { key, dash: firstItem.start + indent, start: firstItem.start, end: listEnd, items };
}

/**
 * A line's indentation (leading whitespace) and whether it is blank (or a comment), a list item
 * (`-` then whitespace or the end) or other content. Reads characters in place; lines that do not
 * start with spaces then printable ASCII take the general path.
 */
function lineShape(text: string, start: number, end: number): { indent: number; kind: 'blank' | 'item' | 'other' } {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  const c = i < end ? text.charCodeAt(i) : -1;
  if (c > 32 && c < 127) {
    if (c === 35) return { indent: i - start, kind: 'blank' };
    if (c !== 45) return { indent: i - start, kind: 'other' };
    const after = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if (after === -1 || after === 32 || after === 9 || after === 13) return { indent: i - start, kind: 'item' };
    if (after > 32 && after < 127) return { indent: i - start, kind: 'other' };
  }
  const line = text.slice(start, end);
  const content = line.trimStart();
  const indent = line.length - content.length;
  if (content === '' || content === '\r' || content.startsWith('#')) return { indent, kind: 'blank' };
  return { indent, kind: /^-(\s|$)/.test(content) ? 'item' : 'other' };
}

/** One `- ...` item, parsed alone; undefined when it does not parse as exactly one item. */
function parseItem(itemText: string): ParsedChunk | undefined {
  const doc = parseDocument(itemText, { prettyErrors: false, uniqueKeys: true }) as Document.Parsed;
  const contents = doc.contents;
  if (!isSeq(contents) || contents.items.length !== 1) return undefined;
  const item = contents.items[0] as Node | null;
  const problems: Problem[] = [];
  for (const e of doc.errors) problems.push(atOpeningQuote(itemText, yamlProblem(e.message, e.pos, 'error', 0, itemText.length)));
  for (const w of doc.warnings) problems.push(yamlProblem(w.message, w.pos, 'warning', 0, itemText.length));
  if (item === null || item === undefined) return { value: null, nodes: new Map([['', { span: { start: itemText.indexOf('-') + 1, end: itemText.indexOf('-') + 1 } }]]), problems };
  const nodes = new Map<string, SpecNodeInfo>();
  const walker = new Walker(doc, nodes, problems, 0, itemText.length);
  const value = walker.walk(item, '', undefined);
  return walker.sawAnchor ? undefined : { value, nodes, problems };
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

function yamlProblem(message: string, pos: readonly [number, number], severity: 'error' | 'warning', base: number, limit: number): Problem {
  const start = clamp(pos[0] + base, limit);
  const end = Math.max(start, clamp(pos[1] + base, limit));
  return { code: 'spec/syntax', severity, message: cleanYamlMessage(message), span: { start, end } };
}

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
