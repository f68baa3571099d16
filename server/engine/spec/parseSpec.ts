/**
 * YAML text → documents with a plain value and, for every node, its span, key span and JSON pointer.
 * Never throws: syntax errors become problems.
 *
 * Large specs are parsed in chunks: each item of a top-level `tasks:` or `nodes:` block sequence
 * is parsed on its own and kept in a `ParseCache`, so that after an edit only the items whose text
 * changed are parsed again (a full `yaml` parse of a 5,000-task job costs about 450 ms; one item
 * about 0.07 ms). Text the chunker cannot split safely (anchors and
 * aliases, directives, flow-style lists) is parsed whole; both paths give the same result.
 * The whole-text path is yamlWalk.ts; what both give (documents, spans, pointers) specDocument.ts.
 */
import { isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Span } from '../model';
import { diffTexts, layoutOf, movedLayout, type Layout, type ListSplit, type Region, type TextDiff } from './documentLayout';
import { isRecord, type ParsedChunk, type SpecDocument, type SpecFile, type SpecNodeIndex, type SpecNodeInfo } from './specDocument';
import { MAX_TEXT_DEPTH, scanItemDepth, tooDeepAt, tooDeepInPieces, type DepthList, type ItemDepth } from './yamlText';
import { isBlank, MapIndex, parseWhole, syntaxProblems, toSpecDocument, walkDocument, Walker } from './yamlWalk';

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

