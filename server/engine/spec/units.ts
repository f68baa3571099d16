// Quantities in Berth specs: cpus, memory and disk sizes, port ranges and durations.
// Pure: no I/O, no Node APIs. Bad input is returned as { kind: 'error' }, never thrown; its message
// does not name the field (the caller does: "cpus: must be at least 0.01, not 0.001").

/** A parsed quantity in its canonical unit (millicpus, MiB or milliseconds), or why it does not parse (and, when it is plain, the text meant). */
export type QuantityResult = { kind: 'ok'; value: number } | { kind: 'error'; message: string; fix?: string };

/** An inclusive range of ports, `from <= to`, both within 1..65535. */
export type PortRange = { from: number; to: number };

/** Parsed port ranges, or why they do not parse. */
export type PortRangesResult = { kind: 'ok'; value: PortRange[] } | { kind: 'error'; message: string };

const MIB = 1024 * 1024;

/** MiB per unit. Binary units are exact; decimal ones (K, M, G, T, and Kubernetes' lowercase k) are not. */
const MEMORY_UNITS: ReadonlyMap<string, number> = new Map([
  ['Ki', 1 / 1024],
  ['Mi', 1],
  ['Gi', 1024],
  ['Ti', 1024 * 1024],
  ['k', 1e3 / MIB],
  ['K', 1e3 / MIB],
  ['M', 1e6 / MIB],
  ['G', 1e9 / MIB],
  ['T', 1e12 / MIB],
]);

/**
 * Units as other tools write them (lowercased) → Berth's: `GiB` is `Gi`, `GB` is `G`, and Docker's
 * and Java's one-letter `m`, `g`, `t` are binary (`docker run --memory 4g` is 4 GiB).
 */
const UNIT_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['kib', 'Ki'],
  ['mib', 'Mi'],
  ['gib', 'Gi'],
  ['tib', 'Ti'],
  ['ki', 'Ki'],
  ['mi', 'Mi'],
  ['gi', 'Gi'],
  ['ti', 'Ti'],
  ['kb', 'k'],
  ['mb', 'M'],
  ['gb', 'G'],
  ['tb', 'T'],
  ['m', 'Mi'],
  ['g', 'Gi'],
  ['t', 'Ti'],
]);

/** Berth's spelling of a unit: itself when known, else the usual other spelling, if any. */
function unitMeant(unit: string): string | undefined {
  return MEMORY_UNITS.has(unit) ? unit : UNIT_SPELLINGS.get(unit.toLowerCase());
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const MAX_PORT = 65535;

function ok(value: number): QuantityResult {
  return { kind: 'ok', value };
}

function error(message: string): { kind: 'error'; message: string } {
  return { kind: 'error', message };
}

/** An error whose plain meaning is `fix`: the message says so, and a quick fix can write it. */
function withFix(message: string, fix: string): QuantityResult {
  return { kind: 'error', message: `${message}; did you mean "${fix}"?`, fix };
}

/** Shows a value the user wrote, for messages: strings quoted, other values by type. */
function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'nothing';
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

/** Rounds to an integer when within floating-point noise of one, else up. */
function ceilWithTolerance(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : Math.ceil(x);
}

/**
 * Parses `cpus` (a number of cores) into integer millicpus: 1.5 -> 1500.
 * Errors: not a number (with a hint for Kubernetes' "500m"), not finite, finer than 0.001, below 0.01.
 */
export function parseCpus(v: unknown): QuantityResult {
  if (typeof v !== 'number') {
    const kubernetes = typeof v === 'string' ? /^\s*([0-9]+)m\s*$/.exec(v) : null;
    if (kubernetes?.[1] !== undefined) return error(`a number of cores: write ${formatCpus(Number(kubernetes[1]))}, not ${show(v)}`);
    return error(`must be a number of cores, such as 0.5 or 2, not ${show(v)}`);
  }
  if (!Number.isFinite(v)) return error(`must be a finite number, not ${v}`);
  const milli = Math.round(v * 1000);
  if (Math.abs(v * 1000 - milli) > 1e-6 * Math.max(1, Math.abs(v))) {
    return error(`${v} is below millicpu precision (0.001)`);
  }
  if (milli < 10) return error(`must be at least 0.01, not ${v}`);
  return ok(milli);
}

/**
 * Parses `mem` or `disk` into whole MiB, rounding up. A plain integer (or digit string) is MiB;
 * a string may carry a unit: Ki Mi Gi Ti (binary) or k K M G T (decimal), e.g. "4Gi", "500M", "1.5Gi".
 */
export function parseMemory(v: unknown): QuantityResult {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return error(`not a quantity: ${v}`);
    if (v < 0) return error(`a size cannot be negative: ${v}`);
    if (!Number.isInteger(v)) return error(`a plain number is whole MiB, and ${v} is not whole: add a unit, such as "${v}Gi"`);
    return ok(v);
  }
  if (typeof v !== 'string') return error(`not a quantity: ${show(v)} (write 512 for MiB, or "512Mi", "4Gi")`);
  const text = v.trim();
  if (/^-\s*[0-9.]/.test(text)) return error(`a size cannot be negative: ${show(v)}`);
  const match = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) {
    // "8 GiB": a space between the amount and the unit.
    const spaced = /^([0-9]+(?:\.[0-9]+)?)\s+([A-Za-z]+)$/.exec(text);
    const meant = spaced?.[2] === undefined ? undefined : unitMeant(spaced[2]);
    return meant === undefined || spaced?.[1] === undefined ? error(`not a quantity: ${show(v)}`) : withFix(`not a quantity: ${show(v)}`, `${spaced[1]}${meant}`);
  }
  const amount = Number(match[1]);
  const unit = match[2];
  if (unit === '') {
    if (!Number.isInteger(amount)) return error(`a plain number is whole MiB, and ${show(v)} is not whole: add a unit, such as "${text}Gi"`);
    return ok(amount);
  }
  const perUnit = MEMORY_UNITS.get(unit);
  if (perUnit === undefined) {
    const meant = unitMeant(unit);
    return meant === undefined ? error(`unknown unit "${unit}" (use Mi, Gi, Ti, M, G or T)`) : withFix(`unknown unit "${unit}"`, `${match[1]}${meant}`);
  }
  return ok(ceilWithTolerance(amount * perUnit));
}

/**
 * Formats MiB in the largest binary unit that shows it exactly in at most two decimals:
 * 4096 -> "4Gi", 1536 -> "1.5Gi", 512 -> "512Mi", 1048576 -> "1Ti", 1100 -> "1100Mi".
 */
export function formatMemory(mib: number): string {
  if (mib === 0) return '0';
  for (const [unit, size] of [['Ti', 1024 * 1024], ['Gi', 1024]] as const) {
    if (Math.abs(mib) >= size && Number.isInteger((mib / size) * 100)) return `${mib / size}${unit}`;
  }
  return `${Math.round(mib * 100) / 100}Mi`;
}

/** Formats millicpus as cores without trailing zeros: 1500 -> "1.5", 2000 -> "2", 10 -> "0.01". */
export function formatCpus(milli: number): string {
  return String(Math.round(milli) / 1000);
}

function parsePortItem(v: unknown): PortRangesResult {
  let from: number;
  let to: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return error(`a port must be a whole number, not ${v}`);
    from = to = v;
  } else if (typeof v === 'string') {
    const match = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(v);
    if (match?.[1] === undefined) return error(`not a port or port range: ${show(v)} (write "31000-31099" or 8080)`);
    from = Number(match[1]);
    to = match[2] === undefined ? from : Number(match[2]);
  } else {
    return error(`not a port or port range: ${show(v)} (write "31000-31099" or 8080)`);
  }
  for (const port of [from, to]) {
    if (port < 1 || port > MAX_PORT) return error(`port ${port} is outside 1..${MAX_PORT}`);
  }
  if (from > to) return error(`port range ${show(v)} is reversed: write "${to}-${from}"`);
  return { kind: 'ok', value: [{ from, to }] };
}

/**
 * Parses a node's `ports`: "31000-31099", "8080", 8080, or an array of those, into ranges in the
 * order written (not merged). Every port must be in 1..65535 and every range ascending.
 */
export function parsePortRanges(v: unknown): PortRangesResult {
  if (!Array.isArray(v)) return parsePortItem(v);
  const ranges: PortRange[] = [];
  for (const item of v) {
    const parsed = parsePortItem(item);
    if (parsed.kind === 'error') return parsed;
    ranges.push(...parsed.value);
  }
  return { kind: 'ok', value: ranges };
}

/** Parses a duration such as "500ms", "5s", "1m" or "1h" into milliseconds. A bare number is an error (no unit). */
export function parseDuration(v: unknown): QuantityResult {
  if (typeof v === 'number') return error(`a duration needs a unit: write "${v}s" or "${v}ms"`);
  const match = typeof v === 'string' ? /^([0-9]+)(ms|s|m|h)$/.exec(v) : null;
  const perUnit = match?.[2] === undefined ? undefined : DURATION_UNITS[match[2]];
  if (match?.[1] === undefined || perUnit === undefined) return error(`not a duration: ${show(v)} (write "500ms", "5s", "1m" or "1h")`);
  return ok(Number(match[1]) * perUnit);
}

/**
 * Spots a size that is almost certainly a unit slip: a plain number (or digit string) of 1..63 MiB.
 * Returns the suggested replacement ("4" -> "4Gi"), or undefined when the value is plausible.
 */
export function implausibleMemory(mib: number, raw: unknown): string | undefined {
  const plain = typeof raw === 'number' || (typeof raw === 'string' && /^\s*[0-9]+\s*$/.test(raw));
  if (!plain || !Number.isInteger(mib) || mib < 1 || mib > 63) return undefined;
  return `${mib}Gi`;
}
