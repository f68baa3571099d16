/**
 * Formatting that keeps comments: the text goes through the `yaml` library's Document (comments,
 * blank lines, key order, quotes, flow collections and anchors kept), re-indented by the editor's
 * tab size, then two touches so the examples' own style is a fixed point: no padding inside flow
 * sequences (`[db, cache]`, while maps keep `{ cpus: 1 }`), and folded block scalars keep their
 * line breaks. The result is verified before it is offered — it must parse to the same values and
 * carry the same comments in the same order — so nothing is ever lost; a file with a syntax error,
 * or one the check refuses, gets no edits. Edits are line hunks, not one whole-file replacement.
 *
 * Bounded on hostile text: text nested deeper than the check's limit (MAX_TEXT_DEPTH) is never
 * given to the library, and the verification compares syntax trees, with an alias as its name,
 * never expanded (a "billion laughs" of nine levels of ten aliases expands to 10^9 values).
 */
import { isDeepStrictEqual } from 'node:util';
import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, parseAllDocuments, Parser, type Document } from 'yaml';
import type { ServerCapabilities, TextEdit } from 'vscode-languageserver';
import { isBerthFile } from '../../engine/checkSpec';
import type { Lines } from '../../engine/util/lineIndex';
import { MAX_TEXT_DEPTH, tooDeepAt } from '../../engine/spec/yamlText';
import { toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';

export type FormatResult = { kind: 'formatted'; text: string } | { kind: 'refused'; reason: string };

/** A `>` block scalar header ending a line (a cheap test before the CST pass that needs one). */
const FOLDED_HEADER = /(?:^|[:?-][ \t]+)>[-+0-9]*[ \t]*(?:#.*)?\r?$/m;

const CONTROL = new Set(['\u0002', '\u0018', '\u001f', '\ufeff']);

/**
 * Formatting gives up once it has worked this long (checked between its passes, each a parse or a
 * print of the whole text): a request must not hold up the requests behind it for seconds.
 */
export const FORMAT_BUDGET_MS = 1500;

/** The canonical form of a YAML text, or why it is left alone. */
export function formatYaml(text: string, tabSize = 2, budgetMs = FORMAT_BUDGET_MS): FormatResult {
  const deadline = performance.now() + budgetMs;
  const late = (): FormatResult | undefined => (performance.now() > deadline ? { kind: 'refused', reason: `formatting took more than ${budgetMs} ms` } : undefined);
  if (tooDeepAt(text) !== undefined) return { kind: 'refused', reason: `the file nests more than ${MAX_TEXT_DEPTH} levels deep` };
  const docs = parseAll(text);
  if (docs.length === 0) return { kind: 'refused', reason: 'nothing to format' };
  if (docs.some((d) => d.errors.length > 0)) return { kind: 'refused', reason: 'the file has YAML syntax errors' };
  const parsed = late();
  if (parsed) return parsed;
  const indent = Math.max(1, Math.min(8, Math.round(tabSize) || 2));
  // A huge line width: never fold long strings or break flow collections (0 breaks `!!binary`).
  const raw = docs.map((d) => d.toString({ indent, indentSeq: true, lineWidth: 1e9, minContentWidth: 0, flowCollectionPadding: true })).join('');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finish = (s: string): string => {
    let out = eol === '\n' ? s : s.replace(/\n/g, eol);
    if (!/[\r\n]$/.test(text)) out = out.replace(/(\r\n|\n)+$/, '');
    return text.startsWith('\ufeff') && !out.startsWith('\ufeff') ? `\ufeff${out}` : out;
  };
  let expected: { values: unknown[][]; comments: string[] } | undefined;
  const printed = late();
  if (printed) return printed;
  const unpadded = unpadFlowSequences(raw);
  const folded = unpadded !== undefined && FOLDED_HEADER.test(text) ? keepFoldedBreaks(text.replace(/\r\n/g, '\n'), unpadded) : undefined;
  for (const candidate of [folded, unpadded, raw]) {
    if (candidate === undefined) continue;
    const out = finish(candidate);
    if (out === text) return { kind: 'formatted', text: out }; // already canonical: nothing to verify
    const verifying = late();
    if (verifying) return verifying;
    expected ??= { values: docs.map((d) => treeOf(d.contents)), comments: commentsOf(text) };
    if (same(out, expected.values, expected.comments)) return { kind: 'formatted', text: out };
  }
  return { kind: 'refused', reason: 'the formatted text would not keep every value and comment' };
}

function parseAll(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  return Array.isArray(docs) ? (docs as Document.Parsed[]) : [];
}

function same(out: string, values: readonly (readonly unknown[])[], comments: readonly string[]): boolean {
  const docs = parseAll(out);
  if (docs.length !== values.length || docs.some((d) => d.errors.length > 0)) return false;
  if (!docs.every((d, k) => sameTrees(treeOf(d.contents), values[k] ?? []))) return false;
  return isDeepStrictEqual(commentsOf(out), comments);
}

/**
 * A document's values as a flat list to compare: scalars by value, collections as brackets around
 * their items (a map's keys and values in order), anchors and tags kept, an alias by its name
 * (never expanded). Flat, compared item by item: nested objects and a deep comparison took twice
 * as long on a 300-task clique. Recursion is bounded: the text was refused above MAX_TEXT_DEPTH levels.
 */
function treeOf(node: unknown, out: unknown[] = []): unknown[] {
  if (isAlias(node)) {
    out.push('*', node.source);
    return out;
  }
  if (isScalar(node) || isSeq(node) || isMap(node)) {
    if (node.anchor !== undefined) out.push('&', node.anchor);
    if (node.tag !== undefined) out.push('!', node.tag);
  }
  if (isScalar(node)) out.push('=', node.value);
  else if (isSeq(node)) {
    out.push('[');
    for (const item of node.items) treeOf(item, out);
    out.push(']');
  } else if (isMap(node)) {
    out.push('{');
    for (const p of node.items) {
      if (isPair(p)) {
        treeOf(p.key, out);
        treeOf(p.value, out);
      } else out.push(null, null);
    }
    out.push('}');
  } else out.push('=', node ?? null);
  return out;
}

function sameTrees(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!Object.is(x, y) && !(typeof x === 'object' && x !== null && isDeepStrictEqual(x, y))) return false;
  }
  return true;
}

function commentsOf(text: string): string[] {
  const out: string[] = [];
  for (const token of new Lexer().lex(text)) if (token.startsWith('#')) out.push(token.trimEnd());
  return out;
}

/** `[ a, b ]` → `[a, b]` on one line (multi-line sequences keep their layout); undefined if the tokens do not add up. */
function unpadFlowSequences(text: string): string | undefined {
  const tokens: string[] = [];
  for (const t of new Lexer().lex(text)) if (!(t.length === 1 && CONTROL.has(t))) tokens.push(t);
  if (tokens.join('') !== text) return undefined;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // Only a run of blanks after `[` or before `]` is dropped (a character test per token: a regex per token showed in profiles of a 10,000-task job).
    if (t === undefined || !isBlank(t)) {
      if (t !== undefined) out.push(t);
      continue;
    }
    const next = tokens[i + 1];
    if (tokens[i - 1] === '[' && next !== undefined && !/^[\r\n#]/.test(next)) continue;
    if (next === ']' && out.length > 0 && !/[\r\n]$/.test(out[out.length - 1] ?? '')) continue;
    out.push(t);
  }
  return out.join('');
}

function isBlank(t: string): boolean {
  if (t.length === 0) return false;
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

interface BlockScalar {
  readonly header: string;
  /** Offset of the body's first character (after the header line). */
  readonly bodyStart: number;
  readonly body: string;
}

function foldedScalars(text: string): BlockScalar[] | undefined {
  const out: BlockScalar[] = [];
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type !== 'document') continue;
      CST.visit(token, (item) => {
        const v = item.value;
        if (v?.type !== 'block-scalar') return;
        const header = v.props.find((p) => p.type === 'block-scalar-header');
        const last = v.props[v.props.length - 1];
        if (!header || !last || !sourceOf(header).startsWith('>')) return;
        out.push({ header: sourceOf(header), bodyStart: last.offset + sourceOf(last).length, body: v.source });
      });
    }
  } catch {
    return undefined; // the caller then keeps the library's layout, which is verified anyway
  }
  return out;
}

function sourceOf(t: CST.Token): string {
  return 'source' in t && typeof t.source === 'string' ? t.source : '';
}

/**
 * The library re-folds `>` scalars to its line width; put back the author's line breaks, re-indented
 * to the new depth (scalars with an explicit indentation indicator are left as the library wrote them).
 */
function keepFoldedBreaks(source: string, formatted: string): string | undefined {
  const before = foldedScalars(source);
  const after = foldedScalars(formatted);
  if (!before || !after || before.length !== after.length || after.length === 0) return after?.length === 0 ? formatted : undefined;
  let out = '';
  let at = 0;
  after.forEach((a, k) => {
    const b = before[k];
    if (/\d/.test(b.header) || /\d/.test(a.header)) return;
    const [content, tail] = splitTail(a.body);
    const [bContent] = splitTail(b.body);
    const to = ' '.repeat(minIndent(content));
    const from = minIndent(bContent);
    const lines = bContent.split('\n').map((l) => (l.trim() === '' ? '' : to + l.slice(from)));
    out += formatted.slice(at, a.bodyStart) + lines.join('\n') + tail;
    at = a.bodyStart + a.body.length;
  });
  return out + formatted.slice(at);
}

/** A body's lines up to its last non-blank one (without the newline), and the rest. */
function splitTail(body: string): [string, string] {
  const m = /\S[^\n]*(?=\n?\s*$)/.exec(body);
  if (!m) return ['', body];
  const end = m.index + m[0].length;
  return [body.slice(0, end), body.slice(end)];
}

function minIndent(body: string): number {
  let min = Infinity;
  for (const l of body.split('\n')) if (l.trim() !== '') min = Math.min(min, l.length - l.trimStart().length);
  return min === Infinity ? 0 : min;
}

/** The line hunks that turn `before` into `after` (a greedy alignment with a short look-ahead). */
export function lineEdits(before: string, after: string, index: Lines): TextEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const offsets = [0];
  for (const l of a) offsets.push((offsets[offsets.length - 1] ?? 0) + l.length);
  const edits: TextEdit[] = [];
  const hunk = (i: number, di: number, j: number, dj: number): void => {
    const range = toRange(index, { start: offsets[i] ?? 0, end: offsets[i + di] ?? before.length });
    const last = edits[edits.length - 1];
    const newText = b.slice(j, j + dj).join('');
    if (last && last.range.end.line === range.start.line && last.range.end.character === range.start.character) {
      edits[edits.length - 1] = { range: { start: last.range.start, end: range.end }, newText: last.newText + newText };
    } else edits.push({ range, newText });
  };
  const LOOK = 12;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    let found: [number, number] | undefined;
    for (let sum = 1; sum <= 2 * LOOK && !found; sum++) {
      for (let di = Math.max(0, sum - LOOK); di <= Math.min(sum, LOOK); di++) {
        const dj = sum - di;
        if (i + di <= a.length && j + dj <= b.length && (i + di === a.length ? j + dj === b.length : a[i + di] === b[j + dj])) {
          found = [di, dj];
          break;
        }
      }
    }
    const [di, dj] = found ?? [Math.min(1, a.length - i), Math.min(1, b.length - j)];
    hunk(i, di, j, dj);
    i += di;
    j += dj;
  }
  return edits;
}

/** Lines with their line ends (the last one may have none). */
function splitLines(text: string): string[] {
  const out = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return out;
}

export function registerFormatting(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onDocumentFormatting((p) =>
    guarded(ctx.log, 'formatting', [], () => {
      const path = uriToPath(p.textDocument.uri);
      const text = ctx.documents.get(p.textDocument.uri)?.getText() ?? ctx.workspace.text(path);
      if (text === undefined || !(ctx.workspace.isOpen(path) || isBerthFile(path, text))) return [];
      if (text.length > ctx.workspace.limits.maxDocumentSize) {
        ctx.log(`[format] ${path}: not formatted: above the size limit (berth.analysis.maxDocumentSize)`);
        return [];
      }
      const result = formatYaml(text, p.options.tabSize);
      if (result.kind === 'refused') {
        ctx.log(`[format] ${path}: not formatted: ${result.reason}`);
        return [];
      }
      return result.text === text ? [] : lineEdits(text, result.text, ctx.positions.index(path, text));
    }),
  );
  return { documentFormattingProvider: true };
}
