/**
 * The layout of a spec's text for the chunked parse (see parseSpec): its document regions between
 * `---` markers and, in each, the items of a top-level `tasks:` or `nodes:` block sequence, found
 * from the text alone. After an edit within one line that leaves every line's shape as it was,
 * the previous layout is moved instead of found again: the same scan would find the same regions
 * and items, shifted by the change of length.
 */

export interface Region {
  readonly start: number;
  readonly end: number;
}

/** Every document region of a text, and the list found in each (see findList). */
export interface Layout {
  readonly regions: readonly Region[];
  readonly lists: readonly (ListSplit | undefined)[];
}

/** The layout of `text`; undefined when a document marker carries content. */
export function layoutOf(text: string): Layout | undefined {
  const regions = splitDocuments(text);
  return regions ? { regions, lists: regions.map((r) => findList(text, r)) } : undefined;
}

/** Where two texts differ: they agree on `prefix` characters at the start and `suffix` at the end, which do not overlap. */
export interface TextDiff {
  readonly prefix: number;
  readonly suffix: number;
}

export function diffTexts(a: string, b: string): TextDiff {
  const prefix = commonPrefix(a, b);
  return { prefix, suffix: commonSuffix(a, b, Math.min(a.length, b.length) - prefix) };
}

/**
 * `previous` (the layout of `old`) moved to `text`, when the edit between them lies within one
 * line that ends with a line break and keeps that line's shape (indentation and kind), and the
 * line, before and after, is no document marker, list key, directive or tab-indented line (nor
 * its part after a carriage return): then every line that splitDocuments and findList read reads
 * as before. Otherwise undefined.
 */
export function movedLayout(previous: Layout, old: string, text: string, diff: TextDiff): Layout | undefined {
  const { prefix, suffix } = diff;
  const oldEnd = old.length - suffix;
  if (hasLineBreak(old, prefix, oldEnd) || hasLineBreak(text, prefix, text.length - suffix)) return undefined;
  const lineStart = prefix === 0 ? 0 : text.lastIndexOf('\n', prefix - 1) + 1;
  const oldLineEnd = old.indexOf('\n', prefix);
  const lineEnd = text.indexOf('\n', prefix);
  if (oldLineEnd < 0 || lineEnd < 0) return undefined;
  // The regular expressions that find markers and list keys (and chunkable's) also start a line
  // after a carriage return or a Unicode line separator.
  const segmentStart = lastLineTerminator(text, lineStart, prefix) + 1;
  for (const at of [lineStart, segmentStart]) if (!plainLine(old, at) || !plainLine(text, at)) return undefined;
  const was = lineShape(old, lineStart, oldLineEnd);
  const is = lineShape(text, lineStart, lineEnd);
  if (was.indent !== is.indent || was.kind !== is.kind) return undefined;
  const delta = text.length - old.length;
  if (delta === 0) return previous;
  // Every offset of a layout is a line start, a line break or the text's end (or a list's first
  // dash, which the unchanged shape keeps before the edit): none lies inside the edit.
  let inside = false;
  const move = (x: number): number => {
    if (x <= prefix) return x;
    if (x >= oldEnd) return x + delta;
    inside = true;
    return x;
  };
  const moveRegion = (r: Region): Region => (r.end <= prefix ? r : { start: move(r.start), end: move(r.end) });
  const regions = previous.regions.map(moveRegion);
  const lists = previous.lists.map((l) =>
    l === undefined || l.end <= prefix ? l : { key: l.key, dash: move(l.dash), start: move(l.start), end: move(l.end), items: l.items.map(moveRegion) },
  );
  return inside ? undefined : { regions, lists };
}

/** A line terminator of regular expressions: \n, \r, U+2028, U+2029. */
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isLineTerminator(text.charCodeAt(i))) return true;
  return false;
}

/** The offset of the last line terminator in [from, to), or from - 1. */
function lastLineTerminator(text: string, from: number, to: number): number {
  let i = to - 1;
  while (i >= from && !isLineTerminator(text.charCodeAt(i))) i--;
  return i;
}

/** Is the line at `start` none that splitDocuments, findList or the chunked parse's guard (chunkable) looks for? */
function plainLine(text: string, start: number): boolean {
  return !/^(---|\.\.\.|tasks:|nodes:|%|\t)/.test(text.slice(start, start + 6));
}

/** Document regions between `---` marker lines; undefined when a marker carries content. */
export function splitDocuments(text: string): Region[] | undefined {
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

export interface ListSplit {
  readonly key: 'tasks' | 'nodes';
  /** Offset of the first item's dash. */
  readonly dash: number;
  /** The items region (first item's line start to the last item's end). */
  readonly start: number;
  readonly end: number;
  readonly items: readonly Region[];
}

/** Finds a top-level `tasks:` or `nodes:` block sequence and its items by indentation. */
export function findList(text: string, region: Region): ListSplit | undefined {
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
    if (kind === 'blank' || kind === 'comment') {
      // The blank and comment lines after an item are the item's, the last item's too: a block
      // scalar keeps its trailing blank lines with `|+`, and its lines may start with #.
      const current = items[items.length - 1];
      if (current) current.end = listEnd = Math.min(region.end, lineEnd + 1);
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
 * A line's indentation (leading whitespace) and whether it is blank, a comment (or a block
 * scalar's line that starts with #), a list item (`-` then whitespace or the end) or other content.
 * Reads characters in place; lines that do not start with spaces then printable ASCII take the
 * general path.
 */
function lineShape(text: string, start: number, end: number): { indent: number; kind: 'blank' | 'comment' | 'item' | 'other' } {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  const c = i < end ? text.charCodeAt(i) : -1;
  if (c > 32 && c < 127) {
    if (c === 35) return { indent: i - start, kind: 'comment' };
    if (c !== 45) return { indent: i - start, kind: 'other' };
    const after = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if (after === -1 || after === 32 || after === 9 || after === 13) return { indent: i - start, kind: 'item' };
    if (after > 32 && after < 127) return { indent: i - start, kind: 'other' };
  }
  const line = text.slice(start, end);
  const content = line.trimStart();
  const indent = line.length - content.length;
  if (content === '' || content === '\r') return { indent, kind: 'blank' };
  if (content.startsWith('#')) return { indent, kind: 'comment' };
  return { indent, kind: /^-(\s|$)/.test(content) ? 'item' : 'other' };
}

/** The length of the common prefix of a and b, found by comparing slices (far faster than characters one by one). */
function commonPrefix(a: string, b: string): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (lo < hi) {
    // a and b agree before lo, and disagree somewhere before hi + 1.
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The length of the common suffix of a and b, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
