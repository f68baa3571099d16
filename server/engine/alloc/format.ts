/** Quantities in words: cpus as decimals ("1.5"), mem and disk in Mi/Gi/Ti, integers elsewhere. */
import type { Resources } from '../model';

/** Millicpus as a decimal number of cpus: 1500 → "1.5", 2000 → "2", 250 → "0.25". */
export function formatCpus(millicpus: number): string {
  const m = Math.round(millicpus);
  const sign = m < 0 ? '-' : '';
  const a = Math.abs(m);
  const whole = Math.floor(a / 1000);
  const frac = a % 1000;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** MiB with a binary unit: 512 → "512Mi", 2048 → "2Gi", 1536 → "1.5Gi", 1048576 → "1Ti". */
export function formatMiB(mib: number): string {
  const v = Math.round(mib);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a % 1048576 === 0) return `${v / 1048576}Ti`;
  if (a % 1024 === 0) return `${v / 1024}Gi`;
  if (a >= 1024) return `${trim((v / 1024).toFixed(2))}Gi`;
  return `${v}Mi`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

export const DIMENSION_NAMES = ['cpus', 'mem', 'disk', 'gpus', 'ports'] as const;

/** A quantity of dimension d (0 cpus, 1 mem, 2 disk, 3 gpus, 4 ports) in words, without the unit name. */
export function formatQuantity(d: number, v: number): string {
  if (d === 0) return formatCpus(v);
  if (d === 1 || d === 2) return formatMiB(v);
  return String(v);
}

/** "1 cpu, 2Gi mem, 2Gi disk" (zero dimensions left out). */
export function formatResources(r: Resources): string {
  const parts: string[] = [];
  if (r.cpus > 0) parts.push(`${formatCpus(r.cpus)} ${r.cpus === 1000 ? 'cpu' : 'cpus'}`);
  if (r.mem > 0) parts.push(`${formatMiB(r.mem)} mem`);
  if (r.disk > 0) parts.push(`${formatMiB(r.disk)} disk`);
  if (r.gpus > 0) parts.push(`${r.gpus} ${r.gpus === 1 ? 'gpu' : 'gpus'}`);
  return parts.join(', ');
}

/** "node1", "node1 and node2", "node1, node2, node3 and 4 more". */
export function formatNames(names: readonly string[], max = 3, conjunction: 'and' | 'or' = 'and'): string {
  if (names.length <= 1) return names.join('');
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
  return `${names.slice(0, max).join(', ')} ${conjunction} ${names.length - max} more`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
