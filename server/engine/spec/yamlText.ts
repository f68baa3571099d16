/**
 * Text-level helpers of the parser, around the `yaml` library: the nesting guard that runs before
 * it, and corrections of where and how it reports (spans of block collections, unclosed quotes,
 * messages).
 */
import type { Problem } from '../model';

/** Nesting in the text beyond which the `yaml` library is not called at all (see tooDeepAt). */
export const MAX_TEXT_DEPTH = 256;

/**
 * Where the text nests deeper than MAX_TEXT_DEPTH (block indentation levels or open flow
 * brackets), or undefined. The `yaml` library composes recursively: thousands of levels bring it
 * to the end of the call stack, where V8 can die outright (a fatal error, not an exception), so
 * such text is refused before parsing. One pass over the characters; quotes and comments are
 * skipped roughly, which errs only towards parsing.
 */
export function tooDeepAt(text: string): number | undefined {
  return scanDepth(text, 0, text.length, createDepthState());
}

/** tooDeepAt's state at a line start, so that a scan can stop and resume (see scanDepth). */
export interface DepthState {
  /** Columns of the open block levels, innermost last. */
  indents: number[];
  /** Open flow brackets. */
  flow: number;
  /** The column of the first line that counted (not blank, not a comment, outside flow), and the smallest. */
  firstCol: number;
  minCol: number;
}

export function createDepthState(indents: number[] = []): DepthState {
  return { indents, flow: 0, firstCol: -1, minCol: Infinity };
}

/**
 * tooDeepAt over the lines of `text` from `from` (a line start) to `to`, continuing from `state`
 * (updated); `outer` counts block levels open outside `state.indents`. Scanning a text in pieces
 * that end at line starts gives what one scan gives.
 */
export function scanDepth(text: string, from: number, to: number, state: DepthState, outer = 0): number | undefined {
  const indents = state.indents;
  let flow = state.flow;
  let i = from;
  while (i < to) {
    // Start of a line: its indentation, unless inside a flow collection.
    let col = 0;
    while (i + col < to && text.charCodeAt(i + col) === 32) col++;
    const first = i + col < to ? text.charCodeAt(i + col) : -1;
    if (flow === 0 && first !== -1 && first !== 10 && first !== 13 && first !== 35) {
      if (state.firstCol < 0) state.firstCol = col;
      if (col < state.minCol) state.minCol = col;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= col) indents.pop();
      indents.push(col);
      if (outer + indents.length > MAX_TEXT_DEPTH) {
        state.flow = flow;
        return i + col;
      }
    }
    i += col;
    let quote = 0;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (quote !== 0) {
        if (c === quote) quote = 0;
        continue;
      }
      if (c === 34 || c === 39) quote = c;
      else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) {
        while (i < to && text.charCodeAt(i) !== 10) i++;
        break;
      } else if (c === 91 || c === 123) {
        if (++flow > MAX_TEXT_DEPTH) {
          state.flow = flow;
          return i;
        }
      } else if ((c === 93 || c === 125) && flow > 0) flow--;
    }
    i++;
  }
  state.flow = flow;
  return undefined;
}

/** scanDepth of one list item, from the start of the item alone, `outer` levels open around it. */
export interface ItemDepth {
  readonly outer: number;
  /** Where it nests too deep, relative to the item's start. */
  readonly deepAt: number | undefined;
  /** The state after the item: open flow brackets and block levels. */
  readonly flow: number;
  readonly indents: readonly number[];
  /** Whether the item alone scans as it does in place (see tooDeepInPieces). */
  readonly alone: boolean;
}

export function scanItemDepth(text: string, start: number, end: number, indent: number, outer: number): ItemDepth {
  const state = createDepthState();
  const deep = scanDepth(text, start, end, state, outer);
  return { outer, deepAt: deep === undefined ? undefined : deep - start, flow: state.flow, indents: state.indents, alone: state.firstCol === indent && state.minCol >= indent };
}

/** A block list whose items start at column `indent`: lines [start, end) hold its items. */
export interface DepthList {
  readonly start: number;
  readonly end: number;
  readonly indent: number;
  readonly items: readonly { readonly start: number; readonly end: number }[];
}

/**
 * tooDeepAt of the whole text, with each list item's scan taken from `itemDepth` (memoised by the
 * caller on the item's text), or 'whole' when the pieces may not give tooDeepAt's answer. An item
 * scans alone as in place when every piece starts at a line start, no flow bracket is open across
 * an item's edges, and the item's lines never reach left of its dash (so they close no level
 * opened outside it, and its first line closes every level the item before opened).
 */
export function tooDeepInPieces(text: string, lists: readonly DepthList[], itemDepth: (list: number, item: number, outer: number) => ItemDepth): number | undefined | 'whole' {
  const lineStart = (at: number): boolean => at === 0 || at === text.length || text.charCodeAt(at - 1) === 10;
  const state = createDepthState();
  let pos = 0;
  // Index loops: an entries() pair per item showed in a re-check's allocation profile (5,000 items).
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    if (!lineStart(list.start) || !lineStart(list.end)) return 'whole';
    const before = scanDepth(text, pos, list.start, state);
    if (before !== undefined) return before;
    if (state.flow !== 0) return 'whole';
    const outside = state.indents.filter((c) => c < list.indent);
    let inside: readonly number[] = [];
    for (let k = 0; k < list.items.length; k++) {
      const item = list.items[k];
      if (!lineStart(item.start) || !lineStart(item.end)) return 'whole';
      const d = itemDepth(l, k, outside.length);
      if (!d.alone) return 'whole';
      if (d.deepAt !== undefined) return item.start + d.deepAt;
      if (d.flow !== 0) return 'whole';
      inside = d.indents;
    }
    state.indents = [...outside, ...inside];
    pos = list.end;
  }
  return scanDepth(text, pos, text.length, state);
}

/**
 * The library sometimes ends a block collection after the indentation of the line that follows it
 * (when its last value is empty and a comment follows); a span ends at that line's start instead,
 * as it does everywhere else, and as the chunked path (which parses the item alone) has it.
 */
export function withoutNextIndent(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && text.charCodeAt(e - 1) === 32) e--;
  return e < end && e > start && text.charCodeAt(e - 1) === 10 ? e : end;
}

/**
 * The end of a block collection's span without the comment lines (and the blank lines around
 * them) that close it. The library counts a comment after a list's last item as the list's when
 * it is indented under it, and as the document's when the list ends the text it parsed: a list
 * parsed item by item (see parseSpec) and parsed whole must give the same spans, so neither keeps
 * such comments. Lines that start before `floor` (where the collection's last child ends: a block
 * scalar's lines may start with `#`) are kept. `end` is returned as it is when no comment line
 * closes the span.
 */
export function withoutClosingComments(text: string, floor: number, end: number): number {
  let e = end;
  let sawComment = false;
  while (e > floor) {
    const lineEnd = text.charCodeAt(e - 1) === 10 ? e - 1 : e;
    const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
    if (lineStart < floor) break;
    let i = lineStart;
    while (i < lineEnd && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 13)) i++;
    if (i < lineEnd && text.charCodeAt(i) !== 35) break; // a line of content
    if (i < lineEnd) sawComment = true;
    e = lineStart;
  }
  return sawComment ? e : end;
}

/**
 * The library reports an unclosed quote where the text ends; the mistake is where the quote
 * opens: the last such quote before that point (an unclosed string holds no other).
 */
export function atOpeningQuote(text: string, p: Problem): Problem {
  const m = /^Missing closing (["'])quote/.exec(p.message);
  if (!m?.[1]) return p;
  let at = text.lastIndexOf(m[1], Math.max(0, p.span.start - 1));
  // In a single-quoted string '' is an escaped quote, not the opening one.
  while (m[1] === "'" && at > 0 && text[at - 1] === "'") at = text.lastIndexOf("'", at - 2);
  return at < 0 ? p : { ...p, span: { start: at, end: at + 1 } };
}

/** Strips the library's "at line N, column M" suffix and its source excerpt: the span says where. */
export function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '').trim();
}
