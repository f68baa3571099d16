/**
 * What is at an offset of a Berth file. Two views, both pure functions over text:
 * - `locateInDocument`: for parsed text, the deepest JSON pointer whose key or value contains the
 *   offset (hover, and anything that needs the parsed node);
 * - `slotAt` (in completionSlot.ts): for text being typed (often not valid YAML yet), the path of the
 *   mapping or value at the cursor from indentation, `- ` items and flow brackets (completion).
 */
import type { Span } from '../engine/model';
import { escapePointer, isRecord, type Segment, type SpecDocument } from '../engine/spec/specDocument';


export interface SpecLocation {
  /** Path from the document's root to the node under the offset (`['tasks', 1, 'name']`). */
  readonly segments: readonly Segment[];
  readonly pointer: string;
  /** On the key of a mapping entry, or on a value. */
  readonly on: 'key' | 'value';
  /** The key's span (on a key) or the value's span. */
  readonly span: Span;
  readonly value: unknown;
}

function contains(s: Span, offset: number): boolean {
  return s.start <= offset && offset <= s.end;
}

/** The document of a file that holds `offset` (the last one starting at or before it). */
export function documentAt<D extends { readonly span: Span }>(docs: readonly D[], offset: number): D | undefined {
  let found: D | undefined;
  for (const d of docs) if (d.span.start <= offset) found = d;
  return found;
}

/** The deepest node whose key span or value span contains `offset`, or undefined when outside. */
export function locateInDocument(doc: SpecDocument, offset: number): SpecLocation | undefined {
  // The document's own span: in a chunked parse the root mapping's span stops before the list.
  if (!contains(doc.span, offset)) return undefined;
  const segments: Segment[] = [];
  let pointer = '';
  let value = doc.value;
  let span = doc.nodes.get('')?.span ?? doc.span;
  for (;;) {
    const next = childAt(doc, pointer, value, offset);
    if (!next) break;
    segments.push(next.segment);
    pointer = next.pointer;
    value = next.value;
    if (next.keySpan && contains(next.keySpan, offset)) return { segments, pointer, on: 'key', span: next.keySpan, value };
    span = next.span;
  }
  return { segments, pointer, on: 'value', span, value };
}

interface Child {
  readonly segment: Segment;
  readonly pointer: string;
  readonly value: unknown;
  readonly span: Span;
  readonly keySpan: Span | undefined;
}

function childAt(doc: SpecDocument, pointer: string, value: unknown, offset: number): Child | undefined {
  if (Array.isArray(value)) return itemAt(doc, pointer, value, offset);
  if (!isRecord(value)) return undefined;
  let inValue: Child | undefined;
  for (const key of Object.keys(value)) {
    const p = `${pointer}/${escapePointer(key)}`;
    const info = doc.nodes.get(p);
    if (!info) continue;
    const child = { segment: key, pointer: p, value: value[key], span: info.span, keySpan: info.keySpan };
    if (info.keySpan && contains(info.keySpan, offset)) return child;
    if (!inValue && contains(info.span, offset)) inValue = child;
  }
  return inValue;
}

/** Binary search by span start: the last item starting at or before the offset (lists are long). */
function itemAt(doc: SpecDocument, pointer: string, items: readonly unknown[], offset: number): Child | undefined {
  let lo = 0;
  let hi = items.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const info = doc.nodes.get(`${pointer}/${mid}`);
    if (!info) return scanItems(doc, pointer, items, offset);
    if (info.span.start <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best < 0) return undefined;
  const p = `${pointer}/${best}`;
  const info = doc.nodes.get(p);
  return info && contains(info.span, offset) ? { segment: best, pointer: p, value: items[best], span: info.span, keySpan: undefined } : undefined;
}

function scanItems(doc: SpecDocument, pointer: string, items: readonly unknown[], offset: number): Child | undefined {
  for (let i = 0; i < items.length; i++) {
    const p = `${pointer}/${i}`;
    const info = doc.nodes.get(p);
    if (info && contains(info.span, offset)) return { segment: i, pointer: p, value: items[i], span: info.span, keySpan: undefined };
  }
  return undefined;
}

