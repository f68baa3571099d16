/**
 * Where the cursor is in text being typed, which is often not valid YAML yet (`    re|`, `  - |`,
 * `restart: |`, `{ cpus: 1, m| }`, `[[zone, U|`): the path from indentation (walking up to parent
 * keys and `- ` items) and, inside flow collections, from brackets. Pure; re-exported by locate.ts.
 */
import type { Span } from '../engine/model';
import type { Segment } from '../engine/spec/specDocument';

/** Where the cursor is in text being typed. */
export type Slot =
  | {
      /** A key of the mapping at `path` is being typed (or, where `path` is a list item, possibly a scalar item). */
      readonly kind: 'key';
      readonly path: readonly Segment[];
      readonly prefix: string;
      /** What a chosen item replaces: the word around the cursor. */
      readonly range: Span;
      /** Keys the mapping already has (before and after the cursor). */
      readonly present: readonly string[];
      readonly flow: boolean;
      /** The text right after the word is `:` (only the key's name should be inserted). */
      readonly colonAfter: boolean;
      /** When `path` ends with a list index: the entries of that list, as for a value slot. */
      readonly entries: readonly string[];
    }
  | {
      /** The value at `path` is being typed (`path` ends with its key, or with its index in a list). */
      readonly kind: 'value';
      readonly path: readonly Segment[];
      readonly prefix: string;
      readonly range: Span;
      /**
       * For an item of a list: the text of its entries by index (this one included). In a block
       * list, at most 256 entries before this one are read, so indexes hold only for short lists.
       */
      readonly entries: readonly string[];
      readonly flow: boolean;
      readonly quoted: boolean;
    }
  | { readonly kind: 'none' };

const NONE: Slot = { kind: 'none' };

interface Tokens {
  readonly indent: number;
  /** Columns of the `- ` markers at the start of the line. */
  readonly dashes: readonly number[];
  /** Column of the content after the dashes. */
  readonly contentCol: number;
  readonly key?: { readonly name: string; readonly col: number; readonly valueCol: number };
  readonly blank: boolean;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#"'{}[\],:-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)/;

/** The block structure of one line (without its line break): indent, `- ` markers, a key. */
function tokenize(line: string): Tokens {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  const indent = i;
  if (i >= line.length || line[i] === '#') return { indent, dashes: [], contentCol: i, blank: true };
  const dashes: number[] = [];
  while (line[i] === '-' && (i + 1 >= line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
    dashes.push(i);
    i++;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  const m = KEY.exec(line.slice(i));
  if (!m?.[1]) return { indent, dashes, contentCol: i, blank: false };
  let valueCol = i + m[0].length;
  while (line[valueCol] === ' ' || line[valueCol] === '\t') valueCol++;
  return { indent, dashes, contentCol: i, key: { name: unquote(m[1]), col: i, valueCol }, blank: false };
}

function unquote(s: string): string {
  return (s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")) ? s.slice(1, -1) : s;
}

/** Lines of the text as [start, end) offsets, walked from a line start. */
class Lines {
  constructor(readonly text: string) {}
  startOf(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }
  endOf(start: number): number {
    const nl = this.text.indexOf('\n', start);
    const end = nl < 0 ? this.text.length : nl;
    return end > start && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }
  /** The start of the line before, or -1 at the first line. */
  previous(start: number): number {
    return start === 0 ? -1 : this.text.lastIndexOf('\n', start - 2) + 1;
  }
  /** The start of the next line, or -1 at the last. */
  next(start: number): number {
    const nl = this.text.indexOf('\n', start);
    return nl < 0 ? -1 : nl + 1;
  }
  line(start: number): string {
    return this.text.slice(start, this.endOf(start));
  }
  indent(start: number): number {
    let i = start;
    while (this.text.charCodeAt(i) === 32) i++;
    return i - start;
  }
  isMarker(start: number): boolean {
    const c = this.text[start];
    return (c === '-' || c === '.') && /^(---|\.\.\.)(\s|$)/.test(this.text.slice(start, start + 4));
  }
  isBlank(start: number): boolean {
    const c = this.text[start + this.indent(start)];
    return c === undefined || c === '\n' || c === '\r' || c === '#';
  }
}

interface NodeRef {
  readonly line: number;
  readonly col: number;
  readonly type: 'key' | 'dash' | 'other';
  readonly key?: string;
}

interface ParentScan {
  readonly parent?: NodeRef;
  /** For a dash: how many items of the same list come before it. */
  readonly index: number;
  /** For a dash: the scalar text of the items before it (nearest last). */
  readonly items: string[];
}

/** Scalar items collected before a list item being typed (lists of names are short; task lists are not). */
const MAX_ITEMS = 256;

/** The parent of a node in block structure, scanning up by indentation. */
function parentOf(lines: Lines, node: NodeRef, siblings: string[] | undefined, wantItems: boolean): ParentScan {
  const tok = tokenize(lines.line(node.line));
  const dashBefore = [...tok.dashes].reverse().find((d) => d < node.col);
  // A node after a `- ` on its line is in that item (a dash there is its list's first item).
  if (dashBefore !== undefined) return { parent: { line: node.line, col: dashBefore, type: 'dash' }, index: 0, items: [] };
  const items: string[] = [];
  let index = 0;
  const c = node.col;
  const text = lines.text;
  for (let ls = lines.previous(node.line); ls >= 0; ls = lines.previous(ls)) {
    const indent = lines.indent(ls);
    if (indent > c) continue;
    if (node.type === 'dash' && indent === c && text[ls + c] === '-' && /[ \t\r\n]/.test(text[ls + c + 1] ?? '\n')) {
      // A sibling item (the common case in long lists: no tokenizing).
      index++;
      if (wantItems && items.length < MAX_ITEMS) items.push(itemText(lines.line(ls), c));
      continue;
    }
    if (lines.isMarker(ls)) break;
    if (lines.isBlank(ls)) continue;
    const line = lines.line(ls);
    const t = tokenize(line);
    if (node.type === 'dash') {
      if (t.dashes.includes(c)) {
        index++;
        if (wantItems && items.length < MAX_ITEMS) items.push(itemText(line, c));
      } else if (indent === c) {
        // `key:` then `- item` at the same column (compact lists).
        if (t.key && t.dashes.length === 0 && t.key.valueCol >= stripComment(line).trimEnd().length) return { parent: { line: ls, col: c, type: 'key', key: t.key.name }, index, items };
        continue;
      }
    } else {
      if (t.key?.col === c) siblings?.push(t.key.name);
      if (indent === c) continue;
    }
    const parent = lastTokenBefore(t, c, ls);
    if (parent) return { parent, index, items };
  }
  return { index, items };
}

/** The scalar of a `- item` line ('' for an item that is a mapping). */
function itemText(line: string, dashCol: number): string {
  const t = tokenize(line.slice(0, dashCol).replace(/-/g, ' ') + line.slice(dashCol));
  return t.key ? '' : unquote(stripComment(line.slice(dashCol + 1)).trim());
}

function lastTokenBefore(t: Tokens, c: number, line: number): NodeRef | undefined {
  if (t.key && t.key.col < c) return { line, col: t.key.col, type: 'key', key: t.key.name };
  const d = [...t.dashes].reverse().find((x) => x < c);
  return d === undefined ? undefined : { line, col: d, type: 'dash' };
}

/**
 * The path of the node that holds `start` (its own segment excluded), its list's earlier items,
 * and whether `start` sits in a block scalar (`key: |` text) rather than in structure.
 */
function ancestors(lines: Lines, start: NodeRef, siblings?: string[]): { path: Segment[]; items: string[]; inScalar: boolean } {
  const out: Segment[] = [];
  let cur = start;
  let items: string[] | undefined;
  let inScalar = false;
  for (let guard = 0; guard < 100; guard++) {
    const r = parentOf(lines, cur, cur === start ? siblings : undefined, cur.type === 'dash' && cur.line === start.line && items === undefined);
    if (cur !== start) out.push(cur.type === 'dash' ? r.index : (cur.key ?? ''));
    if (cur.type === 'dash' && items === undefined) items = r.items.reverse();
    if (cur === start && r.parent && r.parent.line !== start.line) inScalar = opensBlockScalar(lines, r.parent);
    if (!r.parent) break;
    cur = r.parent;
  }
  return { path: out.reverse(), items: items ?? [], inScalar };
}

function opensBlockScalar(lines: Lines, node: NodeRef): boolean {
  const line = lines.line(node.line);
  const t = tokenize(line);
  const rest = t.key && node.type === 'key' ? line.slice(t.key.valueCol) : line.slice(node.col + 1).trimStart();
  return /^[|>][-+0-9]*\s*(#.*)?$/.test(rest);
}

/** Keys at column `col` below the line, in the same mapping. */
function keysBelow(lines: Lines, line: number, col: number, into: string[]): void {
  for (let ls = lines.next(line); ls >= 0; ls = lines.next(ls)) {
    const indent = lines.indent(ls);
    if (indent > col) continue;
    if (lines.isMarker(ls)) return;
    if (lines.isBlank(ls)) continue;
    if (indent < col) return;
    const t = tokenize(lines.line(ls));
    if (t.dashes.length > 0) return;
    if (t.key) into.push(t.key.name);
  }
}

/** Scalar items of a block list at dash column `col` below the line. */
function itemsBelow(lines: Lines, line: number, col: number): string[] {
  const out: string[] = [];
  for (let ls = lines.next(line); ls >= 0; ls = lines.next(ls)) {
    if (lines.isMarker(ls) || lines.isBlank(ls)) continue;
    const indent = lines.indent(ls);
    if (indent < col || (indent === col && lines.text[ls + col] !== '-')) break;
    if (indent === col) out.push(lines.line(ls).slice(col + 1).trim());
  }
  return out;
}

/** What is being typed at `offset`. */
export function slotAt(text: string, offset: number): Slot {
  const lines = new Lines(text);
  const ls = lines.startOf(offset);
  // The block line a multi-line flow collection started on: lines before end in `,`, `[` or `{`.
  let first = ls;
  for (let n = 0; n < 200; n++) {
    let prev = lines.previous(first);
    while (prev >= 0 && lines.isBlank(prev) && !lines.isMarker(prev)) prev = lines.previous(prev);
    if (prev < 0 || lines.isMarker(prev) || !/[,[{]\s*$/.test(stripComment(lines.line(prev)))) break;
    first = prev;
  }
  const head = first === ls ? text.slice(ls, offset) : lines.line(first);
  const tok = tokenize(head);
  if (first === ls && tok.blank && head.trimStart().startsWith('#')) return NONE;
  const keyNode = tok.key ? { line: first, col: tok.key.col, type: 'key' as const, key: tok.key.name } : undefined;
  const valueCol = tok.key ? tok.key.valueCol : tok.contentCol;
  const valueText = first === ls ? head.slice(valueCol) : text.slice(first + valueCol, offset);
  if (valueText.startsWith('[') || valueText.startsWith('{')) {
    const base = keyNode ? [...ancestors(lines, keyNode).path, keyNode.key] : ancestors(lines, { line: first, col: valueCol, type: 'other' }).path;
    return flowSlot(text, first + valueCol, offset, base);
  }
  if (first !== ls) return NONE;
  const end = wordEnd(text, offset);
  if (tok.key) {
    if (/^[|>]/.test(valueText) || /(^|\s)#/.test(valueText)) return NONE;
    const quoted = /^["']/.test(valueText);
    if (quoted && valueText.indexOf(valueText[0] ?? '', 1) >= 0) return NONE;
    const up = ancestors(lines, keyNode as NodeRef);
    if (up.inScalar) return NONE;
    const path = [...up.path, tok.key.name];
    const start = ls + valueCol + (quoted ? 1 : 0);
    return { kind: 'value', path, prefix: text.slice(start, offset), range: { start, end }, entries: [], flow: false, quoted };
  }
  // A bare word: a key being typed, or a scalar list item.
  const node: NodeRef = { line: ls, col: tok.contentCol, type: 'other' };
  const dash = tok.dashes[tok.dashes.length - 1];
  const present: string[] = [];
  const { path, items, inScalar } = ancestors(lines, node, present);
  if (inScalar) return NONE;
  const entries = dash === undefined ? [] : [...items, unquote(valueText), ...itemsBelow(lines, ls, dash)];
  if (/^["']/.test(valueText)) {
    if (valueText.indexOf(valueText[0] ?? '', 1) >= 0) return NONE;
    const start = ls + valueCol + 1;
    return { kind: 'value', path, prefix: text.slice(start, offset), range: { start, end }, entries, flow: false, quoted: true };
  }
  if (!/^[\w.-]*$/.test(valueText)) return NONE;
  keysBelow(lines, ls, tok.contentCol, present);
  return { kind: 'key', path, prefix: valueText, range: { start: ls + tok.contentCol, end }, present, flow: false, colonAfter: text[end] === ':', entries };
}

function stripComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

function wordEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && /[\w.\-/]/.test(text[i] ?? '')) i++;
  return i;
}

interface Frame {
  readonly open: '[' | '{';
  index: number;
  /** In a flow mapping: the current entry's key once its `:` is seen. */
  key: string | undefined;
  entryStart: number;
  readonly entries: string[];
  readonly keys: string[];
}

/** Scans flow collections from `from` (an opening bracket) to the cursor, then to the innermost close. */
function flowSlot(text: string, from: number, offset: number, base: readonly Segment[]): Slot {
  const stack: Frame[] = [];
  let quote: number | undefined;
  const limit = Math.min(text.length, offset + 4000);
  let at: { frame: Frame; depth: number; index: number; key: string | undefined; entryStart: number; quote: number | undefined } | undefined;
  for (let i = from; i <= limit; i++) {
    if (i === offset) {
      const frame = stack[stack.length - 1];
      if (!frame) return NONE;
      at = { frame, depth: stack.length, index: frame.index, key: frame.key, entryStart: frame.entryStart, quote };
    }
    if (i === limit) break;
    const ch = text.charAt(i);
    if (quote !== undefined) {
      if (ch === text[quote]) quote = undefined;
      continue;
    }
    const top = stack[stack.length - 1];
    const current = at !== undefined && top === at.frame && top.index === at.index;
    if (ch === '"' || ch === "'") quote = i;
    else if (ch === '#' && /\s/.test(text[i - 1] ?? '')) {
      const eol = lineEndAfter(text, i);
      if (at === undefined && eol >= offset) return NONE;
      i = eol - 1;
    } else if (ch === '[' || ch === '{') {
      if (top) top.entries[top.index] = '';
      stack.push({ open: ch, index: 0, key: undefined, entryStart: i + 1, entries: [], keys: [] });
    } else if (ch === ']' || ch === '}') {
      if (top) closeEntry(text, top, i);
      stack.pop();
      if (at === undefined && stack.length === 0) return NONE;
      if (at !== undefined && stack.length < at.depth) break;
    } else if (ch === ',' && top) {
      closeEntry(text, top, i);
      top.index++;
      top.key = undefined;
      top.entryStart = i + 1;
    } else if (ch === ':' && top?.open === '{' && top.key === undefined && /[\s,\]}]/.test(text[i + 1] ?? ' ')) {
      top.key = unquote(text.slice(top.entryStart, i).trim());
      if (!current) top.keys.push(top.key);
    }
  }
  if (!at) return NONE;
  const f = at.frame;
  if (f.open === '[' && f.entries[at.index] === undefined) f.entries[at.index] = unquote(text.slice(at.entryStart, lineEndAfter(text, offset)).trim());
  const path: Segment[] = [...base];
  for (const frame of stack.slice(0, at.depth - 1)) path.push(frame.open === '[' ? frame.index : (frame.key ?? ''));
  return slotInFrame(text, offset, { ...f, index: at.index, key: at.key, entryStart: at.entryStart }, path, at.quote);
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

function closeEntry(text: string, f: Frame, at: number): void {
  if (f.open === '[' && f.entries[f.index] === undefined) f.entries[f.index] = unquote(text.slice(f.entryStart, at).trim());
}

function slotInFrame(text: string, offset: number, f: Frame, path: Segment[], quote: number | undefined): Slot {
  let start = f.entryStart;
  while (start < offset && /\s/.test(text[start] ?? '')) start++;
  if (f.open === '{' && f.key !== undefined) {
    start = text.indexOf(':', start) + 1;
    while (start < offset && /\s/.test(text[start] ?? '')) start++;
  }
  if (quote !== undefined && quote !== start) return NONE;
  const quoted = quote !== undefined;
  if (quoted) start++;
  const prefix = text.slice(start, offset);
  const end = wordEnd(text, offset);
  if (f.open === '{' && f.key === undefined) {
    return { kind: 'key', path, prefix, range: { start, end }, present: f.keys, flow: true, colonAfter: text[end] === ':', entries: [] };
  }
  const entries = f.open === '[' ? [...f.entries] : [];
  return { kind: 'value', path: [...path, f.open === '[' ? f.index : (f.key ?? '')], prefix, range: { start, end }, entries, flow: true, quoted };
}
