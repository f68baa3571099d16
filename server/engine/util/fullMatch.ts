/**
 * The LIKE / UNLIKE patterns: RE2 regular expressions (re2js, pure JavaScript), matched against a
 * whole attribute value as Marathon's `value.matches(regex)` does. RE2 never backtracks, so a match
 * takes time linear in the value whatever the pattern ("(a+)+" against 40 a's and a '!' hung the
 * analysis with JavaScript's engine). What RE2 refuses (backreferences, lookaround) is reported
 * with the reason, and such a constraint fails on every node.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

export type FullMatch = { readonly kind: 'pattern'; readonly matches: (value: string) => boolean } | { readonly kind: 'refused'; readonly reason: string };

/** `pattern` compiled to match whole values, or why RE2 refuses it. */
export function compileFullMatch(pattern: string): FullMatch {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    if (err instanceof RE2JSException) return { kind: 'refused', reason: refusal(pattern, err) };
    throw err;
  }
  return { kind: 'pattern', matches: (value) => re.testExact(value) };
}

/** The features of other dialects that RE2 leaves out on purpose, by how they start. */
const UNSUPPORTED: readonly { readonly at: RegExp; readonly what: string }[] = [
  { at: /\\[1-9]|\\k</, what: 'backreferences' },
  { at: /\(\?<?[=!]/, what: 'lookahead and lookbehind' },
  { at: /[*+?}]\+/, what: 'possessive quantifiers' },
  { at: /\(\?>/, what: 'atomic groups' },
];

/** RE2's reason in plain words ("missing closing )"), with the part it names when that is not the whole pattern. */
function refusal(pattern: string, err: RE2JSException): string {
  const unsupported = UNSUPPORTED.find((u) => u.at.test(pattern));
  if (unsupported) return `${unsupported.what} are not supported (patterns are RE2, matched without backtracking)`;
  if (!(err instanceof RE2JSSyntaxException)) return err.message;
  const part = err.getPattern();
  return part && part !== pattern ? `${err.getDescription()}: ${part}` : err.getDescription();
}
