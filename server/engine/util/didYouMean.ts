/** "Did you mean" candidates by edit distance. */

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment): `zoen` is 1 from `zone`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] ?? 0;
}

/** Candidates close to `name` (case-insensitive), best first; at most `limit`. */
export function closest(name: string, candidates: Iterable<string>, limit = 3): string[] {
  return scored(name, candidates)
    .slice(0, limit)
    .map((s) => s.c);
}

/**
 * The one candidate closer to `name` than every other, if there is one: for values a message
 * already lists, where `r9` is as close to `r1` as to `r2` and `r3` and naming them all says nothing.
 */
export function closestUnique(name: string, candidates: Iterable<string>): string[] {
  const [best, next] = scored(name, candidates);
  return best !== undefined && (next === undefined || next.d > best.d) ? [best.c] : [];
}

function scored(name: string, candidates: Iterable<string>): { c: string; d: number }[] {
  const lower = name.toLowerCase();
  const max = Math.max(1, Math.floor(name.length / 3));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= max || (lower.length >= 3 && c.toLowerCase().startsWith(lower))) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  return scored;
}

/**
 * Berth's name for a field that Kubernetes, Nomad, Marathon or Docker Compose call otherwise
 * (lowercased): no edit distance finds `attributes` from `labels`.
 */
const FIELD_SYNONYMS: ReadonlyMap<string, string> = new Map([
  ['labels', 'attributes'],
  ['meta', 'attributes'],
  ['memory', 'mem'],
  ['replicas', 'instances'],
  ['count', 'instances'],
  ['dependencies', 'dependsOn'],
  ['depends', 'dependsOn'],
  ['cmd', 'command'],
  ['args', 'command'],
  ['environment', 'env'],
  ['restartpolicy', 'restart'],
  ['restart_policy', 'restart'],
  ['agents', 'nodes'],
]);

/** Candidates for an unknown field among `allowed`: its synonym first (see FIELD_SYNONYMS), then the closest names. */
export function closestField(field: string, allowed: readonly string[]): string[] {
  const synonym = FIELD_SYNONYMS.get(field.toLowerCase());
  const near = closest(field, allowed);
  return synonym !== undefined && allowed.includes(synonym) ? [synonym, ...near.filter((c) => c !== synonym)].slice(0, 3) : near;
}

/** `; did you mean "x"?` or the empty string. */
export function didYouMean(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  return `; did you mean ${candidates.map((c) => `"${c}"`).join(' or ')}?`;
}
