/** Minimal path arithmetic for cluster references ('/'-separated; no file system access). */

export function dirname(path: string): string {
  const p = path.replace(/\\/g, '/');
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** Resolves `ref` against the directory of `from`, normalising `.` and `..`. */
export function resolveRelative(from: string, ref: string): string {
  const r = ref.replace(/\\/g, '/');
  const base = r.startsWith('/') || /^[A-Za-z]:\//.test(r) ? '' : dirname(from);
  const joined = base ? `${base}/${r}` : r;
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && absolute) continue;
    else out.push(seg);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** Does the reference look like a file path rather than a document name? */
export function looksLikePath(ref: string): boolean {
  return /[/\\]/.test(ref) || /\.ya?ml$/i.test(ref);
}
