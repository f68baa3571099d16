/**
 * Text-level helpers of the parser, around the `yaml` library: the nesting guard that runs before
 * it, and corrections of where and how it reports (spans of block collections, unclosed quotes,
 * messages).
 */
import type { Problem } from './model';

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
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line: its indentation, unless inside a flow collection.
    let col = 0;
    while (i + col < n && text.charCodeAt(i + col) === 32) col++;
    const first = text[i + col];
    if (flow === 0 && first !== undefined && first !== '\n' && first !== '\r' && first !== '#') {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= col) indents.pop();
      indents.push(col);
      if (indents.length > MAX_TEXT_DEPTH) return i + col;
    }
    i += col;
    let quote = '';
    for (; i < n; i++) {
      const c = text[i];
      if (c === '\n') break;
      if (quote !== '') {
        if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else if (c === '[' || c === '{') {
        if (++flow > MAX_TEXT_DEPTH) return i;
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    i++;
  }
  return undefined;
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
