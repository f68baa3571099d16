/** Timing helpers shared by the benchmarks. */
import { performance } from 'node:perf_hooks';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** Median ms of `runs` timed calls after `warmup` untimed ones. */
export function time(fn: () => void, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

export function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}

/** Median ms of `runs` timed calls of `measure`, each after an untimed `prepare(i)`; `warmup` pairs first. */
export function timeEach(prepare: (i: number) => void, measure: () => void, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) {
    prepare(i);
    measure();
  }
  const xs: number[] = [];
  for (let i = warmup; i < warmup + runs; i++) {
    prepare(i);
    const t0 = performance.now();
    measure();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
