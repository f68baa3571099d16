/**
 * Why a task is where it is, or nowhere: computed only on request, from the plan.
 * Like Nomad's plan output, but every reason counts: constraints filter nodes first (each
 * constraint lists every up node it rules out), then every dimension a remaining node lacks is
 * counted ("cpus exhausted on 2 nodes (needs 2, most free 1 on node1)"). With a node: why not there.
 */
import type { Constraint } from '../model';
import { blockers, downMask } from './state';
import { type CompiledConstraint, Dyn, staticAccepts } from './constraints';
import { type Context, createContext } from './compiledInput';
import { D } from './nodeTables';
import { DIMENSION_NAMES, formatNames, formatQuantity, plural } from './format';
import { type CountChecks, countChecks, countFails } from './search';
import { AllocState, PLACED } from './state';
import type { AllocationInput, DimensionReport, Explanation, Plan } from './types';

export function explainTask(input: AllocationInput, plan: Plan, taskId: string, node?: string): Explanation {
  const ctx = createContext(input);
  const k = ctx.taskIndex.get(taskId);
  if (k === undefined) return { summary: `no task ${taskId}`, dimensions: [], constraints: [] };
  return explainIn(ctx, stateOfPlan(ctx, plan, input.down), k, node);
}

/** The state a plan describes: its placements (as placed), nothing checked. */
export function stateOfPlan(ctx: Context, plan: Plan, down: ReadonlySet<string> | undefined): AllocState {
  const st = new AllocState(ctx, downMask(ctx, down));
  for (const [id, r] of plan.tasks) {
    if (r.kind !== 'placed') continue;
    const k = ctx.taskIndex.get(id);
    const i = ctx.nodeIndex.get(r.node);
    if (k !== undefined && i !== undefined) st.place(k, i, true);
  }
  return st;
}

interface NodeVerdict {
  /** Reasons from constraints, then from resources and ports. */
  readonly constraintReasons: string[];
  readonly failedConstraints: number[];
  readonly resourceReasons: string[];
  readonly failedDims: boolean[];
}

/** The explanation of task k in a state (the task, if placed, is judged as if it were not there). */
export function explainIn(ctx: Context, st: AllocState, k: number, nodeName?: string): Explanation {
  const placedOn = st.status[k] === PLACED ? st.nodeOf[k] : -1;
  const wasCurrent = st.current[k] === 1;
  if (placedOn >= 0) st.remove(k);
  try {
    return explainUnplacedView(ctx, st, k, placedOn, nodeName);
  } finally {
    if (placedOn >= 0) st.place(k, placedOn, wasCurrent);
  }
}

function explainUnplacedView(ctx: Context, st: AllocState, k: number, placedOn: number, nodeName?: string): Explanation {
  const group = ctx.groups[ctx.taskGroup[k]];
  const checks = countChecks(ctx, st, k);
  const N = ctx.nodes.length;
  const verdicts: (NodeVerdict | undefined)[] = [];
  for (let i = 0; i < N; i++) verdicts.push(st.down[i] === 1 ? undefined : judge(ctx, st, k, checks, i));

  const constraints = group.constraints.map((c, ci) => ({
    constraint: c.source,
    filtered: verdicts.flatMap((v, i) => (v !== undefined && v.failedConstraints.includes(ci) ? [ctx.nodes[i].name] : [])),
  }));
  const passing = verdicts.flatMap((v, i) => (v !== undefined && v.failedConstraints.length === 0 ? [i] : []));
  const dimensions: DimensionReport[] = [];
  for (let d = 0; d < D; d++) {
    const failing = passing.filter((i) => (verdicts[i] as NodeVerdict).failedDims[d]);
    if (failing.length === 0) continue;
    // The most free of the nodes that lack it: the one closest to taking the task (a node with room
    // in this dimension lacks another, and "needs 3Gi, most free 3Gi" would read as a contradiction).
    let mostFree = -Infinity;
    let mostFreeNode = '';
    for (const i of failing) {
      const f = d === 4 ? st.free[i * D + d] - ctx.fixed[k].length : st.free[i * D + d];
      if (f > mostFree) {
        mostFree = f;
        mostFreeNode = ctx.nodes[i].name;
      }
    }
    const needs = d === 4 ? ctx.tasks[k].ports.dynamic : ctx.dem[k * D + d];
    dimensions.push({ dimension: DIMENSION_NAMES[d], nodes: failing.length, needs, mostFree: Math.max(0, mostFree), mostFreeNode });
  }

  const blockedBy = placedOn < 0 ? blockers(ctx, st.groupPlaced, k) : undefined;
  const summary = placedOn >= 0 ? placedSummary(ctx, st, k, placedOn) : unplacedSummary(ctx, st, k, blockedBy, dimensions, constraints, passing, verdicts);
  const out: { -readonly [K in keyof Explanation]: Explanation[K] } = { summary, dimensions, constraints };
  if (blockedBy !== undefined) out.blockedBy = blockedBy;
  if (nodeName !== undefined) {
    const i = ctx.nodeIndex.get(nodeName);
    let reasons: string[];
    if (i === undefined) reasons = ['no such node'];
    else if (st.down[i] === 1) reasons = ['down'];
    else {
      const v = verdicts[i] as NodeVerdict;
      reasons = [...v.constraintReasons, ...v.resourceReasons];
    }
    out.perNode = { node: nodeName, reasons };
  }
  return out;
}

function placedSummary(ctx: Context, st: AllocState, k: number, node: number): string {
  const parts: string[] = [];
  for (let d = 0; d < 4; d++) {
    const cap = ctx.cap[node * D + d];
    if (cap === 0 && ctx.dem[k * D + d] === 0) continue;
    // The task was removed for judging: add it back for the node's load.
    const used = cap - st.free[node * D + d] + ctx.dem[k * D + d];
    parts.push(`${DIMENSION_NAMES[d]} ${formatQuantity(d, used)}/${formatQuantity(d, cap)}`);
  }
  return `placed on ${ctx.nodes[node].name} (${parts.join(', ')})`;
}

function unplacedSummary(
  ctx: Context,
  st: AllocState,
  k: number,
  blockedBy: readonly string[] | undefined,
  dimensions: readonly DimensionReport[],
  constraints: readonly { constraint: Constraint; filtered: string[] }[],
  passing: readonly number[],
  verdicts: readonly (NodeVerdict | undefined)[],
): string {
  const g = ctx.taskGroup[k];
  if (blockedBy !== undefined) {
    if (ctx.cycleNames[g] !== undefined) return `blocked: dependency cycle among ${formatNames(blockedBy, 8)}`;
    return `blocked: waiting for ${formatNames(blockedBy, 8)}, which ${blockedBy.length === 1 ? 'is' : 'are'} not placed`;
  }
  const parts: string[] = [];
  const N = ctx.nodes.length;
  if (N === 0) return 'no nodes';
  for (const r of dimensions) {
    const d = DIMENSION_NAMES.indexOf(r.dimension);
    if (d === 4 && ctx.tasks[k].ports.dynamic === 0) continue;
    parts.push(
      `${r.dimension} exhausted on ${plural(r.nodes, 'node')} (needs ${formatQuantity(d, r.needs)}, most free ${formatQuantity(d, r.mostFree)} on ${r.mostFreeNode})`,
    );
  }
  for (const p of ctx.fixed[k]) {
    const taken = passing.filter((i) => st.holders[i]?.has(p) === true).length;
    const outside = passing.filter((i) => !ctx.ranges[i].some((r) => r.from <= p && p <= r.to)).length;
    if (taken > 0) parts.push(`port ${p} in use on ${plural(taken, 'node')}`);
    if (outside > 0) parts.push(`port ${p} outside the port ranges of ${plural(outside, 'node')}`);
  }
  for (const c of constraints) {
    if (c.filtered.length === 0) continue;
    parts.push(`constraint ${describe(c.constraint)} filtered ${c.filtered.length > 3 ? plural(c.filtered.length, 'node') : formatNames(c.filtered)}`);
  }
  let down = 0;
  for (let i = 0; i < N; i++) if (st.down[i] === 1) down++;
  if (down > 0) parts.push(`${plural(down, 'node')} down`);
  if (parts.length === 0 && passing.some((i) => (verdicts[i] as NodeVerdict).resourceReasons.length === 0)) {
    parts.push('room exists now, but not when it was its turn (placed in priority order)');
  }
  if (ctx.jobs[ctx.taskJob[k]].preemption) parts.push('no lower-priority tasks to evict make room');
  return parts.join('; ');
}

export function describe(c: Constraint): string {
  return c.value === undefined || c.value === '' ? `${c.field} ${c.operator}` : `${c.field} ${c.operator} ${c.value}`;
}

function judge(ctx: Context, st: AllocState, k: number, checks: CountChecks, i: number): NodeVerdict {
  const group = ctx.groups[ctx.taskGroup[k]];
  const constraintReasons: string[] = [];
  const failedConstraints: number[] = [];
  group.constraints.forEach((c, ci) => {
    const why = constraintReason(ctx, st, k, checks, c, i);
    if (why !== undefined) {
      failedConstraints.push(ci);
      constraintReasons.push(`constraint ${describe(c.source)}: ${why}`);
    }
  });
  const resourceReasons: string[] = [];
  const failedDims = [false, false, false, false, false];
  const t = k * D;
  for (let d = 0; d < 4; d++) {
    const free = st.free[i * D + d];
    if (free < ctx.dem[t + d]) {
      failedDims[d] = true;
      resourceReasons.push(`${DIMENSION_NAMES[d]}: needs ${formatQuantity(d, ctx.dem[t + d])}, ${formatQuantity(d, Math.max(0, free))} free`);
    }
  }
  const fixed = ctx.fixed[k];
  const freePorts = st.free[i * D + 4] - fixed.length;
  if (ctx.tasks[k].ports.dynamic > 0 && freePorts < ctx.tasks[k].ports.dynamic) {
    failedDims[4] = true;
    resourceReasons.push(`ports: needs ${ctx.tasks[k].ports.dynamic}, ${Math.max(0, freePorts)} free`);
  }
  for (const p of fixed) {
    const holder = st.holders[i]?.get(p);
    if (!ctx.ranges[i].some((r) => r.from <= p && p <= r.to)) {
      failedDims[4] = true;
      resourceReasons.push(`port ${p}: outside the node's port ranges`);
    } else if (holder !== undefined) {
      failedDims[4] = true;
      resourceReasons.push(`port ${p}: in use by ${ctx.tasks[holder].id}`);
    }
  }
  return { constraintReasons, failedConstraints, resourceReasons, failedDims };
}

function constraintReason(ctx: Context, st: AllocState, k: number, checks: CountChecks, c: CompiledConstraint, i: number): string | undefined {
  if (staticAccepts(ctx.fields, c, i)) {
    if (c.dyn === Dyn.None || !c.valid) return undefined;
    const di = ctx.groups[ctx.taskGroup[k]].dynamic.indexOf(c);
    if (di < 0 || !countFails(checks, di, i)) return undefined;
    return countReason(ctx, st, k, checks, c, di, i);
  }
  const table = ctx.fields[c.field];
  const v = table.valueOf[i];
  const node = ctx.nodes[i].name;
  if (!c.valid) {
    if (c.operator === 'LIKE' || c.operator === 'UNLIKE') {
      return c.source.value === undefined || c.source.value === '' ? 'needs a pattern' : 'not a valid regular expression';
    }
    return c.operator === 'MAX_PER' ? 'needs a whole number' : 'needs a value';
  }
  if (v < 0) return `${node} has no attribute ${table.name}`;
  return `${table.name} is ${table.values[v]}`;
}

function countReason(ctx: Context, st: AllocState, k: number, checks: CountChecks, c: CompiledConstraint, di: number, i: number): string {
  const table = ctx.fields[c.field];
  const v = table.valueOf[i];
  const g = ctx.taskGroup[k];
  const hostname = table.name === 'hostname';
  const where = (val: number): string => (hostname ? table.values[val] : `${table.name} ${table.values[val]}`);
  const siblings = ctx.groups[g].members.filter((m) => m !== k && st.status[m] === PLACED);
  const onValue = (val: number): number[] => siblings.filter((m) => table.valueOf[st.nodeOf[m]] === val);
  switch (c.dyn) {
    case Dyn.Unique: {
      const m = onValue(v)[0];
      const host = ctx.nodes[st.nodeOf[m]].name;
      return hostname ? `${host} already runs ${ctx.tasks[m].name}` : `${host} already runs ${ctx.tasks[m].name} in ${where(v)}`;
    }
    case Dyn.MaxPer: {
      const here = onValue(v).map((m) => ctx.tasks[m].name);
      return `${where(v)} already runs ${here.length} (${formatNames(here, 4)})`;
    }
    case Dyn.Cluster: {
      const m = siblings[0];
      return `instances run in ${where(table.valueOf[st.nodeOf[m]])}`;
    }
    default: {
      const lim = checks.limit[di];
      const count = checks.counts[di][v];
      const up = st.upNodes[ctx.groups[g].dynamicUniverse[di]];
      const values = [...up.keys()].filter((x) => up[x] > 0);
      if (values.length < c.n) return `${where(v)} is taken and only ${plural(values.length, 'value')} of ${table.name} exist for ${c.n} groups`;
      const fewest = values.filter((x) => checks.counts[di][x] === lim).map((x) => table.values[x]);
      return `${where(v)} has ${plural(count, 'instance')}, ${formatNames(fewest)} ${fewest.length === 1 ? 'has' : 'have'} ${lim}`;
    }
  }
}
