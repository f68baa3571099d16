/** The embedded allocator and failover simulator (SPEC.md §3): the public API. */
export { allocate } from './allocate';
/** An input compiled once for allocate() and simulateFailover() on the same input. */
export { createContext, type Context as CompiledInput } from './compiledInput';
export { explainTask } from './explain';
/** PlanScanMemo: what lets a plan after an edit keep the choices and failover scenarios of the plan before (opaque). */
export { planAndSimulate, simulateFailover, type PlanAndScans, type PlanScanMemo } from './simulateFailover';
/** The reference re-placement after a loss: what the preview's scenario and the live controller do. */
export { scenarioByAllocate } from './failover';
/** Thrown by a scan whose caller asked it to stop (FailoverOptions.interrupted). */
export { Interrupted } from './failover';
export { formatCpus, formatMiB, formatResources } from './format';
export type {
  AllocationInput,
  AllocationJob,
  CapacitySuggestion,
  ConstraintReport,
  DimensionReport,
  Eviction,
  Explanation,
  FailoverLoss,
  FailoverMove,
  FailoverOptions,
  FailoverReport,
  FailoverScenario,
  Plan,
  PlanNode,
  TaskResult,
} from './types';
