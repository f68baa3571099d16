/** simulateFailover(): every scenario of SPEC.md §3, whether the job is safe, and what would make it so. */
import { allocateState } from './allocate';
import { type Context, createContext } from './compiledInput';
import { checkpoint, enumerateScenarios, FailoverSimulator, isSafe } from './failover';
import type { PlanMemo } from './planHints';
import { ScenarioCache, type ScanMemo } from './scenarioCache';
import { suggestCapacity } from './capacitySuggestion';
import type { AllocationInput, FailoverOptions, FailoverReport, FailoverScenario, Plan } from './types';

/** Above this many distinct stranded tasks no capacity suggestion is computed. */
export const SUGGEST_MAX_STRANDED = 64;

/** `ctx`: createContext(input), when the caller compiled it already (as for allocate). */
export function simulateFailover(input: AllocationInput, plan: Plan, options: FailoverOptions, ctx: Context = createContext(input)): FailoverReport {
  return report(ctx, input, plan, options, new ScenarioCache(ctx, input.nodes, input.down, new FailoverSimulator(ctx, input, plan), undefined, false));
}

/** What a call on an edited input (`previous`) can keep of this one: the greedy pass's choices and the scenarios. */
export interface PlanScanMemo {
  readonly plan: PlanMemo | undefined;
  readonly scan: ScanMemo | undefined;
}

export interface PlanAndScans {
  readonly plan: Plan;
  readonly reports: FailoverReport[];
  /** For the next call on an edited input (`keep.previous`); empty unless asked to `keep`. */
  readonly memo: PlanScanMemo;
  /** Scenarios kept from `previous`, and run; greedy choices kept from it, and searched. */
  readonly scenarios: { readonly kept: number; readonly run: number };
  readonly choices: { readonly kept: number; readonly searched: number };
}

/**
 * allocate() and simulateFailover() for each of `scans` on one compiled input: the same results,
 * but the scenarios start from the state the plan ended in instead of placing the plan again, a
 * scenario two scans share runs once, and with `keep` the call records what the next one after an
 * edit can keep, and keeps what `keep.previous` (that record of the call before the edit) allows:
 * the greedy pass's choices (planHints.ts) and the scenarios the edit cannot have changed (scenarioCache.ts).
 */
export function planAndSimulate(
  input: AllocationInput,
  scans: readonly FailoverOptions[],
  ctx: Context = createContext(input),
  /** Record a memo for the next call on an edited input (costs a little), and take `previous`'s. */
  keep?: { readonly previous?: PlanScanMemo },
): PlanAndScans {
  const { plan, st, memo: planMemo, hints } = allocateState(input, ctx, keep === undefined ? undefined : { previous: keep.previous?.plan });
  const choices = hints === undefined ? { kept: 0, searched: 0 } : { ...hints.counts };
  if (scans.length === 0) return { plan, reports: [], memo: { plan: planMemo, scan: undefined }, scenarios: { kept: 0, run: 0 }, choices };
  // Every scenario rolls the state back, so one simulator serves every scan.
  const cache = new ScenarioCache(ctx, input.nodes, input.down, new FailoverSimulator(ctx, input, plan, st), keep?.previous?.scan, keep !== undefined);
  const reports = scans.map((options) => report(ctx, input, plan, options, cache));
  return { plan, reports, memo: { plan: planMemo, scan: cache.memo() }, scenarios: { ...cache.counts }, choices };
}

function report(ctx: Context, input: AllocationInput, plan: Plan, options: FailoverOptions, cache: ScenarioCache): FailoverReport {
  const { scenarios: specs, truncated } = enumerateScenarios(ctx, input.down, options);
  const scenarios: FailoverScenario[] = specs.map((s) => {
    checkpoint(options);
    // Built field by field: a thousand object spreads per keystroke showed in profiles.
    const { moves, evicted, unplaced } = cache.outcome(s.lost);
    return s.domain === undefined ? { lost: s.lost, kind: s.kind, moves, evicted, unplaced } : { lost: s.lost, kind: s.kind, domain: s.domain, moves, evicted, unplaced };
  });
  const safe = isSafe(input, scenarios, options.job);
  const report: FailoverReport = { safe, scenarios, truncated };
  if (safe || options.suggest === false) return report;
  // A suggestion re-runs every scenario round after round: worth it when a few tasks are
  // stranded, not when a lost zone strands hundreds (no "add X to node Y" answers that).
  const stranded = new Set(scenarios.flatMap((s) => s.unplaced.map((u) => u.task)));
  if (stranded.size > SUGGEST_MAX_STRANDED) return report;
  const suggestion = suggestCapacity(input, plan, options);
  return suggestion === undefined ? report : { ...report, suggestion };
}
