/**
 * Folding ranges from one pass over the lines (no YAML parse): every block that spans lines by
 * indentation (mappings, sequences and their items, block scalars, multi-line flow collections),
 * runs of comment lines, and each document of a multi-document file. Cheap enough for every
 * keystroke: a 5,000-task file folds in a few milliseconds.
 */
import { FoldingRangeKind, type FoldingRange, type ServerCapabilities } from 'vscode-languageserver';
import { MAX_TEXT_DEPTH } from '../../engine/spec/yamlText';
import { uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';

interface Open {
  readonly line: number;
  /** Indentation; a `- ` item line counts half a column deeper, so that `key:` folds items at its own indent. */
  readonly indent: number;
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const DOT = 46;
const CR = 13;

/** The folding ranges of a YAML text, 0-based lines, outer ranges first. */
export function foldingRanges(source: string): FoldingRange[] {
  // A lone CR is a line break for the editor too; keep offsets, make every break a LF.
  const text = source.includes('\r') ? source.replace(/\r(?!\n)/g, '\n') : source;
  const out: FoldingRange[] = [];
  const stack: Open[] = [];
  let lastContent = -1;
  let commentStart = -1;
  let commentEnd = -1;
  /** While inside a block scalar: the indentation its content must exceed. */
  let scalarIndent = -1;
  const documents: { start: number; end: number }[] = [];
  let docStart = -1;

  const close = (indent: number): void => {
    for (let top = stack[stack.length - 1]; top && top.indent >= indent; top = stack[stack.length - 1]) {
      stack.pop();
      if (lastContent > top.line) out.push({ startLine: top.line, endLine: lastContent });
    }
  };
  const endComments = (): void => {
    if (commentStart >= 0 && commentEnd > commentStart) out.push({ startLine: commentStart, endLine: commentEnd, kind: FoldingRangeKind.Comment });
    commentStart = -1;
  };
  const endDocument = (): void => {
    const end = Math.max(lastContent, commentStart >= 0 ? commentEnd : -1);
    if (docStart >= 0 && lastContent >= docStart) documents.push({ start: docStart, end });
    docStart = -1;
  };

  let n = -1;
  for (let ls = 0; ls <= text.length; ) {
    n++;
    const nl = text.indexOf('\n', ls);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    let le = nl < 0 ? text.length : nl;
    if (le > ls && text.charCodeAt(le - 1) === CR) le--;
    let i = ls;
    while (i < le && text.charCodeAt(i) === SPACE) i++;
    const indent = i - ls;
    ls = next;
    if (i === le) continue; // blank
    if (scalarIndent >= 0) {
      if (indent > scalarIndent) {
        lastContent = n;
        continue;
      }
      scalarIndent = -1;
    }
    const c = text.charCodeAt(i);
    if (indent === 0 && (c === DASH || c === DOT) && isMarker(text, i, le)) {
      endDocument();
      endComments();
      close(-1);
      if (c === DASH) docStart = n;
      continue;
    }
    if (docStart < 0) docStart = n;
    if (c === HASH) {
      if (commentStart < 0 || commentEnd !== n - 1) {
        endComments();
        commentStart = n;
      }
      commentEnd = n;
      continue;
    }
    endComments();
    const dash = c === DASH && (i + 1 === le || text.charCodeAt(i + 1) === SPACE);
    const effective = dash ? indent + 0.5 : indent;
    close(effective);
    // As deep as the check goes (MAX_TEXT_DEPTH), no deeper: text nested 3,000 levels gets 256 ranges, not 3,000.
    if (stack.length < MAX_TEXT_DEPTH) stack.push({ line: n, indent: effective });
    lastContent = n;
    const header = blockScalarHeader(text, i, le);
    if (header >= 0) {
      // `- |` : deeper than the dash; `- key: |` or `key: |` : deeper than the key.
      let key = i;
      if (dash) for (key = i + 1; key < le && text.charCodeAt(key) === SPACE; ) key++;
      scalarIndent = key >= header ? indent : indent + (key - i);
    }
  }
  endDocument();
  endComments();
  close(-1);
  if (documents.length > 1) {
    for (const d of documents) if (d.end > d.start) out.push({ startLine: d.start, endLine: d.end, kind: FoldingRangeKind.Region });
  }
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** `---` or `...` alone (or followed by a space) at the start of a line. */
function isMarker(text: string, i: number, le: number): boolean {
  const c = text.charCodeAt(i);
  return le - i >= 3 && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && (le - i === 3 || text.charCodeAt(i + 3) === SPACE);
}

/** The offset of a block scalar header (`|`, `>-`, `|2+`) ending the line's content, or -1. */
function blockScalarHeader(text: string, from: number, le: number): number {
  // A comment ends the content: ' #' on this line only (searching on past it made folding a
  // comment-free file quadratic: 6 s for 5,000 tasks).
  let e = le;
  for (let k = from; k + 1 < le; k++) {
    if (text.charCodeAt(k) === SPACE && text.charCodeAt(k + 1) === HASH) {
      e = k;
      break;
    }
  }
  while (e > from && text.charCodeAt(e - 1) === SPACE) e--;
  let h = e - 1;
  while (h > from && /[-+0-9]/.test(text[h] ?? '')) h--;
  const ch = text[h];
  if (ch !== '|' && ch !== '>') return -1;
  if (h === from) return h;
  return text.charCodeAt(h - 1) === SPACE && /[:?-]/.test(text[h - 2] ?? '') ? h : -1;
}

export function registerFolding(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onFoldingRanges((p) =>
    guarded(ctx.log, 'foldingRange', null, () => {
      const path = uriToPath(p.textDocument.uri);
      const text = ctx.documents.get(p.textDocument.uri)?.getText() ?? ctx.workspace.text(path);
      // Above the size limit the check skips (berth.maxFileSize), so does folding.
      if (text === undefined || text.length > ctx.workspace.limits.maxFileSize) return null;
      return foldingRanges(text);
    }),
  );
  return { foldingRangeProvider: true };
}
